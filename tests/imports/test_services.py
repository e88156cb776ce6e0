from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from python_calamine import CalamineWorkbook

from lindung.accounts.models import AuditEvent
from lindung.common.nik import ZEROED
from lindung.imports import deciding, services
from lindung.imports.models import ImportBatch
from lindung.participants.models import Kepesertaan, Peserta, StatusHistory
from lindung.participants.services import end_membership
from tests.participants.factories import (
    DESA_X,
    DESA_X2,
    DESA_Y,
    make_kepesertaan,
    nik_for,
)

from .helpers import HEADER, crash_in_second_chunk, perangkat_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _counts(batch: ImportBatch) -> tuple:
    return batch.inserted, batch.updated, batch.unchanged, batch.rejected


def _balanced(batch: ImportBatch) -> bool:
    return batch.total == sum(_counts(batch)) + batch.skipped == batch.processed


def test_it_imports_a_csv_and_every_row_is_accounted_for(tmp_path):
    rows = [perangkat_row(i) for i in range(1, 6)] + [
        perangkat_row(9, nik="5.30104E+15")
    ]
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "a.csv", rows), kind="perangkat"
    )
    assert _counts(batch) == (5, 0, 0, 1) and _balanced(batch) and batch.state == "done"
    assert Kepesertaan.objects.count() == 5 and StatusHistory.objects.count() == 5
    # One audit event per kabupaten and write batch, naming the batch; every membership points to the batch.
    event = AuditEvent.objects.get(action="create", model="imports.ImportBatch")
    assert event.object_id == str(batch.pk) and event.changes["kepesertaan_baru"] == 5
    assert event.region_code == "53.01" and event.changes["baris_pertama"] == 2
    assert set(Kepesertaan.objects.values_list("import_batch_id", flat=True)) == {
        batch.pk
    }
    assert batch.errors == [
        {"row": 7, "column": "No. NIK", "message": batch.errors[0]["message"]}
    ]
    assert "Teks" in batch.errors[0]["message"]


def test_reimporting_the_same_file_changes_nothing_and_a_corrected_file_updates_in_place(
    tmp_path,
):
    rows = [perangkat_row(i) for i in range(1, 4)]
    path = write_csv(tmp_path / "a.csv", rows)
    services.run_import(actor=None, path=path, kind="perangkat")
    before = list(Kepesertaan.objects.order_by("pk").values_list("pk", "version"))
    again = services.run_import(actor=None, path=path, kind="perangkat")
    assert _counts(again) == (0, 0, 3, 0)
    assert (
        list(Kepesertaan.objects.order_by("pk").values_list("pk", "version")) == before
    )
    rows[1] = perangkat_row(2, wage="2.500.000", name="Orang Dua")
    fixed = services.run_import(
        actor=None, path=write_csv(tmp_path / "b.csv", rows), kind="perangkat"
    )
    assert _counts(fixed) == (0, 1, 2, 0)
    k = Kepesertaan.objects.get(peserta__nik=nik_for(2))
    assert (
        k.wage == 2500000
        and k.version == 2
        and k.peserta.name == "Orang Dua"
        and k.peserta.version == 2
    )
    assert Kepesertaan.objects.count() == 3


def test_duplicates_inside_a_file_are_rejected_after_the_first_naming_it(tmp_path):
    rows = [perangkat_row(1), perangkat_row(2), perangkat_row(1, name="Lagi")]
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "d.csv", rows), kind="perangkat"
    )
    assert _counts(batch) == (2, 0, 0, 1)
    assert batch.errors[0]["row"] == 4 and "baris 2" in batch.errors[0]["message"]


def test_same_nik_active_in_another_village_is_a_conflict(tmp_path):
    make_kepesertaan(desa_code=DESA_X2, jabatan="Kepala Dusun")
    batch = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "c.csv", [perangkat_row(1)]),
        kind="perangkat",
    )
    assert _counts(batch) == (0, 0, 0, 1) and DESA_X2 in batch.errors[0]["message"]


