"""Payments (issue 19, docs/payments.md): who records money, typo-proof amounts, confirmation, reversal.

Coverage comes only from confirmed payments. A village or regency office *reports* a payment (with proof of
transfer): it waits as "menunggu konfirmasi", allocates nothing and changes no coverage until a BPJS officer
confirms it (then it is allocated oldest bill first) or rejects it. BPJS officers record payments directly and may
reverse a confirmed one: its allocations are undone and the bills, lines (so coverage) and late fees follow.
Every function checks the permission first (``user_can`` over ``ROLE_ACTIONS``); ``actor=None`` is the system
(CLI, demo), which acts on the BPJS side.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from lindung.accounts import audit
from lindung.accounts.models import actor_may
from lindung.common import events
from lindung.common.bulk import chunks
from lindung.common.format import rupiah

from . import rules
from .choices import PaymentStatus
from .models import Alokasi, Denda, Payer, Pembayaran, Tagihan, TagihanLine
from .rulebook import load_rulebook

CHUNK = 5000
PROOF_MAX_BYTES = 5 * 1024 * 1024
# What a proof of transfer may be, by its first bytes (the name and the browser's content type are not trusted).
PROOF_TYPES = {b"%PDF-": ".pdf", b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
# No contribution under these programmes was paid before this: an earlier date is a typing error.
EARLIEST_PAYMENT = dt.date(2000, 1, 1)
LIVE = (PaymentStatus.MENUNGGU, PaymentStatus.DIKONFIRMASI)
# The state in messages, which are Indonesian whatever the request's language (CLI, payment files, API).
STATUS_WORDS = {
    PaymentStatus.MENUNGGU: "menunggu konfirmasi",
    PaymentStatus.DIKONFIRMASI: "dikonfirmasi",
    PaymentStatus.DITOLAK: "ditolak",
    PaymentStatus.DIBATALKAN: "dibatalkan",
}


class AmountNeedsConfirmation(ValidationError):
    """The amount differs from what is owed: ``preview`` says what it will do; send it again with confirm."""

    def __init__(self, preview: dict):
        super().__init__(_preview_message(preview), code="confirm_amount")
        self.preview = preview


def _preview_message(preview: dict) -> str:
    settles = ", ".join(
        "{} {}".format(b["number"], "lunas" if b["settled"] else rupiah(b["amount"]))
        for b in preview["bills"]
    )
    return (
        "Jumlah {} berbeda dari total tagihan terbuka {}. Pembayaran ini akan membayar: {}; sisa tagihan {}, "
        "menjadi saldo {}. Periksa jumlahnya, lalu konfirmasi."
    ).format(
        rupiah(preview["amount"]),
        rupiah(preview["open_total"]),
        settles or "tidak ada tagihan",
        rupiah(preview["still_owed"]),
        rupiah(preview["credit"]),
    )


# --- checks shared by every path -------------------------------------------------------------------------------


def check_payment_date(paid_at: dt.date, tagihan: Tagihan | None = None) -> None:
    """A payment date within reason, on every path (form, API, CLI, payment file): not after today (a date typed
    as 9999-12-31 once made a late fee over 95,675 months), not before 2000, and not before the period of the bill
    it names (a payment made ahead is recorded without naming a bill and becomes credit)."""
    if not isinstance(paid_at, dt.date):
        raise ValidationError("Tanggal bayar tidak valid.")
    today = timezone.localdate()
    if paid_at > today:
        raise ValidationError(
            "Tanggal bayar {} setelah hari ini ({}): periksa tanggalnya.".format(
                paid_at.strftime("%d-%m-%Y"), today.strftime("%d-%m-%Y")
            )
        )
    if paid_at < EARLIEST_PAYMENT:
        raise ValidationError(
            "Tanggal bayar {} tidak wajar: periksa tahunnya.".format(
                paid_at.strftime("%d-%m-%Y")
            )
        )
    if tagihan is not None and paid_at < tagihan.period:
        raise ValidationError(
            "Tanggal bayar {} sebelum masa tagihan {} ({:%m-%Y}): pembayaran di muka dicatat tanpa memilih "
            "tagihan, dan menjadi saldo untuk tagihan berikutnya.".format(
                paid_at.strftime("%d-%m-%Y"), tagihan.number, tagihan.period
            )
        )


def parse_amount(value) -> int:
    """``349.632``, ``Rp 349.632,00`` or ``349632`` → 349632 (``rules.parse_rupiah``), as a ValidationError."""
    try:
        return rules.parse_rupiah(value)
    except rules.CaseError as exc:
        raise ValidationError(str(exc)) from exc


def check_reference(payer: Payer, reference: str) -> str:
    """A bank reference is required and names one live payment of the payer (the constraint backs this up)."""
    reference = " ".join(str(reference or "").split())[:100]
    if not reference:
        raise ValidationError(
            "Nomor referensi bank wajib diisi (nomor transaksi pada bukti transfer)."
        )
    first = (
        Pembayaran.objects.filter(payer=payer, reference=reference, status__in=LIVE)
        .order_by("id")
        .first()
    )
    if first is not None:
        raise ValidationError(_duplicate_message(first))
    return reference


def _duplicate_message(first: Pembayaran) -> str:
    return (
        "Referensi {} sudah dipakai untuk pembayaran #{} ({}, {}, {}): pembayaran yang sama tidak dicatat "
        "dua kali."
    ).format(
        first.reference,
        first.pk,
        first.paid_at.strftime("%d-%m-%Y"),
        rupiah(first.amount),
        STATUS_WORDS[first.status],
    )


def check_proof(upload) -> str:
    """The proof of transfer: PDF, JPEG or PNG by content, at most ``PROOF_MAX_BYTES``; returns the extension."""
    if upload is None:
        raise ValidationError("Bukti transfer (PDF, JPG atau PNG) wajib dilampirkan.")
    if upload.size > PROOF_MAX_BYTES:
        raise ValidationError(
            "Bukti transfer terlalu besar ({:.1f} MB; paling besar {} MB).".format(
                upload.size / 1024 / 1024, PROOF_MAX_BYTES // 1024 // 1024
            )
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, suffix in PROOF_TYPES.items():
        if head.startswith(magic):
            return suffix
    raise ValidationError("Bukti transfer harus berkas PDF, JPG atau PNG.")


def open_bills(payer: Payer) -> list[Tagihan]:
    return list(
        Tagihan.objects.filter(payer=payer, paid__lt=F("total")).order_by(
            "period", "id"
        )
    )


def monthly_bill(payer: Payer) -> int:
    """The payer's current monthly bill: the contributions of its latest billed month."""
    latest = (
        Tagihan.objects.filter(payer=payer).order_by("-period").values("period").first()
    )
    if latest is None:
        return 0
    return (
        Tagihan.objects.filter(payer=payer, period=latest["period"]).aggregate(
            s=Sum("iuran_total")
        )["s"]
        or 0
    )


