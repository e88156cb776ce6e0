"""Contributions API (mounted at /api/v1/): quote, billing run, bills, payments, coverage, budget."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import ValidationError as PydanticError

from lindung.accounts.models import user_can
from lindung.participants.models import Kepesertaan

from . import rules, services
from .models import Payer, Pembayaran, Tagihan

router = Router(tags=["iuran"])


def _json_body(request):
    try:
        return json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"Badan permintaan bukan JSON yang valid: {exc}") from exc


@router.post(
    "/iuran/quote",
    summary="Contribution quote: one case or an array of cases (docs/interfaces.md)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {"type": "object"},
                            {"type": "array", "items": {"type": "object"}},
                        ]
                    }
                }
            },
            "required": True,
        }
    },
)
def quote(request):
    return services.quote_many(_json_body(request))


class BillingRunIn(Schema):
    period: str
    region: str | None = None


@router.post(
    "/iuran/billing/run",
    response={200: dict, 409: dict},
    summary="Create the month's bills (BPJS officers); 409 while another run is in progress",
)
def billing_run(request, payload: BillingRunIn):
    try:
        period = rules.parse_period(payload.period)
    except rules.CaseError as exc:
        raise ValidationError(str(exc)) from exc
    try:
        return services.run_billing(
            actor=request.user, period=period, region_code=payload.region or None
        )
    except services.RunBusy as exc:
        return 409, {"code": "busy", "message": exc.messages[0]}


class TagihanOut(Schema):
    number: str
    payer: str
    payer_name: str
    period: str
    segment: str
    due_date: dt.date
    supplementary: bool
    iuran: int
    denda: int
    total: int
    paid: int
    state: str


@router.get("/iuran/tagihan", response=list[TagihanOut], summary="Bills visible to you")
def list_tagihan(
    request,
    period: str | None = None,
    state: str | None = None,
    payer: str | None = None,
    limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=100_000_000),
):
    qs = services.tagihan_list(
        user=request.user, period=period, state=state, payer=payer
    )
    return [_tagihan_out(b) for b in qs[offset : offset + min(limit, 1000)]]


def _tagihan_out(b: Tagihan) -> TagihanOut:
    return TagihanOut(
        number=b.number,
        payer=b.payer.code,
        payer_name=b.payer.name,
        period=f"{b.period:%Y-%m}",
        segment=b.segment,
        due_date=b.due_date,
        supplementary=b.supplementary,
        iuran=b.iuran_total,
        denda=b.denda_total,
        total=b.total,
        paid=b.paid,
        state=b.state,
    )


class PembayaranIn(Schema):
    payer: str | None = None
    bill: str | None = None
    amount: int | str
    paid_at: dt.date
    reference: str = ""
    confirm: bool = False


class LaporanIn(PembayaranIn):
    proof_name: str = ""
    proof_base64: str = ""


class ReasonIn(Schema):
    reason: str = ""


class PembayaranOut(Schema):
    id: int
    payer: str
    amount: int
    paid_at: dt.date
    reference: str
    status: str
    unallocated: int


def _payment_out(p: Pembayaran) -> PembayaranOut:
    return PembayaranOut(
        id=p.pk,
        payer=p.payer.code,
        amount=p.amount,
        paid_at=p.paid_at,
        reference=p.reference,
        status=p.status,
        unallocated=p.unallocated,
    )


def _body(request, schema):
    """The JSON body, read only after the permission check (issue 19)."""
    try:
        return schema.model_validate(_json_body(request) or {})
    except PydanticError as exc:
        raise ValidationError(
            "Data masukan tidak valid: {}".format(
                "; ".join(
                    "{}: {}".format(".".join(map(str, e["loc"])), e["msg"])
                    for e in exc.errors()
                )
            )
        ) from exc


def _target(request, payload, action: str):
    bill = None
    if payload.bill:
        bill = get_object_or_404(
            Tagihan.objects.visible_to(request.user, action), number=payload.bill
        )
    payer = (
        bill.payer
        if bill
        else get_object_or_404(
            Payer.objects.visible_to(request.user, action), code=payload.payer or ""
        )
    )
    return payer, bill


def _needs_confirmation(exc: services.AmountNeedsConfirmation):
    return 409, {
        "code": "confirm_amount",
        "message": exc.messages[0],
        "detail": exc.preview,
    }


_BODY = {
    "requestBody": {
        "content": {"application/json": {"schema": {"type": "object"}}},
        "required": True,
    }
}


@router.post(
    "/iuran/pembayaran",
    response={200: PembayaranOut, 409: dict},
    summary="Record a payment BPJS received (BPJS officers; oldest open bill first). An amount other than what is "
    "owed needs confirm=true, else 409 with what it will do",
    openapi_extra=_BODY,
)
def record_payment(request):
    if not user_can(request.user, "record_payment"):
        raise PermissionDenied("Hanya petugas BPJS yang mencatat pembayaran langsung.")
    payload = _body(request, PembayaranIn)
    payer, bill = _target(request, payload, "record_payment")
    try:
        payment = services.record_payment(
            actor=request.user,
            payer=payer,
            amount=payload.amount,
            paid_at=payload.paid_at,
            reference=payload.reference,
            tagihan=bill,
            confirm=payload.confirm,
        )
    except services.AmountNeedsConfirmation as exc:
        return _needs_confirmation(exc)
    return _payment_out(payment)


@router.post(
    "/iuran/pembayaran/lapor",
    response={200: PembayaranOut, 409: dict},
    summary="Report a payment made (village/regency offices): awaits BPJS confirmation; proof as base64 PDF/JPG/PNG",
    openapi_extra=_BODY,
)
def report_payment(request):
    if not user_can(request.user, "report_payment"):
        raise PermissionDenied("Anda tidak berwenang melaporkan pembayaran.")
    payload = _body(request, LaporanIn)
    payer, bill = _target(request, payload, "report_payment")
    try:
        data = base64.b64decode(payload.proof_base64, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValidationError(
            "Bukti transfer (proof_base64) bukan base64 yang valid."
        ) from exc
    proof = ContentFile(data, name=payload.proof_name or "bukti") if data else None
    try:
        payment = services.report_payment(
            actor=request.user,
            payer=payer,
            amount=payload.amount,
            paid_at=payload.paid_at,
            reference=payload.reference,
            proof=proof,
            tagihan=bill,
            confirm=payload.confirm,
        )
    except services.AmountNeedsConfirmation as exc:
        return _needs_confirmation(exc)
    return _payment_out(payment)


@router.get(
    "/iuran/pembayaran",
    response=list[PembayaranOut],
    summary="Payments visible to you, every state",
)
def list_payments(
    request,
    status: str | None = None,
    limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=100_000_000),
):
    qs = services.payment_list(user=request.user, status=status or None)
    return [_payment_out(p) for p in qs[offset : offset + limit]]


def _step(request, pk: int, action: str, step, with_reason: bool):
    if not user_can(request.user, action):
        raise PermissionDenied("Hanya petugas BPJS yang dapat melakukan ini.")
    payment = get_object_or_404(services.payment_list(user=request.user), pk=pk)
    if with_reason:
        reason = _body(request, ReasonIn).reason
        return _payment_out(step(actor=request.user, payment=payment, reason=reason))
    return _payment_out(step(actor=request.user, payment=payment))


@router.post(
    "/iuran/pembayaran/{pk}/konfirmasi",
    response=PembayaranOut,
    summary="Confirm a reported payment (BPJS): it is allocated",
)
def confirm_payment(request, pk: int):
    return _step(request, pk, "confirm_payment", services.confirm_payment, False)


@router.post(
    "/iuran/pembayaran/{pk}/tolak",
    response=PembayaranOut,
    summary="Reject a reported payment (BPJS), with {reason}",
    openapi_extra=_BODY,
)
def reject_payment(request, pk: int):
    return _step(request, pk, "confirm_payment", services.reject_payment, True)


@router.post(
    "/iuran/pembayaran/{pk}/batalkan",
    response=PembayaranOut,
    summary="Reverse a confirmed payment (BPJS), with {reason}: allocations undone, coverage recomputed",
    openapi_extra=_BODY,
)
def reverse_payment(request, pk: int):
    return _step(request, pk, "reverse_payment", services.reverse_payment, True)


@router.get(
    "/iuran/coverage/{kepesertaan_id}",
    summary="Coverage of one membership: strip, paid through, masa iur",
)
def coverage(
    request, kepesertaan_id: int, end: dt.date | None = None, months: int = 12
):
    kep = get_object_or_404(
        Kepesertaan.objects.visible_to(request.user), pk=kepesertaan_id
    )
    end = end or dt.date.today()
    if not rules.FIRST_YEAR <= end.year <= rules.LAST_YEAR:
        raise ValidationError(
            f"Tanggal {end.isoformat()} di luar rentang {rules.FIRST_YEAR}–{rules.LAST_YEAR}."
        )
    strip = services.coverage_strip(kep, end, months=max(1, min(months, 60)))
    return {
        "kepesertaan": kep.pk,
        "covered": services.coverage_on(kep, end),
        "paid_through": services.paid_through(kep, end),
        "contribution_months": services.contribution_months(kep, end),
        "strip": [
            {
                "period": f"{s['period']:%Y-%m}",
                "covered": s["covered"],
                "billed": s["billed"],
                "state": s["state"],
            }
            for s in strip
        ],
    }


@router.get(
    "/iuran/budget",
    summary="Budget projection per desa and kabupaten/kota and funding source",
)
def budget(
    request, year: int = Query(..., ge=2000, le=2100), region: str | None = None
):
    return services.budget_projection(user=request.user, year=year, region_code=region)
