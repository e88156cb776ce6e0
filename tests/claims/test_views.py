"""Claim screens: list with filters, new claim with the live quote, detail with documents and status buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.claims.models import DocumentRequirement, Klaim
from tests.claims.conftest import PDF, make_member
from tests.claims.test_services import submit, upload_required
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def form_data(member, **kw) -> dict:
    data = {
        "peserta": member.peserta.nik,  # the field finds the participant by name or NIK
        "event": "jkm",
        "incident_date": "2026-03-10",
        "claim_date": "2026-04-01",
        "claimant_name": "Maria Uji",
        "claimant_relation": "Istri",
        "cause": "Sakit",
        "child0_name": "Anak Satu",
        "child0_level": "sd",
        "child1_name": "Anak Dua",
        "child1_level": "sma",
        "child2_level": "",
    }
    return {**data, **kw}


def test_the_list_shows_own_region_claims_and_filters_by_status(
    client, coverage, operator_desa, operator_desa_y, bpjs_user
):
    mine = submit(operator_desa, make_member(name="Klaim Milik X"))
    submit(operator_desa_y, make_member(desa="53.18.01.2001", name="Klaim Milik Y"))
    client.force_login(operator_desa)
    page = client.get(reverse("claims:list")).content.decode()
    assert "Klaim Milik X" in page and "Klaim Milik Y" not in page
    assert reverse("claims:new") in page
    services_reject(bpjs_user, mine)
    assert (
        "Klaim Milik X"
        not in client.get(
            reverse("claims:list"), {"status": "diajukan"}
        ).content.decode()
    )
    assert (
        "Klaim Milik X"
        in client.get(reverse("claims:list"), {"status": "ditolak"}).content.decode()
    )


def services_reject(user, klaim) -> None:
    from lindung.claims import services

    services.transition_klaim(actor=user, klaim=klaim, to_status="ditolak", note="uji")


def test_the_live_quote_shows_items_and_scholarship(client, coverage, operator_desa):
    member = make_member()
    client.force_login(operator_desa)
    resp = client.post(
        reverse("claims:quote"), form_data(member), HTTP_HX_REQUEST="true"
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert (
        "Rp42.000.000" in html.replace(" ", "").replace("\xa0", "")
        or "42.000.000" in html
    )
    assert "Santunan kematian" in html and "4.500.000" in html
    assert 'data-rule="beasiswa_masa_iur"' in html


def test_the_live_quote_shows_a_refusal_reason(client, coverage, operator_desa):
    member = make_member()
    coverage.months[member.pk] = 30
    client.force_login(operator_desa)
    html = client.post(reverse("claims:quote"), form_data(member)).content.decode()
    assert "36 bulan" in html


def test_the_live_quote_does_not_find_another_villages_nik(
    client, coverage, operator_desa_y
):
    member = make_member()
    client.force_login(operator_desa_y)
    html = client.post(reverse("claims:quote"), form_data(member)).content.decode()
    assert "NIK tidak ditemukan di wilayah Anda" in html and "42.000.000" not in html


def test_filing_a_claim_redirects_to_its_detail(client, coverage, operator_desa):
    member = make_member()
    client.force_login(operator_desa)
    resp = client.post(reverse("claims:new"), form_data(member))
    klaim = Klaim.objects.get()
    assert resp.status_code == 302 and resp.url == reverse(
        "claims:detail", args=[klaim.pk]
    )
    assert (
        klaim.total == 42_000_000 and klaim.case["children"][0]["name"] == "Anak Satu"
    )
    page = client.get(resp.url).content.decode()
    assert "Maria Uji" in page and 'data-doc="akta_kematian"' in page
    assert 'name="to"' not in page  # an operator has no decision buttons


def test_bpjs_cannot_open_the_new_claim_form(client, bpjs_user):
    client.force_login(bpjs_user)
    assert client.get(reverse("claims:new")).status_code == 403


def test_a_form_error_is_shown_in_indonesian(client, coverage, operator_desa):
    member = make_member()
    client.force_login(operator_desa)
    resp = client.post(
        reverse("claims:new"), form_data(member, event="jkk_partial_disability")
    )
    assert resp.status_code == 200 and "table_percent" in resp.content.decode()
    assert not Klaim.objects.exists()


def test_the_detail_of_another_region_is_404(
    client, coverage, operator_desa, operator_desa_y
):
    klaim = submit(operator_desa, make_member())
    client.force_login(operator_desa_y)
    assert client.get(reverse("claims:detail", args=[klaim.pk])).status_code == 404
    assert (
        client.post(
            reverse("claims:transition", args=[klaim.pk]), {"to": "ditolak"}
        ).status_code
        == 404
    )


def test_upload_and_download_a_document(
    client, coverage, operator_desa, operator_desa_y
):
    klaim = submit(operator_desa, make_member())
    client.force_login(operator_desa)
    resp = client.post(
        reverse("claims:upload", args=[klaim.pk]),
        {"code": "akta_kematian", "file": SimpleUploadedFile("akta.pdf", PDF)},
    )
    assert resp.status_code == 302
    doc = klaim.documents.get()
    got = client.get(reverse("claims:document", args=[klaim.pk, doc.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    # Viewing a claim document is audited like unmasking (issue 20).
    from lindung.accounts.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="export", model="claims.KlaimDokumen", object_id=str(doc.pk)
    ).exists()
    bad = client.post(
        reverse("claims:upload", args=[klaim.pk]),
        {"code": "akta_kematian", "file": SimpleUploadedFile("akta.exe", b"MZ")},
        follow=True,
    )
    assert "PDF, JPG atau PNG" in bad.content.decode()
    client.force_login(operator_desa_y)
    assert (
        client.get(reverse("claims:document", args=[klaim.pk, doc.pk])).status_code
        == 404
    )


def test_bpjs_moves_a_claim_with_the_buttons(
    client, coverage, operator_desa, bpjs_user
):
    klaim = submit(operator_desa, make_member())
    client.force_login(bpjs_user)
    page = client.get(reverse("claims:detail", args=[klaim.pk])).content.decode()
    assert (
        'value="diverifikasi"' in page
        and 'value="ditolak"' in page
        and 'value="dibayar"' not in page
    )
    resp = client.post(
        reverse("claims:transition", args=[klaim.pk]),
        {"to": "diverifikasi"},
        follow=True,
    )
    assert "Dokumen wajib belum lengkap" in resp.content.decode()
    upload_required(operator_desa, klaim)
    # Two people decide (issue 19): bpjs_user verifies, a second officer approves and pays.
    client.post(reverse("claims:transition", args=[klaim.pk]), {"to": "diverifikasi"})
    client.force_login(make_user("bpjs"))
    client.post(reverse("claims:transition", args=[klaim.pk]), {"to": "disetujui"})
    client.post(
        reverse("claims:transition", args=[klaim.pk]),
        {
            "to": "dibayar",
            "payment_reference": "BPJS-TRF-0001",
            "paid_on": dt.date.today().isoformat(),
        },
    )
    klaim.refresh_from_db()
    assert klaim.status == "dibayar"
    page = client.get(reverse("claims:detail", args=[klaim.pk])).content.decode()
    assert "Anak Satu" in page and "2025/2026" in page


def test_an_operator_posting_a_decision_is_forbidden(client, coverage, operator_desa):
    klaim = submit(operator_desa, make_member())
    client.force_login(operator_desa)
    assert (
        client.post(
            reverse("claims:transition", args=[klaim.pk]), {"to": "diverifikasi"}
        ).status_code
        == 403
    )


def test_the_checklist_follows_the_data(client, coverage, operator_desa):
    DocumentRequirement.objects.create(
        event="jkm", code="surat_desa", label="Surat keterangan kepala desa", order=9
    )
    klaim = submit(operator_desa, make_member())
    client.force_login(operator_desa)
    assert (
        "Surat keterangan kepala desa"
        in client.get(reverse("claims:detail", args=[klaim.pk])).content.decode()
    )


def test_bpjs_pays_and_renews_a_scholarship_on_the_detail_page(
    client, coverage, operator_desa, bpjs_user
):
    from lindung.claims import services
    from lindung.claims.models import Beasiswa

    klaim = submit(operator_desa, make_member())
    upload_required(operator_desa, klaim)
    # Two people decide (issue 19): another officer verifies, bpjs_user approves.
    for to, officer in (("diverifikasi", make_user("bpjs")), ("disetujui", bpjs_user)):
        klaim = services.transition_klaim(actor=officer, klaim=klaim, to_status=to)
    sd = Beasiswa.objects.get(klaim=klaim, level="sd")
    url = reverse("claims:beasiswa", args=[klaim.pk, sd.pk])
    client.force_login(operator_desa)
    assert client.post(url, {"action": "dibayar"}).status_code == 403
    client.force_login(bpjs_user)
    client.post(url, {"action": "dibayar"})
    page = client.post(
        url,
        {"action": "renew", "level": "smp", "school_year": "2026/2027"},
        follow=True,
    )
    assert Beasiswa.objects.filter(
        klaim=klaim, level="smp", school_year="2026/2027", amount=2_000_000
    ).exists()
    assert "2026/2027" in page.content.decode()
    bad = client.post(
        url, {"action": "renew", "level": "smp", "school_year": "2026"}, follow=True
    )
    assert "YYYY/YYYY" in bad.content.decode()


def test_the_claim_list_downloads_the_filtered_claims_with_nik_masked(
    client, coverage, operator_desa, operator_desa_y
):
    from lindung.accounts.models import AuditEvent

    member = make_member(name="Klaim Unduh X")
    submit(operator_desa, member)
    submit(operator_desa_y, make_member(desa="53.18.01.2001", name="Klaim Unduh Y"))
    client.force_login(operator_desa)
    page = client.get(reverse("claims:list"), {"size": 100}).content.decode()
    assert "1 klaim" in page or "1 claim" in page
    r = client.get(reverse("claims:list"), {"event": "jkm", "format": "csv"})
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert (
        len(lines) == 2 and "Klaim Unduh X" in lines[1] and "Klaim Unduh Y" not in text
    )
    assert member.peserta.nik not in text and member.peserta.nik[:6] in lines[1]
    assert AuditEvent.objects.filter(action="export", model="claims.Klaim").count() == 1
