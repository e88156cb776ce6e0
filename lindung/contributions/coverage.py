"""Coverage, derived from paid bill lines and never typed in (docs/regulations.md §3).

A membership is protected in month M when M's bill line is fully paid. Settings (``IuranSetting`` rows):
- ``retroactive_cover`` off (default): a BPU month paid after the month ended does not become covered (a PU month is
  paid in arrears by design, so any full payment covers it; lateness costs the employer a fine instead);
- ``grace_covered`` off (default): a month billed but unpaid is not covered, even inside the lapse window;
- ``bpu_lapse_months`` (3): BPU memberships become *nonaktif* after that many consecutive unpaid months.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from lindung.accounts.models import AuditEvent
from lindung.common.events import announce_audit_written
from lindung.participants.choices import Kind, Status
from lindung.participants.models import Kepesertaan, StatusHistory

from . import rules
from .models import IuranSetting, Payer, Tagihan, TagihanLine


def current_setting(day: dt.date) -> rules.SettingRow:
    return rules.book_from_rows(
        {"IuranSetting": list(IuranSetting.objects.in_force(day).values())}
    ).setting(day)


def _covers(line: dict, setting: rules.SettingRow) -> bool:
    if line["paid"] < line["total"]:
        return False
    if setting.retroactive_cover or line["segment"] == "pu":
        return True
    return line["paid_on"] is not None and line["paid_on"] <= rules.month_end(
        line["period"]
    )


def _lines(kepesertaan) -> dict[dt.date, dict]:
    kid = getattr(kepesertaan, "pk", kepesertaan)
    return {
        x["period"]: x
        for x in TagihanLine.objects.filter(kepesertaan_id=kid).values(
            "period", "paid", "total", "paid_on", "segment", "tagihan__due_date"
        )
    }


def _covered_series(
    lines: dict[dt.date, dict], periods: list[dt.date], setting: rules.SettingRow
) -> list[bool]:
    """Covered flag per period; with grace, an unpaid month shortly after a covered one is covered too."""
    paid = {p: p in lines and _covers(lines[p], setting) for p in periods}
    out = []
    for period in periods:
        covered = paid[period]
        if not covered and setting.grace_covered and period in lines:
            window = [
                rules.add_months(period, -i) for i in range(1, setting.bpu_lapse_months)
            ]
            covered = any(p in lines and _covers(lines[p], setting) for p in window)
        out.append(covered)
    return out


def _ended_before(kepesertaan, day: dt.date) -> bool:
    return (
        getattr(kepesertaan, "ended_on", None) is not None
        and kepesertaan.ended_on < day
    )


def coverage_on(kepesertaan, day: dt.date) -> bool:
    """Whether the membership was protected on ``day`` (its month's contribution paid, per the settings)."""
    if _ended_before(kepesertaan, day):
        return False
    month = rules.month_start(day)
    setting = current_setting(month)
    periods = [
        rules.add_months(month, -i) for i in range(setting.bpu_lapse_months - 1, -1, -1)
    ]
    return _covered_series(_lines(kepesertaan), periods, setting)[-1]


def covered_ids(as_of: dt.date) -> QuerySet:
    """Ids of the memberships protected in the month of ``as_of`` (a values queryset, usable in ``id__in``)."""
    month = rules.month_start(as_of)
    setting = current_setting(month)
    paid = Q(paid__gte=F("total"))
    if not setting.retroactive_cover:
        paid &= Q(segment="pu") | Q(paid_on__lte=rules.month_end(month))
    covered = Q(period=month) & paid
    if setting.grace_covered and setting.bpu_lapse_months > 1:
        first = rules.add_months(month, -(setting.bpu_lapse_months - 1))
        earlier = TagihanLine.objects.filter(
            period__gte=first, period__lt=month, paid__gte=F("total")
        )
        if not setting.retroactive_cover:
            on_time = Q(segment="pu")
            for i in range(1, setting.bpu_lapse_months):
                p = rules.add_months(month, -i)
                on_time |= Q(period=p, paid_on__lte=rules.month_end(p))
            earlier = earlier.filter(on_time)
        covered |= Q(period=month, kepesertaan_id__in=earlier.values("kepesertaan_id"))
    return TagihanLine.objects.filter(covered).values_list("kepesertaan_id", flat=True)


def contribution_months(kepesertaan, until: dt.date) -> int:
    """Masa iur: fully paid months up to the month of ``until``."""
    kid = getattr(kepesertaan, "pk", kepesertaan)
    return TagihanLine.objects.filter(
        kepesertaan_id=kid, period__lte=rules.month_start(until), paid__gte=F("total")
    ).count()


def paid_through(kepesertaan, on: dt.date | None = None) -> dt.date | None:
    """ "Lunas sampai": the last day of the unbroken run of fully paid months that holds ``on``'s month (default:
    today), months paid ahead included; ``None`` when that month is not paid ("belum lunas bulan ini").

    A paid month after an unpaid one never makes the months between look paid: the latest paid month alone said
    "Lunas sampai 31 Desember" while September to November were unpaid."""
    kid = getattr(kepesertaan, "pk", kepesertaan)
    month = rules.month_start(on or timezone.localdate())
    paid = set(
        TagihanLine.objects.filter(
            kepesertaan_id=kid, paid__gte=F("total"), period__gte=month
        ).values_list("period", flat=True)
    )
    if month not in paid:
        return None
    last = month
    while rules.add_months(last, 1) in paid:
        last = rules.add_months(last, 1)
    return rules.month_end(last)


# The state of a month on the coverage strip (its legend says the same words).
LUNAS, TENGGANG, BELUM_DIBAYAR, TIDAK_AKTIF = (
    "lunas",
    "masa_tenggang",
    "belum_dibayar",
    "tidak_aktif",
)


def _month_state(
    line: dict | None, covered: bool, unpaid_run: int, today: dt.date, setting
) -> str:
    """lunas: covered. masa tenggang: billed, not paid, and still within its time: before the due date, or (BPU)
    fewer consecutive unpaid months than make the membership lapse. belum dibayar: billed and past that. tidak
    aktif: not billed (not a member then, ended, or lapsed)."""
    if covered:
        return LUNAS
    if line is None:
        return TIDAK_AKTIF
    due = line.get("tagihan__due_date")
    if due is not None and today <= due:
        return TENGGANG
    if line["segment"] == "bpu" and unpaid_run < setting.bpu_lapse_months:
        return TENGGANG
    return BELUM_DIBAYAR


def coverage_strip(
    kepesertaan, end: dt.date, months: int = 12, today: dt.date | None = None
) -> list[dict]:
    """``months`` months ending with ``end``'s month, oldest first: ``{"period", "covered", "billed", "state"}``
    (``state``: lunas, masa_tenggang, belum_dibayar or tidak_aktif, see ``_month_state``)."""
    last = rules.month_start(end)
    setting = current_setting(last)
    lines = _lines(kepesertaan)
    lead = [
        rules.add_months(last, -i)
        for i in range(months + setting.bpu_lapse_months - 2, months - 1, -1)
    ]
    periods = [rules.add_months(last, -i) for i in range(months - 1, -1, -1)]
    flags = _covered_series(lines, lead + periods, setting)[len(lead) :]
    today = today or timezone.localdate()
    out, run = [], 0
    for p, c in zip(periods, flags, strict=True):
        line = lines.get(p)
        run = 0 if c or line is None else run + 1
        out.append(
            {
                "period": p,
                "covered": c,
                "billed": line is not None,
                "state": _month_state(line, c, run, today, setting),
            }
        )
    return out


def arrears_months(payer_or_kepesertaan, on: dt.date) -> int:
    """Months whose contribution was past due on ``on`` and not fully paid by then (PU rule: <3 BPJS pays)."""
    unpaid = Q(paid_on__isnull=True) | Q(paid_on__gt=on)
    if isinstance(payer_or_kepesertaan, Payer):
        qs = Tagihan.objects.filter(unpaid, payer=payer_or_kepesertaan, due_date__lt=on)
    else:
        qs = TagihanLine.objects.filter(
            unpaid,
            kepesertaan_id=getattr(payer_or_kepesertaan, "pk", payer_or_kepesertaan),
            tagihan__due_date__lt=on,
        )
    return qs.values("period").distinct().count()


def _lapsed_ids(month: dt.date, setting: rules.SettingRow) -> QuerySet:
    """BPU memberships billed in each of the last ``bpu_lapse_months`` months and paid in none of them."""
    n = setting.bpu_lapse_months
    first = rules.add_months(month, -(n - 1))
    return (
        TagihanLine.objects.filter(segment="bpu", period__gte=first, period__lte=month)
        .values("kepesertaan_id")
        .annotate(billed=Count("id"), paid=Count("id", filter=Q(paid__gte=F("total"))))
        .filter(billed=n, paid=0)
        .values("kepesertaan_id")
    )


def _set_status(actor, qs: QuerySet, status: str, reason: str) -> int:
    rows = list(qs.values_list("id", "status", "desa_id"))
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), 5000):
        Kepesertaan.objects.filter(id__in=ids[start : start + 5000]).update(
            status=status, updated_at=timezone.now(), version=F("version") + 1
        )
    actor_obj = actor if getattr(actor, "pk", None) else None
    StatusHistory.objects.bulk_create(
        [
            StatusHistory(
                kepesertaan_id=i, status=status, reason=reason, actor=actor_obj
            )
            for i in ids
        ],
        batch_size=2000,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor_obj,
                action="transition",
                model="participants.Kepesertaan",
                object_id=str(i),
                region_code=desa,
                changes={"status": [old, status]},
                note=reason[:255],
            )
            for i, old, desa in rows
        ],
        batch_size=2000,
    )
    announce_audit_written(AuditEvent)
    return len(rows)