def payment_preview(
    *, payer: Payer, amount: int, paid_at: dt.date | None = None, tagihan=None
) -> dict:
    """What ``amount`` will do (bills settled, still owed, credit), the sanity limit, and whether the amount is
    exactly what is owed (then no confirmation is asked)."""
    bills = open_bills(payer)
    preview = rules.allocation_preview(
        amount,
        [(b.number, b.total - b.paid) for b in bills],
        first=tagihan.number if tagihan is not None else None,
    )
    setting = load_rulebook().setting(paid_at or timezone.localdate())
    preview["limit"] = rules.payment_limit(
        preview["open_total"], monthly_bill(payer), setting
    )
    preview["expected"] = rules.amount_is_expected(
        amount,
        preview["open_total"],
        tagihan.total - tagihan.paid if tagihan is not None else None,
    )
    return preview


def _check_amount(
    payer: Payer, amount: int, paid_at: dt.date, tagihan, confirm: bool
) -> dict:
    preview = payment_preview(
        payer=payer, amount=amount, paid_at=paid_at, tagihan=tagihan
    )
    if amount > preview["limit"]:
        raise ValidationError(
            "Jumlah {} melebihi batas wajar {} untuk pembayar ini (total tagihan terbuka {}): periksa "
            "jumlahnya. Pembayaran sebesar itu dicatat petugas BPJS setelah batasnya diubah.".format(
                rupiah(amount), rupiah(preview["limit"]), rupiah(preview["open_total"])
            ),
            code="over_limit",
        )
    if not preview["expected"] and not confirm:
        raise AmountNeedsConfirmation(preview)
    return preview


