"""The rakor report tells the truth (issue #18): a regency is "terlindungi" only when enough of its desa have a
protected official; ended agreements and overdue plans are flagged, with the date, in every output."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from lindung.agreements import services as agreements
from lindung.agreements.models import ReportSetting
from lindung.common.format import tanggal
from lindung.contributions.models import Tagihan
from lindung.contributions.services import record_payment, run_billing
from lindung.regions.models import Region
from lindung.reports import exports, services
from tests.participants.factories import make_kepesertaan, nik_for
from tests.reports.helpers import pdf_red_text, pdf_text, xlsx_cells

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
ENDED = TODAY - dt.timedelta(days=40)
PLANNED = TODAY - dt.timedelta(days=5)
SBD = "53.18"  # Sumba Barat Daya: 173 desa, 2 kelurahan
KUPANG = "53.01"  # Kabupaten Kupang: 160 desa, 17 kelurahan


def _desa(kab: str, n: int) -> list[str]:
    return list(
        Region.objects.filter(code__startswith=kab + ".", level=4)
        .exclude(type="kelurahan")
        .order_by("code")
        .values_list("code", flat=True)[:n]
    )


def _officials(codes: list[str]) -> dict[str, object]:
    """One registered official per desa, billed for this month; returns {desa: membership}."""
    members = {
        code: make_kepesertaan(
            nik=nik_for(i + 1, prefix=code[:8].replace(".", "")),
            desa_code=code,
            name=f"Perangkat Uji {i}",
        )
        for i, code in enumerate(codes)
    }
    run_billing(actor=None, period=TODAY.replace(day=1))
    return members


def _pay(member) -> None:
    bill = Tagihan.objects.get(lines__kepesertaan=member)
    record_payment(
        actor=None,
        payer=bill.payer,
        amount=bill.total,
        paid_at=TODAY,
        reference="TRX-{}".format(member.pk),
    )


def _threshold(value: str, valid_from=dt.date(2020, 1, 1)) -> None:
    ReportSetting.objects.create(
        key="ambang_desa_terlindungi",
        value=Decimal(value),
        valid_from=valid_from,
        source="uji",
    )


def _report(region="53", user=None) -> dict:
    """The report from the maintained summary, checked against a recount from scratch."""
    kept = services.rakor(user=user, region_code=region, as_of=TODAY)
    fresh = services.rakor(
        user=user, region_code=region, as_of=TODAY, from_scratch=True
    )
    assert kept == fresh
    return kept


def _row(report: dict, code: str) -> dict:
    return next(r for r in report["rows"] if r["code"] == code)


def test_one_village_paying_leaves_the_regency_sebagian():
    paid, unpaid = _desa(SBD, 2)
    members = _officials([paid, unpaid])
    before = _report()
    assert _row(before, SBD)["tahap"] == "ditagih"
    assert SBD in {r["code"] for r in before["tanpa_perlindungan"]}

    _pay(members[paid])
    report = _report()
    row = _row(report, SBD)
    assert row["tahap"] == "sebagian" and row["tahap_label"] == "Sebagian terlindungi"
    assert (row["desa"], row["desa_terlindungi"], row["desa_persen"]) == (173, 1, 0.6)
    assert report["total"]["desa_terlindungi"] == 1
    # It left the list of regencies at 0 and joined the list of partly protected ones, with the missing desa.
    assert SBD not in {r["code"] for r in report["tanpa_perlindungan"]}
    (partly,) = report["sebagian_terlindungi"]
    assert partly["code"] == SBD and partly["desa_persen"] == 0.6
    assert partly["ambang_persen"] == 80.0
    missing = {v["code"] for v in partly["desa_belum"]}
    assert len(missing) == 172 and unpaid in missing and paid not in missing
    assert all(v["name"] for v in partly["desa_belum"])


def test_every_stage_boundary_of_the_threshold():
    """Kabupaten Kupang has 160 desa: at 5 % the threshold is exactly 8 of them."""
    _threshold("0.05")
    codes = _desa(KUPANG, 8)
    members = _officials(codes)
    assert _row(_report(), KUPANG)["tahap"] == "ditagih"  # 0 protected
    for code in codes[:7]:
        _pay(members[code])
    row = _row(_report(), KUPANG)
    assert (row["desa_terlindungi"], row["tahap"]) == (7, "sebagian")  # just below
    _pay(members[codes[7]])
    report = _report()
    row = _row(report, KUPANG)
    assert (row["desa_terlindungi"], row["tahap"]) == (8, "terlindungi")  # at it
    assert report["sebagian_terlindungi"] == []


def test_the_threshold_is_versioned():
    codes = _desa(KUPANG, 2)
    for member in _officials(codes).values():
        _pay(member)
    # 2 of 160 desa: under the default 80 % partly protected, under 1 % (1.6 desa) protected.
    _threshold("0.01", valid_from=TODAY + dt.timedelta(days=1))  # not yet in force
    assert _row(_report(), KUPANG)["tahap"] == "sebagian"
    _threshold("0.01", valid_from=TODAY)
    report = _report()
    assert _row(report, KUPANG)["tahap"] == "terlindungi"
    assert report["ambang_desa_terlindungi"] == "0.01"


def test_a_kota_without_desa_says_so_and_keeps_a_valid_stage():
    report = _report()
    kota = _row(report, "53.71")
    assert kota["tanpa_desa"] and kota["desa"] == 0 and kota["desa_persen"] is None
    assert kota["tahap"] in {
        "belum_ada_pks",
        "pks_ditandatangani",
        "data_diterima",
        "ditagih",
        "sebagian",
        "terlindungi",
    }
    assert exports.rules.stage_text(kota).startswith("Tidak ada desa")


@pytest.fixture
def flagged():
    """Kabupaten Kupang: PKS ended 40 days ago, a plan 5 days overdue, one of its desa paying."""
    agreements.save_pks(
        actor=None,
        kabupaten_code=KUPANG,
        number="5301/PKS/BPJSTK/2022",
        signed_on=dt.date(2022, 6, 10),
        scope="both",
        valid_to=ENDED,
    )
    agreements.add_planned_action(
        actor=None,
        kabupaten_code=KUPANG,
        planned_on=PLANNED,
        description="Dianggarkan pada APBD Perubahan",
    )
    agreements.save_pks(
        actor=None,
        kabupaten_code=SBD,
        number="5318/PKS/BPJSTK/2026",
        signed_on=TODAY - dt.timedelta(days=100),
        scope="both",
        valid_to=TODAY + dt.timedelta(days=900),
    )
    code = _desa(KUPANG, 1)[0]
    _pay(_officials([code])[code])
    return _report()


def test_ended_pks_and_overdue_plan_in_the_json(flagged, tmp_path):
    data = services.rakor_json(flagged)
    row = next(r for r in data["rows"] if r["code"] == KUPANG)
    assert row["pks_status"] == "berakhir"
    assert row["pks_berlaku_sampai"] == ENDED.isoformat()
    assert row["rencana_terlambat"] is True
    assert row["rencana_tanggal"] == PLANNED.isoformat()
    assert row["desa_terlindungi"] == 1 and row["tahap"] == "sebagian"
    sbd = next(r for r in data["rows"] if r["code"] == SBD)
    assert sbd["pks_status"] == "aktif" and sbd["rencana_terlambat"] is False
    sabu = next(r for r in data["rows"] if r["code"] == "53.20")
    assert (sabu["pks_status"], sabu["pks_berlaku_sampai"]) == ("belum_ada", None)
    assert data["total"]["desa_terlindungi"] == sum(
        r["desa_terlindungi"] for r in data["rows"]
    )
    assert [r["code"] for r in data["perlu_perhatian"]] == [KUPANG]
    assert [r["code"] for r in data["sebagian_terlindungi"]] == [KUPANG]

    # The CLI writes the same keys.
    out = tmp_path / "rakor.json"
    call_command(
        "report", "rakor", "--region", "53", "--as-of", TODAY.isoformat(),
        "--format", "json", "--out", str(out),
    )  # fmt: skip
    cli = json.loads(out.read_text())
    cli_row = next(r for r in cli["rows"] if r["code"] == KUPANG)
    assert {k: cli_row[k] for k in row} == row
    assert cli["total"] == data["total"]


def test_ended_pks_and_overdue_plan_in_the_csv(flagged):
    rows = list(
        csv.DictReader(
            io.StringIO(exports.to_csv(flagged).decode("utf-8-sig")), delimiter=";"
        )
    )
    kupang = next(r for r in rows if r["Kode"] == KUPANG)
    assert kupang["Status PKS"] == "berakhir"
    assert kupang["PKS berlaku sampai"] == ENDED.isoformat()
    assert kupang["PKS"] == "Berakhir pada {}, perpanjang".format(tanggal(ENDED))
    assert kupang["Rencana terlambat"] == "ya"
    assert kupang["Tanggal rencana"] == PLANNED.isoformat()
    assert "TERLAMBAT" in kupang["Rencana tindak lanjut"]
    assert kupang["Tahap"] == "Sebagian terlindungi"
    assert kupang["Desa terlindungi"] == "1"
    sbd = next(r for r in rows if r["Kode"] == SBD)
    assert (sbd["Status PKS"], sbd["Rencana terlambat"]) == ("aktif", "tidak")
    total = rows[-1]
    assert total["Kabupaten/Kota"] == "TOTAL" and total["Desa terlindungi"] == "1"


def test_ended_pks_and_overdue_plan_in_red_in_the_xlsx(flagged):
    cells = xlsx_cells(exports.to_xlsx(flagged))
    header = {
        v: k.rstrip("0123456789") for k, (v, _c) in cells.items() if k.endswith("4")
    }
    line = next(
        k[1:] for k, (v, _c) in cells.items() if k.startswith("A") and v == KUPANG
    )
    pks_value, pks_colour = cells[header["PKS"] + line]
    assert pks_value == "Berakhir pada {}, perpanjang".format(tanggal(ENDED))
    assert pks_colour == "FFC0392B"
    plan_value, plan_colour = cells[header["Rencana tindak lanjut"] + line]
    assert tanggal(PLANNED) in plan_value and "TERLAMBAT" in plan_value
    assert plan_colour == "FFC0392B"
    sbd = next(k[1:] for k, (v, _c) in cells.items() if k.startswith("A") and v == SBD)
    assert cells[header["PKS"] + sbd][1] is None  # an agreement in force is not red
    # The sheet of partly protected regencies lists the missing desa.
    partly = xlsx_cells(exports.to_xlsx(flagged), sheet=3)
    assert partly["A2"][0] == KUPANG and partly["G2"][0] == "159"


def test_ended_pks_and_overdue_plan_in_red_in_the_pdf(flagged):
    data = exports.to_pdf(flagged)
    assert data[:5] == b"%PDF-"
    red = pdf_red_text(data)
    assert "PKS berakhir pada {}, perpanjang".format(tanggal(ENDED)) in red
    assert "TERLAMBAT, rencana {}".format(tanggal(PLANNED)) in red
    text = pdf_text(data)
    assert "Kabupaten/kota sebagian terlindungi" in text
    assert (
        "53.01 Kabupaten Kupang: 1 dari 160 desa (0,6%); 159 desa belum terlindungi"
        in text
    )
    assert "Sumba Barat Daya" not in red


def test_the_page_and_dashboards_flag_them(
    client, flagged, provinsi_user, kabupaten_user
):
    client.force_login(provinsi_user)
    body = client.get("/laporan/rakor/?region=53").content.decode()
    ended = "PKS berakhir pada {}".format(tanggal(ENDED))
    assert (
        ended in body and "perpanjang" in body and "?kabupaten=53.01#pks-form" in body
    )
    assert "Terlambat" in body and tanggal(PLANNED) in body
    assert (
        'data-code="53.01" data-tahap="sebagian" data-pks="berakhir" class="red"'
        in body
    )
    assert 'id="sebagian"' in body and "1 dari 160 desa (0,6%)" in body
    assert "Tidak ada desa" in body  # Kota Kupang
    assert 'stroke="#641e16"' in body and "PKS + rencana" in body
    # The province dashboard shows the same report.
    assert ended in client.get("/").content.decode()

    client.logout()
    client.force_login(kabupaten_user)
    home = client.get("/").content.decode()
    assert 'id="pks-ended-alert"' in home and ended in home and "perpanjang" in home
    assert 'id="plan-overdue-alert"' in home and "Terlambat" in home
    assert "Sebagian terlindungi" in home


def test_a_viewer_sees_the_ended_pks_without_the_renew_link(client, flagged):
    from tests.conftest import make_user

    viewer = make_user("viewer", ["53"])
    client.force_login(viewer)
    body = client.get("/laporan/rakor/?region=53").content.decode()
    assert "PKS berakhir pada {}".format(tanggal(ENDED)) in body
    assert "#pks-form" not in body


@pytest.mark.parametrize("as_of", ["9999-12-31", "1990-01-01", "2014-12-31"])
def test_a_report_date_outside_the_data_years_is_refused_on_every_path(
    client, provinsi_user, as_of
):
    import datetime as dt

    from django.core.management import call_command
    from django.core.management.base import CommandError

    client.force_login(provinsi_user)
    page = client.get("/laporan/rakor/?region=53&as_of=" + as_of)
    assert page.status_code == 400
    api = client.get("/api/v1/reports/rakor?region=53&as_of=" + as_of)
    assert api.status_code in (400, 422) and "rentang data" in api.content.decode()
    with pytest.raises(CommandError, match="di luar rentang data"):
        call_command(
            "report",
            "rakor",
            "--region",
            "53",
            "--as-of",
            as_of,
            "--format",
            "json",
            "--out",
            "-",
        )
    # A date within the data's years still works.
    assert (
        client.get(
            "/laporan/rakor/?region=53&as_of=" + dt.date.today().isoformat()
        ).status_code
        == 200
    )


def test_the_rakor_csv_is_what_indonesian_excel_opens():
    import datetime as dt

    from lindung.reports import exports
    from lindung.reports.services import rakor

    data = exports.to_csv(rakor(user=None, region_code="53", as_of=dt.date(2026, 6, 1)))
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.count(";") >= 10 and "," not in header.replace(", ", "")
