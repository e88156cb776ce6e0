"""Pure rules of the reconciliation (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.reconciliation import rules


@pytest.mark.parametrize(
    "cell, month",
    [
        ("10/2026", dt.date(2026, 10, 1)),
        ("2026-10", dt.date(2026, 10, 1)),
        ("202610", dt.date(2026, 10, 1)),
        ("Oktober 2026", dt.date(2026, 10, 1)),
        ("Okt-2026", dt.date(2026, 10, 1)),
        ("31/10/2026", dt.date(2026, 10, 1)),
        (dt.date(2026, 10, 31), dt.date(2026, 10, 1)),
        ("", None),
    ],
)
def test_it_reads_paid_until_months(cell, month):
    assert rules.parse_month(cell) == month


def test_it_refuses_a_month_it_cannot_read():
    with pytest.raises(ValueError, match="bulan iuran"):
        rules.parse_month("kemarin")


@pytest.mark.parametrize(
    "cell, status",
    [
        ("AKTIF", "aktif"),
        ("Non Aktif", "nonaktif"),
        ("non-aktif", "nonaktif"),
        ("Tidak Aktif", "nonaktif"),
        ("BERHENTI", "berhenti"),
        ("Meninggal Dunia", "berhenti"),
        ("", None),
    ],
)
def test_it_reads_bpjs_statuses(cell, status):
    assert rules.parse_status(cell) == status


@pytest.mark.parametrize(
    "header, field",
    [
        ("No. KPJ", "kpj"),
        ("Nomor Kartu Peserta", "kpj"),
        ("NIK (KTP)", "nik"),
        ("Nama Tenaga Kerja", "name"),
        ("Tempat/Tgl Lahir", "birth_date"),
        ("BLTH Iuran Terakhir", "paid_until"),
        ("Iuran s.d.", "paid_until"),
        ("TMT Kepesertaan", "tmt"),
        ("Kode Wadah", "segment"),
        ("NPP", "payer"),
        ("Keterangan", None),
    ],
)
def test_it_reads_bpjs_headers(header, field):
    assert rules.header_field(header) == field


def _member(**kw):
    data = dict(
        kepesertaan_id=1,
        nik="5301040101900001",
        name="Yohanes Bria",
        birth_date=dt.date(1990, 1, 1),
        desa="53.01.04.2003",
        status="aktif",
        kpj="11111111111",
        paid_until=dt.date(2026, 10, 1),
    )
    data.update(kw)
    return rules.Member(**data)


def _row(**kw):
    data = dict(
        row=2,
        nik="5301040101900001",
        kpj="11111111111",
        name="YOHANES BRIA",
        birth_date=dt.date(1990, 1, 1),
        status="aktif",
        paid_until=dt.date(2026, 10, 1),
    )
    data.update(kw)
    return rules.BpjsRow(**data)


ALL = frozenset(rules.LABELS)


def test_a_row_may_have_several_classes():
    out = rules.classify(
        _row(status="nonaktif", paid_until=dt.date(2026, 8, 1), name="Y. Bria"),
        _member(kpj=""),
        columns=ALL,
    )
    assert out.classes == [
        "kpj_baru",
        "status_berbeda",
        "iuran_berbeda",
        "data_berbeda",
    ]


def test_titles_case_and_spacing_are_not_a_difference():
    row = _row(name="Drs.  YOHANES   bria, M.Si")
    assert rules.classify(row, _member(), columns=ALL).classes == ["cocok"]


def test_a_difference_is_only_looked_for_in_a_column_the_file_has():
    row = _row(status="nonaktif", paid_until=None)
    out = rules.classify(row, _member(), columns=frozenset({"nik", "kpj", "name"}))
    assert out.classes == ["cocok"]


def test_the_status_direction_is_named():
    here = rules.classify(_row(status="nonaktif"), _member(), columns=ALL)
    there = rules.classify(_row(), _member(status="nonaktif"), columns=ALL)
    assert here.detail == rules.PROTECTED_HERE
    assert there.detail.startswith(rules.PROTECTED_THERE)


def test_scope_of_a_nik_kecamatan():
    assert rules.within("53.01.04", ["53.01"], kecamatan_only=True)
    assert rules.within("53.01.04", ["53.01.04.2003"], kecamatan_only=True)
    assert not rules.within("53.01.04", ["53.18"], kecamatan_only=True)
    assert rules.within("53.18.01", None, kecamatan_only=True)