def _resolve(payer, tagihan) -> tuple[Payer, Tagihan | None]:
    payer = payer if isinstance(payer, Payer) else Payer.objects.get(pk=payer)
    if tagihan is not None and not isinstance(tagihan, Tagihan):
        tagihan = Tagihan.objects.get(pk=tagihan)
    if tagihan is not None and tagihan.payer_id != payer.pk:
        raise ValidationError(
            "Tagihan {} bukan milik pembayar {}".format(tagihan.number, payer.name)
        )
    return payer, tagihan


def _require(actor, action: str, region_code: str | None, message: str) -> None:
    if not actor_may(actor, action, region_code):
        raise PermissionDenied(message)


def _create(**fields) -> Pembayaran:
    """Insert a payment; a reference taken a moment ago by another request is the same friendly refusal."""
    try:
        with transaction.atomic():
            return Pembayaran.objects.create(**fields)
    except IntegrityError:
        first = (
            Pembayaran.objects.filter(
                payer=fields["payer"], reference=fields["reference"], status__in=LIVE
            )
            .order_by("id")
            .first()
        )
        if first is None:
            raise
        raise ValidationError(_duplicate_message(first)) from None


# --- the four steps ---------------------------------------------------------------------------------------------


def record_payment(
    *,
    actor,
    payer,
    amount,
    paid_at: dt.date,
    reference: str,
    tagihan=None,
    confirm: bool = False,
) -> Pembayaran:
    """A BPJS officer records a payment BPJS has received: confirmed at once and allocated to the oldest open bill
    first (``tagihan`` first when given). An amount other than what is owed needs ``confirm=True``."""
    payer, tagihan = _resolve(payer, tagihan)
    _require(
        actor,
        "record_payment",
        payer.region_id,
        "Hanya petugas BPJS yang mencatat pembayaran langsung; kantor desa/kabupaten melaporkan pembayaran "
        "untuk dikonfirmasi.",
    )
    amount = parse_amount(amount)
    check_payment_date(paid_at, tagihan)
    reference = check_reference(payer, reference)
    _check_amount(payer, amount, paid_at, tagihan, confirm)
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        payment = _create(
            payer=payer,
            tagihan=tagihan,
            amount=amount,
            unallocated=amount,
            paid_at=paid_at,
            reference=reference,
            status=PaymentStatus.DIKONFIRMASI,
            created_by=user,
            decided_by=user,
            decided_at=timezone.now(),
        )
        allocate_payer(payer.pk, load_rulebook(), first=tagihan)
        payment.refresh_from_db()
        _audit(actor, "create", payment, unallocated=payment.unallocated)
    return payment


