"""Contributions API (mounted at /api/v1/): quote, billing run, bills, payments, coverage, budget."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from lindung.participants.models import Kepesertaan

from . import rules, services
from .models import Payer, Tagihan

router = Router(tags=["iuran"])


def _json_body(request):
    try:
        return json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"Badan permintaan bukan JSON yang valid: {exc}") from exc


@router.post(
    "/iuran/quote",
    summary="Contribution quote: one case or an array of cases (INTERFACES.md)",
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


@router.post("/iuran/billing/run", summary="Create the month's bills (BPJS officers)")
def billing_run(request, payload: BillingRunIn):
    try:
        period = rules.parse_period(payload.period)
    except rules.CaseError as exc:
        raise ValidationError(str(exc)) from exc
    return services.run_billing(
        actor=request.user, period=period, region_code=payload.region or None
    )


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
    amount: int
    paid_at: dt.date
    reference: str = ""


class PembayaranOut(Schema):
    id: int
    payer: str
    amount: int
    paid_at: dt.date
    unallocated: int


@router.post(
    "/iuran/pembayaran",
    response=PembayaranOut,
    summary="Record a payment (oldest open bill first)",
)
def record_payment(request, payload: PembayaranIn):
    bill = None
    if payload.bill:
        bill = get_object_or_404(
            Tagihan.objects.visible_to(request.user, "pay"), number=payload.bill
        )
    payer = (
        bill.payer
        if bill
        else get_object_or_404(
            Payer.objects.visible_to(request.user, "pay"), code=payload.payer or ""
        )
    )
    payment = services.record_payment(
        actor=request.user,
        payer=payer,
        amount=payload.amount,
        paid_at=payload.paid_at,
        reference=payload.reference,
        tagihan=bill,
    )
    return PembayaranOut(
        id=payment.pk,
        payer=payer.code,
        amount=payment.amount,
        paid_at=payment.paid_at,
        unallocated=payment.unallocated,
    )


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
