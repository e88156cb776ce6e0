"""The NTT demo reproduces the province's reported figures through the rakor report (both databases)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from lindung import demo
from lindung.participants.models import Kepesertaan, Peserta
from lindung.reports import exports, services

pytestmark = pytest.mark.django_db


def _by_code(report):
    return {r["code"]: r for r in report["rows"]}


def test_demo_reproduces_ntt_figures_and_is_deterministic(tmp_path):
    today = dt.date.today()
    demo.load_demo(today=today)
    report = services.rakor(user=None, region_code="53", as_of=today)
    rows, total = _by_code(report), report["total"]

    assert len(rows) == 22
    assert total["perangkat_terlindungi"] == 19_629
    assert total["rentan_dana_desa"] == 7_031
    assert total["rentan_apbd"] == 5_353
    assert (
        rows["53.71"]["desa"] == 0 and rows["53.71"]["perangkat_terdaftar"] == 0
    )  # Kota Kupang: kelurahan only
    protected_kabs = [c for c, r in rows.items() if r["perangkat_terlindungi"] > 0]
    assert len(protected_kabs) == 19 and "53.71" not in protected_kabs

    # Sabu Raijua: no PKS, nothing registered, planned action for the September APBD revision.
    sabu = rows["53.20"]
    assert sabu["tahap"] == "belum_ada_pks" and sabu["perangkat_terdaftar"] == 0
    assert "September 2026" in sabu["rencana"]
    # Sumba Barat Daya: PKS signed, officials registered and billed, nothing paid.
    sbd = rows["53.18"]
    assert (
        sbd["perangkat_terlindungi"] == 0
        and sbd["perangkat_terdaftar"] > 0
        and sbd["tahap"] == "ditagih"
    )
    assert {r["code"] for r in report["tanpa_perlindungan"]} == {"53.18", "53.20"}
    # Issue #18: about 97 % of the paying regencies' desa have a protected official, above the 80 % threshold,
    # so all 19 are "terlindungi" and none "sebagian"; Kota Kupang has no desa and is weighed on its workers.
    assert all(rows[c]["tahap"] == "terlindungi" for c in protected_kabs)
    assert all(rows[c]["desa_persen"] >= 80 for c in protected_kabs)
    assert report["sebagian_terlindungi"] == []
    assert rows["53.71"]["tanpa_desa"] and rows["53.71"]["tahap"] == "terlindungi"
    assert total["desa_terlindungi"] == sum(
        r["desa_terlindungi"] for r in rows.values()
    )
    assert total["desa_terlindungi"] == total["desa"] - len(
        report["desa_tanpa_perangkat_terlindungi"]
    )
    # The demo's agreements run three years from 2022–2024: those ended by today say so until renewed.
    from lindung.agreements.models import PKS

    ended = {p.kabupaten_id for p in PKS.objects.filter(valid_to__lt=today)} - set(
        PKS.objects.filter(valid_to__gte=today).values_list("kabupaten_id", flat=True)
    )
    assert {c for c, r in rows.items() if r["pks_status"] == "berakhir"} == ended
    assert sabu["pks_status"] == "belum_ada"
    # Sabu Raijua's plan for 30 September 2026 is overdue once that day has passed undone.
    assert sabu["rencana_terlambat"] is (today > dt.date(2026, 9, 30))
    unprotected_villages = {
        v["code"] for v in report["desa_tanpa_perangkat_terlindungi"]
    }
    plan = demo.demo_plan()
    expected = {
        c
        for kab in ("53.18", "53.20")
        for c, t in plan["villages"][kab]
        if t != "kelurahan"
    }
    expected |= set(plan["unpaid_desa"]) | set(plan["no_official_desa"])
    assert unprotected_villages == expected

    # Every NIK agrees with the person's kecamatan, birth date and sex.
    from lokal import parse_nik

    for k in Kepesertaan.objects.select_related("peserta")[::997]:
        info = parse_nik(k.peserta.nik)
        assert info.valid
        assert info.district_code == k.desa_id[:8]
        assert info.gender == k.peserta.sex
        assert info.birth_date[5:] == k.peserta.birth_date.isoformat()[5:]

    # The CLI gives the same JSON shape and figures.
    out = tmp_path / "rakor.json"
    call_command(
        "report",
        "rakor",
        "--region",
        "53",
        "--as-of",
        today.isoformat(),
        "--format",
        "json",
        "--out",
        str(out),
    )
    data = json.loads(out.read_text())
    assert data["total"]["perangkat_terlindungi"] == 19_629
    keys = {
        "code",
        "name",
        "desa",
        "kelurahan",
        "perangkat_terdaftar",
        "perangkat_terlindungi",
        "perangkat_target",
        "rentan_dana_desa",
        "rentan_apbd",
        "rentan_lainnya",
        "tahap",
        "desa_terlindungi",
        "pks_status",
        "pks_berlaku_sampai",
        "rencana_terlambat",
    }
    assert all(keys <= set(r) for r in data["rows"]) and keys - {
        "code",
        "name",
        "tahap",
        "pks_status",
        "pks_berlaku_sampai",
        "rencana_terlambat",
    } <= set(data["total"])
    assert {r["tahap"] for r in data["rows"]} <= {
        "belum_ada_pks",
        "pks_ditandatangani",
        "data_diterima",
        "ditagih",
        "sebagian",
        "terlindungi",
    }
    assert {r["pks_status"] for r in data["rows"]} <= {"aktif", "berakhir", "belum_ada"}

    # PDF and XLSX are produced and readable.
    assert exports.to_pdf(report)[:5] == b"%PDF-"
    from python_calamine import CalamineWorkbook

    xlsx = tmp_path / "rakor.xlsx"
    xlsx.write_bytes(exports.to_xlsx(report))
    sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    assert any("Sabu Raijua" in str(c) for row in sheet for c in row)

    # Loading again changes nothing (same seed, same data; billing and payments are idempotent).
    people = Peserta.objects.count()
    demo.load_demo(today=today)
    assert Peserta.objects.count() == people
    again = services.rakor(user=None, region_code="53", as_of=today)
    assert again["total"] == total