def report_payment(
    *,
    actor,
    payer,
    amount,
    paid_at: dt.date,
    reference: str,
    proof,
    tagihan=None,
    confirm: bool = False,
) -> Pembayaran:
    """A village or regency office reports a payment it made, with the proof of transfer: it waits as "menunggu
    konfirmasi", allocates nothing and changes no coverage until a BPJS officer confirms it."""
    payer, tagihan = _resolve(payer, tagihan)
    _require(
        actor,
        "report_payment",
        payer.region_id,
        "Anda tidak berwenang melaporkan pembayaran untuk pembayar ini.",
    )
    amount = parse_amount(amount)
    check_payment_date(paid_at, tagihan)
    reference = check_reference(payer, reference)
    suffix = check_proof(proof)
    _check_amount(payer, amount, paid_at, tagihan, confirm)
    proof.name = (
        "bukti" + suffix
    )  # the stored name is random (models._proof_path), never the uploaded one
    with transaction.atomic():
        payment = _create(
            payer=payer,
            tagihan=tagihan,
            amount=amount,
            unallocated=0,
            paid_at=paid_at,
            reference=reference,
            status=PaymentStatus.MENUNGGU,
            proof=proof,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(actor, "report", payment)
    return payment


def _locked_pending(payment) -> Pembayaran:
    payment = Pembayaran.objects.select_for_update().get(
        pk=getattr(payment, "pk", payment)
    )
    if payment.status != PaymentStatus.MENUNGGU:
        raise ValidationError(
            "Pembayaran #{} tidak menunggu konfirmasi (status: {}).".format(
                payment.pk, STATUS_WORDS[payment.status]
            )
        )
    return payment


def confirm_payment(*, actor, payment) -> Pembayaran:
    """A BPJS officer confirms a reported payment: it is allocated oldest bill first, as if recorded today."""
    payment = Pembayaran.objects.select_related("payer").get(
        pk=getattr(payment, "pk", payment)
    )
    _require(
        actor,
        "confirm_payment",
        payment.payer.region_id,
        "Hanya petugas BPJS yang mengonfirmasi pembayaran.",
    )
    with transaction.atomic():
        payment = _locked_pending(payment)
        check_payment_date(payment.paid_at, payment.tagihan)
        preview = payment_preview(
            payer=payment.payer, amount=payment.amount, paid_at=payment.paid_at
        )
        if payment.amount > preview["limit"]:
            raise ValidationError(
                "Jumlah {} melebihi batas wajar {}: tolak pembayaran ini.".format(
                    rupiah(payment.amount), rupiah(preview["limit"])
                )
            )
        payment.status, payment.unallocated = PaymentStatus.DIKONFIRMASI, payment.amount
        payment.decided_by = actor if getattr(actor, "pk", None) else None
        payment.decided_at = timezone.now()
        payment.save(
            update_fields=["status", "unallocated", "decided_by", "decided_at"]
        )
        allocate_payer(payment.payer_id, load_rulebook(), first=payment.tagihan)
        payment.refresh_from_db()
        _audit(actor, "confirm", payment, unallocated=payment.unallocated)
    return payment


def reject_payment(*, actor, payment, reason: str) -> Pembayaran:
    """A BPJS officer rejects a reported payment (not received, wrong amount …), with the reason."""
    payment = Pembayaran.objects.select_related("payer").get(
        pk=getattr(payment, "pk", payment)
    )
    _require(
        actor,
        "confirm_payment",
        payment.payer.region_id,
        "Hanya petugas BPJS yang menolak laporan pembayaran.",
    )
    reason = " ".join(str(reason or "").split())[:255]
    if not reason:
        raise ValidationError("Alasan penolakan wajib diisi.")
    with transaction.atomic():
        payment = _locked_pending(payment)
        payment.status, payment.decision_reason = PaymentStatus.DITOLAK, reason
        payment.decided_by = actor if getattr(actor, "pk", None) else None
        payment.decided_at = timezone.now()
        payment.save(
            update_fields=["status", "decision_reason", "decided_by", "decided_at"]
        )
        _audit(actor, "reject", payment, note=reason)
    return payment


def reverse_payment(*, actor, payment, reason: str) -> Pembayaran:
    """A BPJS officer reverses a confirmed payment, with the reason. Its allocations are undone; each bill's paid
    amount and lines (so coverage) follow; late fees it caused are removed, also from the bill they were charged
    on; the payer's credit then pays its open bills again. The payment stays, marked reversed."""
    payment = Pembayaran.objects.select_related("payer").get(
        pk=getattr(payment, "pk", payment)
    )
    _require(
        actor,
        "reverse_payment",
        payment.payer.region_id,
        "Hanya petugas BPJS yang membatalkan pembayaran.",
    )
    reason = " ".join(str(reason or "").split())[:255]
    if not reason:
        raise ValidationError("Alasan pembatalan wajib diisi.")
    with transaction.atomic():
        payment = Pembayaran.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.DIKONFIRMASI:
            raise ValidationError(
                "Hanya pembayaran yang sudah dikonfirmasi yang dapat dibatalkan (status: {}).".format(
                    STATUS_WORDS[payment.status]
                )
            )
        bills = {
            b.pk: b
            for b in Tagihan.objects.select_for_update().filter(
                payer_id=payment.payer_id
            )
        }
        undone = _undo_allocations(payment, bills)
        payment.status, payment.unallocated = PaymentStatus.DIBATALKAN, 0
        payment.reversed_by = actor if getattr(actor, "pk", None) else None
        payment.reversed_at, payment.reversal_reason = timezone.now(), reason
        payment.save(
            update_fields=[
                "status",
                "unallocated",
                "reversed_by",
                "reversed_at",
                "reversal_reason",
            ]
        )
        reallocated = allocate_payer(payment.payer_id, load_rulebook())
        _audit(
            actor,
            "reverse",
            payment,
            note=reason,
            undone=undone,
            credit_reapplied=reallocated,
        )
        events.announce_coverage_changed(
            __name__
        )  # coverage changed in the past months too: rebuild the rakor summary after commit
    return payment


def _undo_allocations(payment: Pembayaran, bills: dict[int, Tagihan]) -> list[dict]:
    """Take the payment's allocations (and the late fees they caused) off its bills; returns what was undone."""
    undone, touched = [], set()
    fines_off: dict[int, int] = defaultdict(int)
    for alokasi in Alokasi.objects.filter(pembayaran=payment).order_by("id"):
        bill = bills[alokasi.tagihan_id]
        bill.paid -= alokasi.amount
        touched.add(bill.pk)
        fine = Denda.objects.filter(alokasi=alokasi).first()
        if fine is not None and fine.charged_on_id:
            fines_off[fine.charged_on_id] += fine.amount
        undone.append(
            {
                "tagihan": bill.number,
                "amount": alokasi.amount,
                "denda": fine.amount if fine else 0,
            }
        )
    Alokasi.objects.filter(
        pembayaran=payment
    ).delete()  # their Denda rows go with them (CASCADE)
    for bill_id, amount in fines_off.items():
        bill = bills[bill_id]
        bill.denda_total -= amount
        bill.total -= amount
        touched.add(bill_id)
    for bill_id in sorted(touched):
        bill = bills[bill_id]
        if bill.paid > bill.total:
            _return_excess(bill, bill.paid - bill.total)
        if bill.paid < bill.total:
            bill.paid_on = None
        bill.save(update_fields=["paid", "paid_on", "denda_total", "total"])
        _refill_lines(bill)
    return undone


def _return_excess(bill: Tagihan, excess: int) -> None:
    """A bill whose late fee was removed holds more than it now owes: the latest allocations give the excess
    back to their payments as credit."""
    for alokasi in Alokasi.objects.filter(tagihan=bill).order_by("-paid_at", "-id"):
        if excess <= 0:
            break
        back = min(excess, alokasi.amount)
        excess -= back
        bill.paid -= back
        Pembayaran.objects.filter(pk=alokasi.pembayaran_id).update(
            unallocated=F("unallocated") + back
        )
        if (
            back == alokasi.amount
            and not Denda.objects.filter(alokasi=alokasi).exists()
        ):
            alokasi.delete()
        else:
            Alokasi.objects.filter(pk=alokasi.pk).update(amount=F("amount") - back)


def _refill_lines(bill: Tagihan) -> None:
    """Lines are paid oldest line first with the bill's contribution part (payments go to iuran before denda):
    a reversal leaves the first lines paid as they were and un-pays the rest."""
    left = min(bill.paid, bill.iuran_total)
    changed = []
    for line in TagihanLine.objects.filter(tagihan=bill).order_by("id"):
        paid = min(left, line.total)
        left -= paid
        paid_on = line.paid_on if paid >= line.total else None
        if (line.paid, line.paid_on) != (paid, paid_on):
            line.paid, line.paid_on = paid, paid_on
            changed.append(line)
    for part in chunks(changed, CHUNK):
        TagihanLine.objects.bulk_update(part, ["paid", "paid_on"])


def _audit(actor, action: str, payment: Pembayaran, note: str = "", **extra) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=payment,
        region_code=payment.payer.region_id,
        changes={
            "amount": payment.amount,
            "paid_at": payment.paid_at.isoformat(),
            "reference": payment.reference,
            "status": payment.status,
            **extra,
        },
        note=note,
    )