def refresh_status(*, actor, as_of: dt.date) -> dict:
    """Set memberships *aktif* when their month is covered (PU: this or last month, paid in arrears) and BPU
    memberships *nonaktif* after ``bpu_lapse_months`` consecutive unpaid months (docs/regulations.md §3)."""
    month = rules.month_start(as_of)
    setting = current_setting(month)
    previous = rules.add_months(month, -1)
    pu_prev = TagihanLine.objects.filter(
        period=previous, segment="pu", paid__gte=F("total")
    ).values("kepesertaan_id")
    live = Kepesertaan.objects.exclude(status=Status.BERHENTI)
    with transaction.atomic():
        lapsed = _lapsed_ids(month, setting)
        nonaktif = _set_status(
            actor,
            live.filter(kind=Kind.RENTAN, id__in=lapsed).exclude(
                status=Status.NONAKTIF
            ),
            Status.NONAKTIF,
            f"{setting.bpu_lapse_months} bulan berturut-turut tidak membayar iuran "
            f"(s.d. {month:%Y-%m})",
        )
        covered = Q(id__in=covered_ids(month)) | Q(kind=Kind.PERANGKAT, id__in=pu_prev)
        aktif = _set_status(
            actor,
            live.filter(covered).exclude(status=Status.AKTIF),
            Status.AKTIF,
            f"Iuran {month:%Y-%m} terbayar",
        )
    return {"as_of": as_of.isoformat(), "aktif": aktif, "nonaktif": nonaktif}