def test_a_person_whose_membership_ended_gets_a_new_membership(tmp_path):
    k = make_kepesertaan(desa_code=DESA_X2, jabatan="Kepala Dusun")
    end_membership(actor=None, kepesertaan=k, reason="pindah", ended_on=dt.date.today())
    batch = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "c.csv", [perangkat_row(1)]),
        kind="perangkat",
    )
    assert (
        _counts(batch) == (1, 0, 0, 0)
        and Peserta.objects.count() == 1
        and Kepesertaan.objects.count() == 2
    )


def test_row_numbers_are_the_spreadsheets_own_with_blank_rows_skipped(tmp_path):
    rows = [
        perangkat_row(1),
        ["", "", "", "", "", "", "", ""],
        perangkat_row(2, birth="31/02/1968"),
    ]
    path = write_xlsx(tmp_path / "n.xlsx", rows, start_row=2)
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    assert (
        batch.total == 2
        and batch.errors[0]["row"] == 6
        and batch.errors[0]["column"] == "Tgl Lahir"
    )


def test_a_file_without_funding_sources_is_imported_with_warnings_and_billed_once_filled(
    tmp_path,
):
    """Only who and where are required: without Sumber Dana the rows go in, warned; billing skips them (nobody to
    bill) and says how many, until a corrected file fills the source in."""
    from lindung.contributions.services import run_billing

    header = HEADER[:-1]  # no Sumber Dana column
    rows = [perangkat_row(i)[:-1] for i in (1, 2)]
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "a.csv", rows, header), kind="perangkat"
    )
    assert _counts(batch) == (2, 0, 0, 0) and batch.warnings == 2
    assert set(Kepesertaan.objects.values_list("sumber_dana", flat=True)) == {""}
    this_month = timezone.localdate().replace(day=1)  # the rows were registered today
    first = run_billing(actor=None, period=this_month)
    assert (first["lines"], first["missing_funding"]) == (0, 2)

    fixed = [perangkat_row(i, sumber="Dana Desa") for i in (1, 2)]
    again = services.run_import(
        actor=None, path=write_csv(tmp_path / "b.csv", fixed), kind="perangkat"
    )
    assert _counts(again) == (0, 2, 0, 0)
    second = run_billing(actor=None, period=this_month)
    assert (second["lines"], second["missing_funding"]) == (2, 0)


def test_a_nik_column_cut_to_15_digits_by_excel_is_refused_not_guessed(tmp_path):
    """A CSV exported from a number column: every NIK's 16th digit became 0. Each looks valid alone; the column
    does not (a tenth of real NIKs end in 0). The rows ending in 0 are refused, telling the operator why."""
    cut = [
        perangkat_row(serial) for serial in range(10, 130, 10)
    ]  # 12 NIKs ending in 0
    typed = [perangkat_row(serial) for serial in (201, 202)]  # typed as text: intact
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "cut.csv", cut + typed), kind="perangkat"
    )
    assert _counts(batch) == (2, 0, 0, 12)
    assert {(e["column"], e["message"]) for e in batch.errors} == {("No. NIK", ZEROED)}


def test_a_few_niks_ending_in_0_are_ordinary(tmp_path):
    rows = [perangkat_row(serial) for serial in (10, 20, *range(31, 40))]  # 2 of 11
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "ok.csv", rows), kind="perangkat"
    )
    assert _counts(batch) == (11, 0, 0, 0)


def test_a_file_wide_funding_source_for_a_file_without_the_column(tmp_path):
    header = HEADER[:-1]  # no Sumber Dana column
    path = write_csv(
        tmp_path / "a.csv", [perangkat_row(i)[:-1] for i in (1, 2)], header
    )
    batch = services.run_import(
        actor=None, path=path, kind="perangkat", sumber_dana="ADD"
    )
    assert _counts(batch) == (2, 0, 0, 0) and batch.warnings == 0
    assert batch.default_sumber_dana == "add"
    assert set(Kepesertaan.objects.values_list("sumber_dana", flat=True)) == {"add"}
    again = services.run_import(
        actor=None, path=path, kind="perangkat", sumber_dana="Dana Desa"
    )
    # A default never replaces a recorded source: the second file-wide choice changes nothing.
    assert _counts(again) == (0, 0, 2, 0)
    with pytest.raises(services.ImportFileError, match="sumber dana bawaan"):
        services.run_import(
            actor=None, path=path, kind="perangkat", sumber_dana="Arisan"
        )


