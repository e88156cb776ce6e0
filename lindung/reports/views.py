from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from lindung.accounts import audit
from lindung.accounts.models import default_region, is_national, user_can, user_roles
from lindung.regions.models import Region

from . import dashboards, exports, services

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _params(request) -> tuple[str, dt.date]:
    region = request.GET.get("region", default_region(request.user)).strip()
    try:
        as_of = (
            dt.date.fromisoformat(request.GET["as_of"])
            if request.GET.get("as_of")
            else dt.date.today()
        )
    except ValueError:
        raise BadRequest("Tanggal tidak valid (pakai YYYY-MM-DD).") from None
    try:
        services.check_as_of(as_of)
    except ValidationError as exc:
        raise BadRequest(exc.messages[0]) from None
    if not user_can(request.user, "view", region or None) or (
        not region and not is_national(request.user)
    ):
        raise PermissionDenied("Wilayah di luar kewenangan Anda.")
    return region, as_of


@login_required
def home(request):
    """Landing page: the dashboard of the user's role."""
    context = {"roles": sorted(user_roles(request.user))}
    context.update(dashboards.dashboard_context(request.user))
    return render(request, "common/home.html", context)


@login_required
def rakor_page(request):
    region, as_of = _params(request)
    name = get_object_or_404(Region, code=region).name if region else "Indonesia"

    return render(
        request,
        "reports/rakor.html",
        {
            "region": region,
            "region_name": name,
            "as_of": as_of,
            # The report's tables, lists, chart and map: rendered once per scope and data version.
            "rakor_body": dashboards.rakor_body(request.user, region, as_of),
        },
    )


@login_required
def rakor_download(request, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    region, as_of = _params(request)
    report = services.rakor_cached(
        user=request.user, region_code=region or None, as_of=as_of
    )
    payload = exports.WRITERS[fmt](report)
    audit.record(
        actor=request.user,
        action="export",
        model="reports.rakor",
        object_id=region or "ID",
        region_code=region,
        note=f"rakor {fmt} per {as_of.isoformat()}",
    )
    response = HttpResponse(payload, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="rakor-{region or "ID"}-{as_of.isoformat()}.{fmt}"'
    )
    return response
