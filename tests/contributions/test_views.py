"""Pages: bills with the billing button (BPJS only), a bill with payment and PDF, reconciliation, budget, rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from lindung.contributions import services
from lindung.contributions.models import Tagihan

from .factories import make_kepesertaan, record

pytestmark = pytest.mark.django_db


def test_bpjs_officer_runs_billing_from_the_bills_page(client, bpjs_user):
    make_kepesertaan(kind="perangkat")
    client.force_login(bpjs_user)
    page = client.get("/iuran/")
    assert (
        page.status_code == 200
        and b"run_billing" not in page.content
        and b"/iuran/tagihan/jalankan/" in page.content
    )
    r = client.post("/iuran/tagihan/jalankan/", {"period": "2025-01"}, follow=True)
    assert r.status_code == 200 and Tagihan.objects.count() == 1
    assert Tagihan.objects.get().number.encode() in r.content


def test_billing_page_warns_of_members_without_a_funding_source(client, bpjs_user):
    make_kepesertaan(kind="perangkat")
    make_kepesertaan(kind="perangkat", sumber_dana="")
    client.force_login(bpjs_user)
    r = client.post("/iuran/tagihan/jalankan/", {"period": "2025-01"}, follow=True)
    assert Tagihan.objects.count() == 1
    assert (
        "1 peserta belum punya sumber dana sehingga belum ditagih" in r.content.decode()
    )


def test_village_operator_sees_no_billing_button_and_cannot_run_it(
    client, operator_desa
):
    make_kepesertaan()
    client.force_login(operator_desa)
    assert b"/iuran/tagihan/jalankan/" not in client.get("/iuran/").content
    client.post("/iuran/tagihan/jalankan/", {"period": "2025-01"})
    assert not Tagihan.objects.exists()


PDF_PROOF = b"%PDF-1.4\n% bukti transfer\n"


def test_bill_page_payment_and_pdf(client, operator_desa, operator_desa_y, bpjs_user):
    # Issue 19: the village operator reports the payment (with proof); it pays the bill once BPJS confirms it.
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    bill = Tagihan.objects.get()
    client.force_login(operator_desa_y)
    assert client.get(f"/iuran/tagihan/{bill.number}/").status_code == 404
    client.force_login(operator_desa)
    page = client.get(f"/iuran/tagihan/{bill.number}/").content.decode()
    assert "data-rupiah" in page and 'type="number"' not in page
    r = client.post(
        f"/iuran/tagihan/{bill.number}/bayar/",
        {
            "amount": "16.800",
            "paid_at": "2025-01-05",
            "reference": "X",
            "proof": SimpleUploadedFile("bukti.pdf", PDF_PROOF),
        },
    )
    assert r.status_code == 302
    bill.refresh_from_db()
    assert bill.state == "unpaid"
    payment = services.payment_list(user=operator_desa).get()
    assert payment.status == "menunggu"
    client.force_login(bpjs_user)
    client.post(f"/iuran/pembayaran/{payment.pk}/konfirmasi/")
    bill.refresh_from_db()
    assert bill.state == "paid"
    pdf = client.get(f"/iuran/tagihan/{bill.number}/pdf/")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_reconciliation_budget_and_rules_pages(
    client, kabupaten_user, bpjs_user, tmp_path
):
    k = make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    record(
        actor=None,
        payer=services.payer_for_kepesertaan(k),
        amount=99_999,
        paid_at=dt.date(2025, 1, 5),
        reference="LEBIH",
    )
    client.force_login(kabupaten_user)
    page = client.get("/iuran/rekonsiliasi/")
    assert page.status_code == 200 and b"LEBIH" in page.content
    # Issue 19: importing payment files is the BPJS side; the regency office sees no upload.
    assert b"/iuran/rekonsiliasi/impor/" not in page.content
    upload = tmp_path / "p.csv"
    upload.write_text("payer,amount,date,reference\nnope,1,2025-01-01,R1\n")
    with upload.open("rb") as fh:
        assert (
            client.post("/iuran/rekonsiliasi/impor/", {"file": fh}).status_code == 403
        )
    client.force_login(bpjs_user)
    with upload.open("rb") as fh:
        r = client.post("/iuran/rekonsiliasi/impor/", {"file": fh}, follow=True)
    assert (
        r.status_code == 200 and "Kode pembayar tidak ditemukan" in r.content.decode()
    )
    client.force_login(kabupaten_user)
    page = client.get("/iuran/anggaran/?year=2025")
    assert page.status_code == 200 and "201.600" in page.content.decode()
    xlsx = client.get("/iuran/anggaran/?year=2025&format=xlsx")
    assert xlsx.content[:2] == b"PK"
    rules_page = client.get("/iuran/aturan/").content.decode()
    # Plain words for everyone (issue 21): the regulation cited, rates as percentages, no research marks.
    assert "PP 50/2025" in rules_page and "0,24 %" in rules_page
    assert "badge amber" not in rules_page and "UNCERTAIN" not in rules_page
    assert (
        "CONFIRMED" not in rules_page and "PP 44/2015 tentang JKK dan JKM" in rules_page
    )
    client.force_login(bpjs_user)
    bpjs_user.is_staff = True
    bpjs_user.save()
    admin_page = client.get("/iuran/aturan/").content.decode()
    assert "badge amber" in admin_page
    assert (
        "Sumber (administrator)" in admin_page
        or "Source (administrators)" in admin_page
    )


def test_coverage_strip_fragment():
    k = make_kepesertaan()
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    record(
        actor=None,
        payer=services.payer_for_kepesertaan(k),
        amount=16_800,
        paid_at=dt.date(2025, 1, 3),
    )
    html = render_to_string(
        "contributions/_coverage_strip.html",
        {
            "strip": services.coverage_strip(k, dt.date(2025, 2, 1), months=2),
            "paid_through": services.paid_through(k, dt.date(2025, 2, 1)),
        },
    )
    # January paid; February billed? no: not billed yet, so not active; and not paid this month.
    assert (
        html.count('data-state="lunas"') == 1
        and html.count('data-state="tidak_aktif"') == 1
        and "2025" in html
        and "paid-through" in html
    )