def test_a_government_list_with_a_place_and_date_column_and_noted_headers(tmp_path):
    header = [
        "No",
        "Nomor Induk Kependudukan (NIK)",
        "Nama Perangkat",
        "Tempat/Tgl Lahir",
        "Jenis Kelamin (L/P)",
        "Jabatan",
        "Penghasilan Tetap (Rp)",
        "Kode Desa",
        "Sumber Pembiayaan",
    ]
    rows = [
        [
            str(i),
            *perangkat_row(i, birth="Kupang, 05-08-1968")[:1],
            "Orang {}".format(i),
        ]
        + ["Kupang, 05-08-1968", "L", "Kaur Keuangan", "2.022.200", DESA_X, "ADD"]
        for i in (1, 2)
    ]
    rows[1][3] = "Kupang, 31-02-1968"
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "ttl.csv", rows, header), kind="perangkat"
    )
    assert _counts(batch) == (1, 0, 0, 1) and batch.warnings == 0
    assert (
        batch.errors[0]["row"] == 3 and batch.errors[0]["column"] == "Tempat/Tgl Lahir"
    )
    member = Kepesertaan.objects.select_related("peserta").get()
    assert member.peserta.birth_date == dt.date(1968, 8, 5) and member.wage == 2022200


def test_title_lines_and_a_numbering_row_around_the_header_are_not_rows(tmp_path):
    """Regency spreadsheets carry a title above the header and often number the columns under it."""
    path = write_xlsx(
        tmp_path / "judul.xlsx",
        [
            [str(i) for i in range(1, len(HEADER) + 1)],
            perangkat_row(1),
            perangkat_row(2, birth="31/02/1968"),
        ],
        start_row=3,
        title=[
            "DAFTAR PERANGKAT DESA PENERIMA PERLINDUNGAN BPJS KETENAGAKERJAAN",
            "TAHUN 2026",
        ],
    )
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    assert _counts(batch) == (1, 0, 0, 1) and batch.total == 2
    assert batch.errors[0]["row"] == 7 and batch.errors[0]["column"] == "Tgl Lahir"
    preview = services.preview(path, kind="perangkat")
    assert preview["header"] == HEADER and preview["rows"][0]["row"] == 6


def test_xlsx_number_cells_for_nik_are_refused_and_date_cells_and_money_numbers_accepted(
    tmp_path,
):
    rows = [
        perangkat_row(1, birth=dt.datetime(1968, 8, 5), wage=2022200.0),
        perangkat_row(2, nik=float(nik_for(2))),
    ]
    batch = services.run_import(
        actor=None, path=write_xlsx(tmp_path / "x.xlsx", rows), kind="perangkat"
    )
    assert _counts(batch) == (1, 0, 0, 1) and "angka" in batch.errors[0]["message"]
    assert Kepesertaan.objects.get().wage == 2022200


def test_error_file_has_original_cells_and_a_reason_column(tmp_path):
    rows = [
        perangkat_row(1),
        perangkat_row(2, desa="53.01.04.9999"),
        perangkat_row(3, wage="abc"),
    ]
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "e.csv", rows), kind="perangkat"
    )
    sheet = (
        CalamineWorkbook.from_path(str(services.error_file_path(batch)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sheet[0] == [*HEADER, "Keterangan kesalahan", "Baris asal"]
    assert (
        sheet[1][:8] == perangkat_row(2, desa="53.01.04.9999")
        and "tidak ditemukan" in sheet[1][8]
    )
    assert sheet[1][8].startswith("Kode Desa:") and int(sheet[2][9]) == 4


def test_rows_outside_the_users_region_are_rejected_with_a_reason(
    tmp_path, operator_desa
):
    rows = [
        perangkat_row(1),
        perangkat_row(2, desa=DESA_Y, nik=nik_for(2, prefix="531801")),
    ]
    batch = services.run_import(
        actor=operator_desa, path=write_csv(tmp_path / "s.csv", rows), kind="perangkat"
    )
    assert (
        _counts(batch) == (1, 0, 0, 1)
        and "di luar wilayah kewenangan" in batch.errors[0]["message"]
    )


def test_region_option_limits_the_villages(tmp_path):
    rows = [
        perangkat_row(1),
        perangkat_row(2, desa=DESA_Y, nik=nik_for(2, prefix="531801")),
    ]
    batch = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "r.csv", rows),
        kind="perangkat",
        region_code="53.01",
    )
    assert _counts(batch) == (1, 0, 0, 1)


@pytest.mark.parametrize("fixture", ["viewer_user", "provinsi_user"])
def test_users_without_import_permission_are_refused(tmp_path, request, fixture):
    user = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        services.run_import(
            actor=user,
            path=write_csv(tmp_path / "p.csv", [perangkat_row(1)]),
            kind="perangkat",
        )


def test_dry_run_counts_but_writes_nothing(tmp_path):
    batch = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "y.csv", [perangkat_row(1)]),
        kind="perangkat",
        dry_run=True,
    )
    assert _counts(batch) == (1, 0, 0, 0) and not Kepesertaan.objects.exists()