# --- allocation ---------------------------------------------------------------------------------------------------


def _apply_to_lines(bill: Tagihan, amount: int, paid_at: dt.date) -> None:
    """Spread ``amount`` over the bill's unpaid lines, oldest line first (coverage is per line)."""
    full, partial = [], None
    for line_id, total, paid in (
        TagihanLine.objects.filter(tagihan=bill, paid__lt=F("total"))
        .order_by("id")
        .values_list("id", "total", "paid")
    ):
        if amount <= 0:
            break
        take = min(amount, total - paid)
        amount -= take
        if paid + take >= total:
            full.append(line_id)
        else:
            partial = (line_id, paid + take)
    for part in chunks(full, CHUNK):
        TagihanLine.objects.filter(id__in=part).update(paid=F("total"), paid_on=paid_at)
    if partial:
        TagihanLine.objects.filter(id=partial[0]).update(paid=partial[1])


def _allocate(
    payment: Pembayaran, bill: Tagihan, take: int, book: rules.RuleBook
) -> None:
    iuran_open = max(bill.iuran_total - bill.paid, 0)
    to_iuran = min(take, iuran_open)
    alokasi = Alokasi.objects.create(
        pembayaran=payment, tagihan=bill, amount=take, paid_at=payment.paid_at
    )
    if to_iuran:
        _apply_to_lines(bill, to_iuran, payment.paid_at)
    bill.paid += take
    if bill.paid >= bill.total:
        bill.paid_on = payment.paid_at
    bill.save(update_fields=["paid", "paid_on"])
    fine = late_fee_for(alokasi, bill, to_iuran, book)
    if fine is not None:
        fine.save()


