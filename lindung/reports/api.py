from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Router

from lindung.accounts.models import is_national, user_can

from . import services

router = Router(tags=["reports"])


@router.get(
    "/rakor",
    summary="Coordination report per kabupaten/kota (same shape as `lindung report rakor --format json`)",
)
def rakor(request, region: str = "", as_of: dt.date | None = None):
    if not user_can(request.user, "view", region or None) or (
        not region and not is_national(request.user)
    ):
        raise PermissionDenied("Wilayah di luar kewenangan Anda.")
    report = services.rakor_cached(
        user=request.user, region_code=region or None, as_of=as_of or dt.date.today()
    )
    return services.rakor_json(report)