def test_a_crash_mid_way_keeps_earlier_batches_and_a_rerun_finishes(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    path = write_csv(tmp_path / "big.csv", [perangkat_row(i) for i in range(1, 6)])
    real = services._chunk_job
    monkeypatch.setattr(services, "_chunk_job", crash_in_second_chunk(real))
    with pytest.raises(RuntimeError):
        services.run_import(actor=None, path=path, kind="perangkat")
    failed = ImportBatch.objects.get()
    assert (
        failed.state == "failed"
        and failed.processed == 2
        and failed.inserted == 2
        and _balanced(failed) is False
    )
    assert failed.processed == sum(_counts(failed)) and Kepesertaan.objects.count() == 2
    monkeypatch.setattr(services, "_chunk_job", real)
    rerun = services.run_import(actor=None, path=path, kind="perangkat")
    assert _counts(rerun) == (3, 0, 2, 0) and Kepesertaan.objects.count() == 5


def test_a_file_without_required_columns_fails_as_a_whole(tmp_path):
    path = write_csv(tmp_path / "h.csv", [["1", "2"]], header=["NIK", "Nama"])
    with pytest.raises(services.ImportFileError, match="kolom wajib"):
        services.run_import(actor=None, path=path, kind="perangkat")
    assert ImportBatch.objects.get().state == "failed"


@pytest.mark.parametrize("name,content", [("x.pdf", b"%PDF"), ("x.xlsx", b"not a zip")])
def test_unreadable_files_raise_import_file_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(services.ImportFileError):
        services.run_import(actor=None, path=path, kind="perangkat")


def test_comma_csv_and_village_by_name(tmp_path):
    header = [
        "NIK",
        "Nama",
        "Tanggal Lahir",
        "Jenis Kelamin",
        "Pekerjaan",
        "Penghasilan",
        "Desa",
        "Kecamatan",
        "Kabupaten",
        "Sumber Dana",
    ]
    rows = [
        [
            nik_for(1),
            "Ani",
            "17 Agustus 1968",
            "L",
            "Nelayan",
            "1.000.000",
            "Desa Bokonusan",
            "Semau",
            "Kab. Kupang",
            "Dana Desa",
        ]
    ]
    rows[0][0] = nik_for(1, day=17)
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "c.csv", rows, header, ","), kind="rentan"
    )
    assert (
        _counts(batch) == (1, 0, 0, 0) and Kepesertaan.objects.get().desa_id == DESA_X
    )


def test_second_kepala_desa_in_the_same_file_is_rejected_naming_the_first_row(tmp_path):
    rows = [perangkat_row(1, jabatan="Kepala Desa"), perangkat_row(2, jabatan="Kades")]
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "k.csv", rows), kind="perangkat"
    )
    assert _counts(batch) == (1, 0, 0, 1)
    assert batch.errors[0] == {
        "row": 3,
        "column": "Jabatan",
        "message": "Kepala Desa untuk desa {} sudah ada di baris 2".format(DESA_X),
    }


def test_refusals_after_validation_name_the_files_own_column(tmp_path):
    """A second kepala desa and a NIK active elsewhere are refused in the column as the file heads it."""
    header = ["No. KTP", *HEADER[1:4], "Jabatan Perangkat", *HEADER[5:]]
    first = [perangkat_row(1, jabatan="Kepala Desa")]
    services.run_import(
        actor=None, path=write_csv(tmp_path / "a.csv", first, header), kind="perangkat"
    )
    rows = [perangkat_row(2, jabatan="Kades"), perangkat_row(1, desa=DESA_X2)]
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "b.csv", rows, header), kind="perangkat"
    )
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (2, "Jabatan Perangkat"),
        (3, "No. KTP"),
    ]


