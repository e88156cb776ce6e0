from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from lindung.accounts import audit
from lindung.accounts.models import default_region, is_national, user_can, user_roles
from lindung.agreements.models import ReportSetting
from lindung.regions.models import Region

from . import charts, exports, rules, services
from .dashboards import dashboard_context, fragment

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
    context.update(dashboard_context(request.user))
    return render(request, "common/home.html", context)


@login_required
def rakor_page(request):
    region, as_of = _params(request)
    name = get_object_or_404(Region, code=region).name if region else "Indonesia"

    def body() -> dict:
        report = services.rakor_cached(
            user=request.user, region_code=region or None, as_of=as_of
        )
        provinces = services.province_summary(report)
        return {
            "report": report,
            "region": region,
            "as_of": as_of,
            # Nationally, one row per province with drill-down (514 kabupaten/kota do not fit on a screen).
            "provinces": provinces,
            "chart": None if provinces else charts.bar_chart_svg(report["rows"]),
            "map": None if provinces else charts.tile_map_svg(report["rows"]),
            "renewable": services.renewable(request.user, report["rows"]),
        }

    return render(
        request,
        "reports/rakor.html",
        {
            "region": region,
            "region_name": name,
            "as_of": as_of,
            # The report's tables, lists, chart and map: rendered once per scope and data version.
            "rakor_body": fragment(
                request.user,
                "rakor-page",
                region,
                as_of.isoformat(),
                ReportSetting.get(rules.PROTECTION_THRESHOLD, as_of),
                template="reports/_rakor_body.html",
                context=body,
            ),
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
