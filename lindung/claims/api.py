"""``POST /api/v1/claims/quote`` (INTERFACES.md "Claim quote") and read-only claim lists, scoped by region."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Body, Router, Schema

from . import services
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
    """Cases and results as in INTERFACES.md "Claim quote"; with ``nik`` the registry fills in the facts."""
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
    )


@router.get(
    "",
    response=list[KlaimOut],
    summary="Claims in your regions, optionally ?status=diajukan|…",
)
def list_klaim(request, status: str | None = None):
    qs = Klaim.objects.visible_to(request.user).select_related("kepesertaan")
    if status:
        qs = qs.filter(status=status)
    return [_out(k) for k in qs[:500]]


@router.get("/{klaim_id}", summary="One claim with its quote")
def get_klaim(request, klaim_id: int):
    klaim = get_object_or_404(
        Klaim.objects.visible_to(request.user).select_related("kepesertaan"),
        pk=klaim_id,
    )
    return {**_out(klaim).dict(), "quote": klaim.quote}