def test_template_round_trip_refuses_the_sample_row_and_has_text_nik_and_dropdowns(
    tmp_path,
):
    path = services.build_template("perangkat", tmp_path / "t.xlsx")
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert (
        sheet[0][0] == "NIK"
        and sheet[1][0] == services.SAMPLE_NIK
        and "Jabatan" in sheet[0]
    )
    import zipfile

    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("<dataValidation ") >= 4 and "Pilihan!" in xml
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    assert _counts(batch) == (0, 0, 0, 1) and "contoh" in batch.errors[0]["message"]


def test_summary_has_the_interfaces_shape(tmp_path):
    batch = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "j.csv", [perangkat_row(1)]),
        kind="perangkat",
    )
    data = json.loads(json.dumps(services.summary(batch)))
    assert set(data) == {
        "skipped",
        "total",
        "inserted",
        "updated",
        "unchanged",
        "rejected",
        "errors",
    }


def test_a_blank_cell_in_a_later_file_does_not_erase_a_stored_value(tmp_path):
    services.run_import(
        actor=None,
        path=write_csv(tmp_path / "a.csv", [perangkat_row(1)]),
        kind="perangkat",
    )
    again = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "b.csv", [perangkat_row(1, wage="")]),
        kind="perangkat",
    )
    assert _counts(again) == (0, 0, 1, 0) and Kepesertaan.objects.get().wage == 2022200


@pytest.mark.parametrize("preload_limit", [300000, 0])
def test_chunks_and_registry_lookups_give_the_same_answer_as_one_pass(
    tmp_path, monkeypatch, preload_limit
):
    """Rows are validated, compared and written in chunks; a duplicate, a second kepala desa and a conflict with
    the registry are found across chunk boundaries, whether the registry is read once or asked per chunk."""
    make_kepesertaan(desa_code=DESA_X2, jabatan="Kepala Dusun")  # NIK of serial 1
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    # The registry lookups are the deciding step's (imports.deciding).
    monkeypatch.setattr(deciding, "PRELOAD_LIMIT", preload_limit)
    monkeypatch.setattr(deciding, "PRELOAD_FACTOR", 1 if preload_limit else 0)
    rows = [
        perangkat_row(2, jabatan="Kepala Desa"),
        perangkat_row(3),
        perangkat_row(4),
        perangkat_row(2, name="Lagi"),  # row 5: duplicate of row 2, next chunk
        perangkat_row(5, jabatan="Kades"),  # row 6: second kepala desa
        perangkat_row(1),  # row 7: active in another desa
        perangkat_row(6),
    ]
    path = write_csv(tmp_path / "chunks.csv", rows)
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    assert _counts(batch) == (4, 0, 0, 3) and _balanced(batch) and batch.total == 7
    by_row = {e["row"]: e["message"] for e in batch.errors}
    assert "baris 2" in by_row[5] and "baris 2" in by_row[6] and DESA_X2 in by_row[7]
    again = services.run_import(actor=None, path=path, kind="perangkat")
    assert _counts(again) == (0, 0, 4, 3)


def test_error_file_keeps_formula_like_cells_as_text(tmp_path):
    """A refused row's cells go back as text: "=…" from an uploaded file never becomes a live formula."""
    evil = '=HYPERLINK("http://example.invalid","klik")'
    rows = [perangkat_row(1, name=evil, wage="abc")]
    batch = services.run_import(
        actor=None, path=write_csv(tmp_path / "f.csv", rows), kind="perangkat"
    )
    import zipfile

    with zipfile.ZipFile(services.error_file_path(batch)) as xlsx:
        sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in sheet  # inline text, not a formula


@pytest.mark.parametrize(
    "rows,size",
    [
        (5, 10000),
        (20000, 10000),
        (200000, 10000),
        (500000, 25000),
        (1000000, 50000),
        (3000000, 50000),
    ],
)
def test_large_files_are_written_in_fewer_larger_chunks(rows, size):
    assert services.chunk_size(rows) == size
