"""The claim list's filters, shared by the page, its downloads and the API."""

from __future__ import annotations

from .choices import Event, Status
from .models import Klaim


def claims(user, params):
    """Claims visible to ``user``, by ``status`` and ``event`` when given (unknown values are ignored)."""
    qs = Klaim.objects.visible_to(user).select_related(
        "kepesertaan__peserta", "kepesertaan__desa"
    )
    if params.get("status", "") in Status.values:
        qs = qs.filter(status=params["status"])
    if params.get("event", "") in Event.values:
        qs = qs.filter(event=params["event"])
    return qs
