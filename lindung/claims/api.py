"""``POST /api/v1/claims/quote`` (docs/interfaces.md "Claim quote"), claim lists scoped by region, and
``POST /api/v1/claims/{id}/status`` (the same workflow service as the claim page; docs/claims.md)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Body, Query, Router, Schema

from . import filters, services
from .models import Klaim

router = Router(tags=["claims"])


EXAMPLE = {
    "event": "jkm",
    "incident_date": "2026-01-10",
    "claim_date": "2026-02-01",
    "contribution_months": 40,
    "children": [{"level": "sd"}, {"level": "sma", "birth_date": "2010-05-01"}],
}


@router.post(
    "/quote", summary="Quote one claim case or a JSON array of cases (same order)"
)
def quote(request, payload: Any = Body(..., examples=[EXAMPLE, [EXAMPLE]])):  # noqa: B008
    """Cases and results as in docs/interfaces.md "Claim quote"; with ``nik`` the registry fills in the facts."""
    return services.quote_claims(payload, user=request.user)


class KlaimOut(Schema):
    id: int
    event: str
    status: str
    incident_date: str
    claim_date: str
    desa: str
    claimant_name: str
    eligible: bool
    total: int
    scholarship_this_year: int
    reject_reason: str
    verified_by: str | None = None
    approved_by: str | None = None
    paid_on: str | None = None
    payment_reference: str = ""


def _out(klaim: Klaim) -> KlaimOut:
    return KlaimOut(
        id=klaim.pk,
        event=klaim.event,
        status=klaim.status,
        incident_date=klaim.incident_date.isoformat(),
        claim_date=klaim.claim_date.isoformat(),
        desa=klaim.kepesertaan.desa_id,
        claimant_name=klaim.claimant_name,
        eligible=klaim.eligible,
        total=klaim.total,
        scholarship_this_year=klaim.scholarship_this_year,
        reject_reason=klaim.reject_reason,
        verified_by=klaim.verified_by.username if klaim.verified_by else None,
        approved_by=klaim.approved_by.username if klaim.approved_by else None,
        paid_on=klaim.paid_on.isoformat() if klaim.paid_on else None,
        payment_reference=klaim.payment_reference,
    )


_RELATED = ("kepesertaan", "verified_by", "approved_by")


@router.get(
    "",
    response=list[KlaimOut],
    summary="Claims in your regions, optionally ?status=diajukan|…",
)
def list_klaim(
    request,
    status: str | None = None,
    event: str | None = None,
    limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=100_000_000),
):
    # The page's filters (claims.filters); pages by limit/offset like the bill and payment lists.
    params = {k: v for k, v in (("status", status), ("event", event)) if v}
    qs = filters.claims(request.user, params).select_related(*_RELATED)
    return [_out(k) for k in qs[offset : offset + limit]]


@router.get("/{klaim_id}", summary="One claim with its quote")
def get_klaim(request, klaim_id: int):
    klaim = get_object_or_404(
        Klaim.objects.visible_to(request.user).select_related(*_RELATED),
        pk=klaim_id,
    )
    return {**_out(klaim).dict(), "quote": klaim.quote}


class TransitionIn(Schema):
    to: str
    note: str = ""
    payment_reference: str = ""
    paid_on: str | None = None


@router.post(
    "/{klaim_id}/status",
    response=KlaimOut,
    summary="Verify, approve, reject or mark paid (two people decide; paid needs reference and date)",
)
def transition(request, klaim_id: int, payload: TransitionIn):
    """The claim page's buttons: 403 when your role may not take the step or you verified the claim you approve."""
    klaim = get_object_or_404(Klaim.objects.visible_to(request.user), pk=klaim_id)
    klaim = services.transition_klaim(
        actor=request.user,
        klaim=klaim,
        to_status=payload.to,
        note=payload.note,
        payment_reference=payload.payment_reference,
        paid_on=payload.paid_on,
    )
    return _out(Klaim.objects.select_related(*_RELATED).get(pk=klaim.pk))