def late_fee_for(
    alokasi: Alokasi, bill: Tagihan, base: int, book: rules.RuleBook
) -> Denda | None:
    """The late fee an allocation owes (unsaved), or None: ``base`` (the contribution part it paid) × the rate in
    force × the months late. The one fee rule for a single payment and for a bulk settlement alike.

    PP 44/2015: the fine is borne by the employer and paid with the next month's contribution."""
    months = rules.months_late(bill.due_date, alokasi.paid_at)
    rate = rules.late_fee_rate(bill.period, bill.segment, book)
    fee = rules.late_fee(base, months, rate, book.setting(bill.period).rounding)
    if not fee:
        return None
    return Denda(
        payer_id=bill.payer_id,
        source=bill,
        alokasi=alokasi,
        months=months,
        rate=rate,
        base=base,
        amount=fee,
    )


def allocate_payer(
    payer_id: int, book: rules.RuleBook, first: Tagihan | None = None
) -> int:
    """Apply the payer's unallocated confirmed money to its open bills, oldest first; returns the amount applied."""
    applied = 0
    payments = list(
        Pembayaran.objects.select_for_update()
        .filter(payer_id=payer_id, unallocated__gt=0, status=PaymentStatus.DIKONFIRMASI)
        .order_by("paid_at", "id")
    )
    if not payments:
        return 0
    bills = list(
        Tagihan.objects.select_for_update()
        .filter(payer_id=payer_id, paid__lt=F("total"))
        .order_by("period", "id")
    )
    if first is not None:
        bills.sort(key=lambda b: b.pk != first.pk)
    for payment in payments:
        for bill in bills:
            take = min(payment.unallocated, bill.total - bill.paid)
            if take <= 0:
                continue
            _allocate(payment, bill, take, book)
            payment.unallocated -= take
            applied += take
            if not payment.unallocated:
                break
        payment.save(update_fields=["unallocated"])
    return applied


def apply_credit(payer_ids: set[int]) -> int:
    """Spend confirmed credit of these payers on their open bills (a billing run calls this for new bills)."""
    with_credit = set(
        Pembayaran.objects.filter(unallocated__gt=0, status=PaymentStatus.DIKONFIRMASI)
        .values_list("payer_id", flat=True)
        .distinct()
    )
    targets = with_credit & payer_ids
    if not targets:
        return 0
    book = load_rulebook()
    return sum(allocate_payer(payer_id, book) for payer_id in sorted(targets))


def payer_credit(payer: Payer) -> int:
    """Confirmed money of the payer not yet applied to a bill (reported payments are not credit)."""
    return (
        Pembayaran.objects.filter(
            payer=payer, status=PaymentStatus.DIKONFIRMASI
        ).aggregate(s=Sum("unallocated"))["s"]
        or 0
    )


def payment_list(*, user, status: str | None = None, payer: Payer | None = None):
    """Payments visible to ``user`` (every state: reported, confirmed, rejected, reversed), newest first."""
    qs = (
        Pembayaran.objects.visible_to(user)
        .select_related("payer", "created_by", "decided_by", "reversed_by")
        .order_by("-created_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    if payer is not None:
        qs = qs.filter(payer=payer)
    return qs
