"""Issue 19, money you can trust: payments reported by villages and confirmed by BPJS, typo-proof amounts with a
sanity limit, bank references unique per payer, reversal recomputing coverage, permissions before the body."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from lindung.accounts.models import AuditEvent
from lindung.contributions import rules, services
from lindung.contributions.models import (
    Alokasi,
    Denda,
    IuranSetting,
    Pembayaran,
    Tagihan,
    TagihanLine,
)

from .factories import make_kepesertaan, record

pytestmark = pytest.mark.django_db
JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
PDF = b"%PDF-1.4\n% bukti transfer\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def proof(data: bytes = PDF, name: str = "bukti transfer.pdf"):
    return SimpleUploadedFile(name, data)


def desa_bill(period=JAN) -> Tagihan:
    """A BPU bill of Rp 16.800 paid by the village (one vulnerable worker on Dana Desa)."""
    k = make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=period)
    bill = Tagihan.objects.get(period=period)
    bill.kepesertaan = k
    return bill


def report(actor, bill, amount=16_800, reference="TRX-1", **kw):
    kw.setdefault("proof", proof())
    return services.report_payment(
        actor=actor,
        payer=bill.payer,
        amount=amount,
        paid_at=dt.date(2025, 1, 5),
        reference=reference,
        tagihan=bill,
        **kw,
    )


# --- rules: Indonesian amounts, preview, limit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,amount",
    [
        ("349.632", 349_632),
        ("Rp 349.632,00", 349_632),
        ("Rp349.632", 349_632),
        ("349632", 349_632),
        ("3.496.320", 3_496_320),
        (349_632, 349_632),
        (16800.0, 16_800),
    ],
)
def test_amounts_are_read_as_indonesians_write_them(text, amount):
    assert rules.parse_rupiah(text) == amount


@pytest.mark.parametrize(
    "text", ["349.63", "349,632", "Rp 1.000,50", "1.2345", "abc", "", "0", "-5", 1.5]
)
def test_it_refuses_amounts_it_would_have_to_guess(text):
    with pytest.raises(rules.CaseError):
        rules.parse_rupiah(text)


def test_the_preview_says_which_bills_are_settled_and_what_becomes_credit():
    bills = [("JAN", 10_000), ("FEB", 10_000), ("MAR", 10_000)]
    out = rules.allocation_preview(25_000, bills)
    assert [(b["number"], b["amount"], b["settled"]) for b in out["bills"]] == [
        ("JAN", 10_000, True),
        ("FEB", 10_000, True),
        ("MAR", 5_000, False),
    ]
    assert (out["still_owed"], out["credit"]) == (5_000, 0)
    assert (
        rules.allocation_preview(35_000, bills, first="MAR")["bills"][0]["number"]
        == "MAR"
    )
    assert rules.allocation_preview(35_000, bills)["credit"] == 5_000
    setting = rules.SettingRow(id=1, valid_from=JAN, valid_to=None, confirmed=True)
    assert rules.payment_limit(30_000, 16_800, setting) == 3 * 30_000 + 12 * 16_800


# --- who records money --------------------------------------------------------------------------------------------


def test_a_reported_payment_changes_nothing_until_bpjs_confirms_it(
    operator_desa, bpjs_user
):
    bill = desa_bill()
    payment = report(operator_desa, bill)
    bill.refresh_from_db()
    assert payment.status == "menunggu" and payment.unallocated == 0
    assert bill.paid == 0 and not Alokasi.objects.exists()
    assert not services.coverage_on(bill.kepesertaan, dt.date(2025, 1, 20))
    assert services.payer_credit(bill.payer) == 0
    # Stored under MEDIA_ROOT with a name nobody can guess, never the uploaded one.
    assert payment.proof.name.startswith("pembayaran/bukti/")
    assert "bukti transfer" not in payment.proof.name and len(payment.proof.name) > 40
    services.confirm_payment(actor=bpjs_user, payment=payment)
    bill.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == "dikonfirmasi" and payment.decided_by == bpjs_user
    assert bill.state == "paid" and bill.paid_on == dt.date(2025, 1, 5)
    assert services.coverage_on(bill.kepesertaan, dt.date(2025, 1, 20))
    assert list(
        AuditEvent.objects.filter(object_id=str(payment.pk)).values_list(
            "action", flat=True
        )
    ) == ["confirm", "report"]


def test_a_rejected_report_frees_its_reference_and_cannot_be_confirmed(
    operator_desa, bpjs_user
):
    bill = desa_bill()
    payment = report(operator_desa, bill)
    with pytest.raises(ValidationError, match="Alasan"):
        services.reject_payment(actor=bpjs_user, payment=payment, reason=" ")
    services.reject_payment(
        actor=bpjs_user, payment=payment, reason="Dana belum masuk rekening"
    )
    payment.refresh_from_db()
    assert payment.status == "ditolak" and payment.decision_reason
    with pytest.raises(ValidationError, match="tidak menunggu"):
        services.confirm_payment(actor=bpjs_user, payment=payment)
    again = report(operator_desa, bill)  # same bank reference, corrected report
    assert again.status == "menunggu" and Pembayaran.objects.count() == 2


@pytest.mark.parametrize("who", ["viewer_user", "provinsi_user", "operator_desa_y"])
def test_who_may_not_report(request, who):
    bill = desa_bill()
    with pytest.raises(PermissionDenied):
        report(request.getfixturevalue(who), bill)
    assert not Pembayaran.objects.exists()


def test_only_bpjs_records_confirms_and_reverses(
    operator_desa, kabupaten_user, bpjs_user
):
    bill = desa_bill()
    payment = report(
        kabupaten_user, bill
    )  # the regency office may report for its villages
    for actor in (operator_desa, kabupaten_user):
        with pytest.raises(PermissionDenied):
            record(bill.payer, 16_800, dt.date(2025, 1, 5), actor=actor)
        with pytest.raises(PermissionDenied):
            services.confirm_payment(actor=actor, payment=payment)
        with pytest.raises(PermissionDenied):
            services.reject_payment(actor=actor, payment=payment, reason="x")
    services.confirm_payment(actor=bpjs_user, payment=payment)
    with pytest.raises(PermissionDenied):
        services.reverse_payment(actor=operator_desa, payment=payment, reason="x")


def test_the_proof_must_be_a_small_pdf_or_image(operator_desa, settings):
    bill = desa_bill()
    with pytest.raises(ValidationError, match="wajib"):
        report(operator_desa, bill, proof=None)
    with pytest.raises(ValidationError, match="PDF, JPG atau PNG"):
        report(operator_desa, bill, proof=proof(b"MZ\x90\x00 not a pdf", "bukti.pdf"))
    big = proof(PDF + b"0" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError, match="terlalu besar"):
        report(operator_desa, bill, proof=big)
    assert report(operator_desa, bill, proof=proof(PNG, "b.png")).proof.name.endswith(
        ".png"
    )


# --- typo-proof entry ---------------------------------------------------------------------------------------------


def test_an_amount_other_than_what_is_owed_needs_confirmation_with_a_preview(
    bpjs_user,
):
    bill = desa_bill()
    services.run_billing(actor=None, period=FEB)
    with pytest.raises(services.AmountNeedsConfirmation) as exc:
        record(
            bill.payer, "20.000", dt.date(2025, 2, 5), actor=bpjs_user, confirm=False
        )
    preview = exc.value.preview
    assert preview["open_total"] == 2 * 16_800
    assert [(b["amount"], b["settled"]) for b in preview["bills"]] == [
        (16_800, True),
        (3_200, False),
    ]
    assert preview["still_owed"] == 13_600 and preview["credit"] == 0
    assert "konfirmasi" in exc.value.messages[0] and not Pembayaran.objects.exists()
    # What is owed (all, or the named bill) needs no second look.
    record(bill.payer, "Rp 16.800,00", dt.date(2025, 2, 5), confirm=False, tagihan=bill)
    payment = record(bill.payer, "20.000", dt.date(2025, 2, 6), actor=bpjs_user)
    assert payment.amount == 20_000 and payment.unallocated == 20_000 - 16_800


def test_an_amount_above_the_sanity_limit_is_refused_even_when_confirmed(bpjs_user):
    bill = desa_bill()
    # 3 × 16.800 owed + 12 months × 16.800 = 252.000 (docs/payments.md)
    with pytest.raises(ValidationError, match="batas wajar"):
        record(bill.payer, 999_999_999, dt.date(2025, 1, 5), actor=bpjs_user)
    assert record(bill.payer, 252_000, dt.date(2025, 1, 5)).amount == 252_000
    with pytest.raises(ValidationError, match="batas wajar"):
        record(bill.payer, 252_001, dt.date(2025, 1, 6))


def test_the_sanity_limit_is_a_versioned_setting():
    bill = desa_bill()
    IuranSetting.objects.update(payment_limit_multiple=1, payment_limit_months=0)
    with pytest.raises(ValidationError, match="batas wajar"):
        record(bill.payer, 16_801, dt.date(2025, 1, 5))
    assert IuranSetting.objects.filter(source__contains="Batas wajar").exists()


def test_a_bank_reference_is_required_and_unique_per_payer():
    bill = desa_bill()
    with pytest.raises(ValidationError, match="referensi bank wajib"):
        record(bill.payer, 16_800, dt.date(2025, 1, 5), reference="  ")
    first = record(bill.payer, 8_000, dt.date(2025, 1, 5), reference="BRI 123")
    with pytest.raises(ValidationError, match="#{}".format(first.pk)):
        record(bill.payer, 8_800, dt.date(2025, 1, 6), reference="BRI  123")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pembayaran.objects.create(
            payer=bill.payer, amount=1, paid_at=JAN, reference="BRI 123"
        )


# --- reversible ---------------------------------------------------------------------------------------------------


def test_reversing_a_payment_undoes_it_and_recomputes_coverage(bpjs_user):
    bill = desa_bill()
    payment = record(bill.payer, 16_800, dt.date(2025, 1, 5))
    assert services.coverage_on(bill.kepesertaan, dt.date(2025, 1, 20))
    with pytest.raises(ValidationError, match="Alasan"):
        services.reverse_payment(actor=bpjs_user, payment=payment, reason="")
    services.reverse_payment(
        actor=bpjs_user, payment=payment, reason="Salah input: dana milik desa lain"
    )
    bill.refresh_from_db()
    payment.refresh_from_db()
    assert (bill.paid, bill.paid_on, bill.state) == (0, None, "unpaid")
    assert list(TagihanLine.objects.values_list("paid", "paid_on")) == [(0, None)]
    assert not services.coverage_on(bill.kepesertaan, dt.date(2025, 1, 20))
    assert payment.status == "dibatalkan" and payment.reversal_reason
    assert payment.unallocated == 0 and not Alokasi.objects.exists()
    event = AuditEvent.objects.get(action="reverse")
    assert event.changes["undone"] == [
        {"tagihan": bill.number, "amount": 16_800, "denda": 0}
    ]
    with pytest.raises(ValidationError, match="dikonfirmasi"):
        services.reverse_payment(actor=bpjs_user, payment=payment, reason="lagi")
    # Still listed, and the reference may be used again for the right payment.
    assert services.payment_list(user=bpjs_user).get() == payment
    record(bill.payer, 16_800, dt.date(2025, 1, 5), reference=payment.reference)


def test_reversing_a_late_payment_removes_its_fee_from_the_next_bill():
    k = make_kepesertaan(kind="perangkat", wage=2_022_200)
    services.run_billing(actor=None, period=JAN)
    jan = Tagihan.objects.get(period=JAN)
    late = record(jan.payer, jan.total, dt.date(2025, 4, 10))  # 2 months late
    fee = Denda.objects.get().amount
    services.run_billing(actor=None, period=FEB)
    feb = Tagihan.objects.get(period=FEB)
    assert feb.denda_total == fee and feb.total == 10_920 + fee
    services.reverse_payment(actor=None, payment=late, reason="Cek kosong")
    feb.refresh_from_db()
    jan.refresh_from_db()
    assert (feb.denda_total, feb.total) == (0, 10_920)
    assert jan.state == "unpaid" and not Denda.objects.exists()
    assert not services.coverage_on(k, dt.date(2025, 1, 20))


def test_after_a_reversal_the_payers_credit_pays_the_reopened_bill():
    bill = desa_bill()
    first = record(bill.payer, 16_800, dt.date(2025, 1, 5))
    record(bill.payer, 16_800, dt.date(2025, 1, 8))  # paid twice: credit
    assert services.payer_credit(bill.payer) == 16_800
    services.reverse_payment(actor=None, payment=first, reason="Dobel")
    bill.refresh_from_db()
    assert bill.state == "paid" and bill.paid_on == dt.date(2025, 1, 8)
    assert services.payer_credit(bill.payer) == 0
    assert services.coverage_on(bill.kepesertaan, dt.date(2025, 1, 20))


def test_reversing_a_partly_paid_bill_keeps_the_other_payment():
    a = make_kepesertaan(sumber_dana="dana_desa")
    b = make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=JAN)
    bill = Tagihan.objects.get()
    record(bill.payer, 16_800, dt.date(2025, 1, 5))
    second = record(bill.payer, 16_800, dt.date(2025, 1, 6))
    services.reverse_payment(actor=None, payment=second, reason="Salah")
    bill.refresh_from_db()
    assert bill.paid == 16_800 and bill.state == "partial"
    assert services.coverage_on(a, dt.date(2025, 1, 20))
    assert not services.coverage_on(b, dt.date(2025, 1, 20))


# --- web and API: permission before the body, confirmation round trip ----------------------------------------------


def _multipart(rf, url, user, data):
    request = rf.post(url, data)
    request.user = user
    request._dont_enforce_csrf_checks = True
    return request


def test_a_viewers_upload_is_refused_before_its_body_is_read(rf, viewer_user, tmp_path):
    from lindung.contributions import views

    bill = desa_bill()
    big = SimpleUploadedFile("bayar.csv", b"x" * 200_000)
    request = _multipart(rf, "/iuran/rekonsiliasi/impor/", viewer_user, {"file": big})
    with pytest.raises(PermissionDenied):
        views.import_payments(request)
    assert "_files" not in request.__dict__ and "_post" not in request.__dict__
    request = _multipart(
        rf, f"/iuran/tagihan/{bill.number}/bayar/", viewer_user, {"proof": proof()}
    )
    with pytest.raises(PermissionDenied):
        views.pay_bill(request, number=bill.number)
    assert "_files" not in request.__dict__


def test_the_api_checks_the_permission_before_reading_the_body(client, operator_desa):
    client.force_login(operator_desa)
    # Not even valid JSON: refused for the role, not for the body.
    r = client.post(
        "/api/v1/iuran/pembayaran", "{broken", content_type="application/json"
    )
    assert r.status_code == 403


def test_web_an_unexpected_amount_comes_back_with_its_preview_then_confirm(
    client, bpjs_user
):
    bill = desa_bill()
    client.force_login(bpjs_user)
    data = {"amount": "3.496.320", "paid_at": "2025-01-05", "reference": "TRX-9"}
    r = client.post(f"/iuran/tagihan/{bill.number}/bayar/", data)
    assert r.status_code == 400 and "batas wajar" in r.content.decode()
    data["amount"] = "20.000"
    r = client.post(f"/iuran/tagihan/{bill.number}/bayar/", data)
    page = r.content.decode()
    assert r.status_code == 409 and bill.number in page and 'name="confirm"' in page
    assert not Pembayaran.objects.exists()
    r = client.post(f"/iuran/tagihan/{bill.number}/bayar/", {**data, "confirm": "True"})
    assert r.status_code == 302
    assert Pembayaran.objects.get().unallocated == 20_000 - 16_800
    preview = client.get(f"/iuran/tagihan/{bill.number}/pratinjau/?amount=30000")
    assert "credit" in preview.content.decode() or "saldo" in preview.content.decode()


def test_api_confirm_flag_report_confirm_and_reverse(client, bpjs_user, operator_desa):
    bill = desa_bill()
    client.force_login(operator_desa)
    body = {
        "bill": bill.number,
        "amount": "16.800",
        "paid_at": "2025-01-05",
        "reference": "TRX-A",
        "proof_name": "bukti.pdf",
        "proof_base64": base64.b64encode(PDF).decode(),
    }
    r = client.post(
        "/api/v1/iuran/pembayaran/lapor",
        json.dumps(body),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "menunggu"
    pk = r.json()["id"]
    assert client.post(f"/api/v1/iuran/pembayaran/{pk}/konfirmasi").status_code == 403
    client.force_login(bpjs_user)
    r = client.post(f"/api/v1/iuran/pembayaran/{pk}/konfirmasi")
    assert r.status_code == 200 and r.json()["status"] == "dikonfirmasi"
    services.run_billing(actor=None, period=FEB)
    pay = {"payer": bill.payer.code, "amount": 20_000, "paid_at": "2025-02-05"}
    r = client.post(
        "/api/v1/iuran/pembayaran",
        json.dumps({**pay, "reference": "TRX-B"}),
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "confirm_amount"
    assert r.json()["detail"]["credit"] == 20_000 - 16_800
    r = client.post(
        "/api/v1/iuran/pembayaran",
        json.dumps({**pay, "reference": "TRX-B", "confirm": True}),
        content_type="application/json",
    )
    assert r.status_code == 200
    r = client.post(
        f"/api/v1/iuran/pembayaran/{pk}/batalkan",
        json.dumps({"reason": "Salah transfer"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "dibatalkan"
    assert {p["status"] for p in client.get("/api/v1/iuran/pembayaran").json()} == {
        "dikonfirmasi",
        "dibatalkan",
    }
