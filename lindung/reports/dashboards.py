"""Dashboards per role: each reads through the same services and scoped querysets as the other pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Sum
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lindung.accounts.models import Role, is_national, primary_role, user_region_codes
from lindung.agreements.models import PKS, PlannedAction, ReportSetting
from lindung.agreements.rules import action_overdue
from lindung.claims.models import Klaim
from lindung.common.format import mask_nik
from lindung.contributions.models import Payer, Tagihan
from lindung.contributions.services import budget_projection
from lindung.participants.choices import Kind, SumberDana
from lindung.participants.models import Kepesertaan
from lindung.regions.models import Region, code_prefix_q

from . import charts, rules, services, summary


def dashboard_context(user, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    role = primary_role(user)
    codes = user_region_codes(user)
    if role in (Role.PROVINSI, Role.VIEWER) or (
        role == Role.BPJS and not is_national(user)
    ):
        ctx = province_dashboard(user, min(codes, key=len)[:2] if codes else "", today)
        if role == Role.BPJS:
            ctx.update(bpjs_queue(user, today))
        return ctx
    if role == Role.BPJS:
        ctx = province_dashboard(user, "", today)
        ctx.update(bpjs_queue(user, today))
        return ctx
    if role == Role.KABUPATEN:
        return regency_dashboard(user, codes[0], today)
    if role == Role.DESA:
        return village_dashboard(user, codes[0], today)
    return {}


def _month(day: dt.date, back: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - back, 12)
    return dt.date(y, m + 1, 1)


def trend(
    user, region_code: str, today: dt.date, months: int = 6
) -> list[tuple[str, int]]:
    """Protected participants on the first day of each of the last ``months`` months (current month: today), read
    from the rakor summary of each day (10 M memberships: 6.5 s per month counted from the bill lines)."""

    def points() -> list[tuple[str, int]]:
        out = []
        for back in range(months - 1, -1, -1):
            first = _month(today, back)
            day = today if back == 0 else first
            count = summary.protected_total(
                user=user, region_code=region_code or None, as_of=day
            )
            out.append((first.isoformat(), count))
        return out

    return services.cached(
        user, "trend-by-month", region_code, today.isoformat(), months, compute=points
    )


def fragment(user, name: str, *parts, template: str, context) -> str:
    """``template`` rendered with ``context()``, cached like the reports (per user scope and ``parts``, until the
    next audited write) and per language: a warm dashboard then reads one string instead of unpickling the whole
    report (≈80,000 villages nationally) and rendering its tables again on every request."""

    def render() -> str:
        return render_to_string(template, context())

    return mark_safe(  # noqa: S308 (our own template's output)
        services.cached(user, "fragment", name, get_language(), *parts, compute=render)
    )


def rakor_body(user, region_code: str, as_of: dt.date) -> str:
    """The rakor report's tables, lists, chart and map (``_rakor_body.html``), rendered once per scope, region,
    date and data version: the rakor page and the province/national dashboard show the same fragment."""

    def body() -> dict:
        report = services.rakor_cached(
            user=user, region_code=region_code or None, as_of=as_of
        )
        provinces = services.province_summary(report)
        return {
            "report": report,
            "region": region_code,
            "as_of": as_of,
            # Nationally, one row per province with drill-down (514 kabupaten/kota do not fit on a screen).
            "provinces": provinces,
            "chart": None if provinces else charts.bar_chart_svg(report["rows"]),
            "map": None if provinces else charts.tile_map_svg(report["rows"]),
            "renewable": services.renewable(user, report["rows"]),
        }

    return fragment(
        user,
        "rakor-body",
        region_code,
        as_of.isoformat(),
        ReportSetting.get(rules.PROTECTION_THRESHOLD, as_of),
        template="reports/_rakor_body.html",
        context=body,
    )


def province_dashboard(user, region_code: str, today: dt.date) -> dict:
    return {
        "dashboard_template": "reports/dash_province.html",
        "region": region_code,
        "region_name": Region.objects.get(code=region_code).name
        if region_code
        else "Indonesia",
        "as_of": today,
        "rakor_body": rakor_body(user, region_code, today),
        "trend": charts.trend_svg(trend(user, region_code, today)),
    }


def bpjs_queue(user, today: dt.date) -> dict:
    members = Kepesertaan.objects.visible_to(user).active()

    def queue() -> list[dict]:
        # Plain values (the template reads the same names), cached until the next audited write like the totals.
        return [
            {
                "peserta": {"name": m.peserta.name, "nik": m.peserta.nik},
                "desa": {"name": m.desa.name},
                "desa_id": m.desa_id,
                "registered_on": m.registered_on,
            }
            for m in members.filter(kpj="")
            .select_related("peserta", "desa")
            .order_by("registered_on", "id")[:10]
        ]

    ctx = {
        "is_bpjs": True,
        "without_kpj_rows": services.cached(user, "bpjs-queue", compute=queue),
    }
    ctx.update(_bpjs_totals(user, members))
    return ctx


def _bpjs_totals(user, members) -> dict:
    """The queue's totals, cached until the next audited write: for a national officer they count every open bill
    and membership of the country (237 ms at a million memberships, the slowest page under load)."""

    def totals() -> dict:
        agg = (
            Tagihan.objects.visible_to(user)
            .filter(paid__lt=F("total"))
            .aggregate(n=Count("id"), owed=Sum("total") - Sum("paid"))
        )
        return {
            "without_kpj": members.filter(kpj="").count(),
            "unpaid_bills": agg["n"],
            "unpaid_amount": agg["owed"] or 0,
            "claims_waiting": Klaim.objects.visible_to(user)
            .filter(status__in=["diajukan", "diverifikasi"])
            .count(),
        }

    return services.cached(user, "bpjs-totals", compute=totals)


def village_rows(user, kab_code: str, today: dt.date) -> list[dict]:
    """Villages of a kabupaten with officials registered/protected, workers protected and this month's bill state.

    The counts are the rakor's (``services.membership_counts``), read from the maintained per-village summary: one
    indexed read instead of a count over every membership of the regency (61 ms at 10 M memberships)."""

    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in summary.village_counts(user=user, region_code=kab_code, as_of=today):
        s = stats[g["desa_id"]]
        if g["kind"] == Kind.PERANGKAT:
            s["perangkat"] += g["registered"]
            s["perangkat_ok"] += g["protected"]
        else:
            s["rentan_ok"] += g["protected"]
    bills: dict[str, dict] = {}
    for b in (
        Tagihan.objects.visible_to(user)
        .filter(
            # Payers first: SQLite then walks the (payer, period) index instead of every bill of the month.
            payer_id__in=Payer.objects.filter(
                code_prefix_q("region_id", kab_code)
            ).values("id"),
            period=today.replace(day=1),
        )
        .values("payer__region_id")
        .annotate(total=Sum("total"), paid=Sum("paid"))
    ):
        bills[b["payer__region_id"]] = b
    rows = []
    for code, name, typ in (
        Region.objects.filter(code_prefix_q("code", kab_code), level__gte=4)
        .order_by()
        .values_list("code", "name", "type")
    ):
        s = stats.get(code, {})
        b = bills.get(code)
        state = (
            None
            if not b
            else (
                "paid"
                if b["paid"] >= b["total"]
                else "partial"
                if b["paid"]
                else "unpaid"
            )
        )
        rows.append(
            {
                "code": code,
                "name": name,
                "type": typ,
                "perangkat": s.get("perangkat", 0),
                "perangkat_ok": s.get("perangkat_ok", 0),
                "rentan_ok": s.get("rentan_ok", 0),
                "bill": state,
            }
        )
    rows.sort(
        key=lambda r: (r["type"] == "kelurahan", r["perangkat_ok"] > 0, r["code"])
    )
    return rows


def regency_dashboard(user, kab_code: str, today: dt.date) -> dict:
    def context() -> dict:
        report = services.rakor_cached(user=user, region_code=kab_code, as_of=today)
        actions = [
            {
                "a": a,
                "overdue": action_overdue(
                    planned_on=a.planned_on, done=a.done, as_of=today
                ),
            }
            for a in PlannedAction.objects.visible_to(user).filter(
                kabupaten_id=kab_code
            )
        ]
        return {
            "kabupaten": Region.objects.get(code=kab_code),
            "report": report,
            "row": report["rows"][0] if report["rows"] else None,
            "villages": village_rows(user, kab_code, today),
            "pks": PKS.objects.visible_to(user).filter(kabupaten_id=kab_code),
            "actions": actions,
            "renewable": services.renewable(user, report["rows"]),
            "as_of": today,
        }

    # Every part is audited data read in the user's scope: the page (its village table is most of the time) is
    # rendered once per scope and data version.
    return {
        "dashboard_template": "reports/_fragment.html",
        "dashboard_html": fragment(
            user,
            "dash-regency",
            kab_code,
            today.isoformat(),
            ReportSetting.get(rules.PROTECTION_THRESHOLD, today),
            template="reports/dash_regency.html",
            context=context,
        ),
    }


def village_dashboard(user, desa_code: str, today: dt.date) -> dict:

    members = (
        Kepesertaan.objects.visible_to(user)
        .filter(desa_id=desa_code)
        .active()
        .select_related("peserta")
    )
    # One indexed lookup per member of the village, not the month's whole covered set (55 ms on the NTT demo).
    covered = set(
        members.filter(services.has_line(services._covered_ids(today))).values_list(
            "id", flat=True
        )
    )
    people = [
        {"m": m, "nik": mask_nik(m.peserta.nik), "covered": m.id in covered}
        for m in members.order_by("kind", "jabatan", "peserta__name")
    ]
    ctx = {
        "dashboard_template": "reports/dash_village.html",
        "desa": Region.objects.get(code=desa_code),
        "people": people,
        "as_of": today,
        "next_year": today.year + 1,
    }
    # Payers first and sorted here: with ORDER BY in SQL, SQLite walks every bill of the month in period order.
    ctx["bills"] = sorted(
        Tagihan.objects.visible_to(user)
        .filter(
            payer_id__in=Payer.objects.filter(region_id=desa_code).values("id"),
            period=today.replace(day=1),
        )
        .order_by(),
        key=lambda b: (b.period, b.id),
    )

    labels = dict(SumberDana.choices)
    ctx["budget"] = [
        {**b, "funding_label": labels.get(b.get("funding"), b.get("funding"))}
        for b in budget_projection(
            user=user, year=today.year + 1, region_code=desa_code
        )
        if b.get("level") == "desa"
    ]
    return ctx
