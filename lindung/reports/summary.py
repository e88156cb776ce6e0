"""The per-village rakor summary (issue #9): counts kept per (as_of, desa, kind, sumber_dana) so the national
report sums a few hundred thousand small rows instead of joining millions of memberships to their bill lines.

Who refreshes it (issue 24): the writes. Every audited write announces itself (``common.events.audit_written``) and,
once its transaction commits, ``refresh_after_write`` brings the recently requested dates up to date incrementally.
A request only asks ``state(as_of)``: it never builds a date in full; a missing date or a write too wide to patch is
queued for the task worker (``build_summary_task``), and meanwhile the request counts from scratch or reads the rows
as they stand and says so.

``refresh(as_of)`` brings one date's rows up to date from the audit log (every write service records an
``AuditEvent`` with the region it touched, inside its own transaction):

- first time, or when the coverage setting changed: a full set-based build, ``INSERT … SELECT`` over
  ``services.membership_counts`` (the one piece of count logic, shared with the from-scratch report);
- afterwards: read the events newer than the recorded id, turn their ``region_code`` into region prefixes (a desa
  code dirties that desa, a kecamatan/kabupaten/province code everything under it, ``""`` everything), delete and
  recount only those regions, and advance the recorded id, all in one transaction.

The village rows are also summed per kabupaten/kota (``KabupatenSummary``, re-summed for every touched regency):
at 10 million memberships there are about a million village rows (≈84,000 villages × 13 kind/funding pairs), and
summing them on every national report would cost most of a second, while the ≈500 × 13 regency rows cost
milliseconds. The village rows still answer users scoped below a regency and the list of villages without a
protected official.

Events that commit out of id order. Ids come from a sequence at insert time, so a transaction holding id 100 can
commit after one holding id 101. If we looked in between and simply remembered 101, event 100 would be missed for
ever. So every refresh also looks for *holes* among the ids up to the newest one it saw, and keeps each hole in
``SummaryState.pending`` together with a transaction-id marker: the ``xmax`` of a PostgreSQL snapshot taken after
the hole was seen (every transaction that could still fill the hole had its xid before that). Each later refresh
re-reads the events in the pending holes (an id that turned up is processed then) and forgets a hole only when the
oldest transaction still running, taken *before* that re-read, is newer than the marker (nothing can fill it any
more: it was a rollback) and the hole is at least ``GAP_MIN_AGE`` seconds old. This relies on the audit row not
being its transaction's first write (every service writes the change first, then its audit row), so that the xid
exists before the audit id is handed out; the minimum age covers the microseconds in which it would not. SQLite
has a single writer and hands out max(id)+1, so holes there are never filled later and age is the only rule.

A row lock on the state row serialises refreshes of the same date (PostgreSQL ``SELECT … FOR UPDATE``; SQLite
transactions are serial anyway), so two requests never recount the same rows at once.

Only a bounded set of dates is kept: the ``KEEP_RECENT`` most recently requested plus the latest
``KEEP_MONTH_ENDS`` month-end dates. Writes that bypass the services (Django admin edits of memberships or bill
lines) are not audited and so not seen: run ``rebuild()`` after such an edit.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from lindung.accounts.audit import READ_ONLY_ACTIONS
from lindung.accounts.models import AuditEvent, is_national, user_region_codes
from lindung.common.cache import cache_key
from lindung.contributions.coverage import covered_ids, current_setting
from lindung.contributions.models import Pembayaran
from lindung.contributions.rules import month_start
from lindung.participants.models import Kepesertaan
from lindung.regions.models import code_prefix_q

from .models import DesaSummary, KabupatenSummary, SummaryState
from .services import _memberships, membership_counts
from .tasks import build_summary_task, refresh_summary_task

KEEP_RECENT = 31
KEEP_MONTH_ENDS = 24
# More dirty villages than this: recount their whole kabupaten instead (fewer, larger index ranges).
MAX_DESA = 2000
# More dirty regions than this: one full rebuild is cheaper than that many prefix scans.
MAX_PREFIXES = 150
GAP_MIN_AGE = 60
USED_AT_STEP = dt.timedelta(seconds=60)
# Dates a write brings up to date after it commits (the most recently requested ones: a dashboard asks for today
# and the first day of the five months before, for its trend).
RECENT_AFTER_WRITE = 7
# A full build is queued at most once in this many seconds per date (the worker's run takes ~45 s at 10 M).
BUILD_QUEUED_SECONDS = 120
_COLUMNS = ("desa_id", "kind", "sumber_dana", "registered", "billed", "protected")


def rows(*, user, region_code: str | None, as_of: dt.date):
    """Summary rows for ``as_of`` inside the region, scoped to ``user`` (None = the system), as they stand: callers
    ask ``state(as_of)`` first, which brings them up to date without a full build."""
    return _scoped(DesaSummary, "desa__code", user, region_code, as_of)


def _scoped(model, code_field: str, user, region_code: str | None, as_of: dt.date):
    qs = model.objects.filter(as_of=as_of)
    if user is not None:
        qs = qs.visible_to(user)
    if region_code:
        qs = qs.filter(code_prefix_q(code_field, region_code))
    return qs


def state(as_of: dt.date) -> str:
    """How a request may use the summary of ``as_of``, never building it in full in the request (issue 24):

    - ``"current"``: up to date (the writes keep it so, ``refresh_after_write``; a small incremental refresh left
      over, e.g. a hole in the audit ids, is done here);
    - ``"stale"``: built, but a write needs a full rebuild (a national billing run, a bulk settlement); the rebuild
      is queued and the rows read as they stand, and the report says so;
    - ``"missing"``: never built for this date, or built with another coverage setting; the build is queued and the
      caller counts from scratch.

    An inline task backend (tests, ``LINDUNG_TASKS_BACKEND=immediate``) builds it during ``queue_build``."""
    if refresh(as_of, full_build=False)["mode"] != "deferred":
        return "current"
    if queue_build(as_of) and refresh(as_of, full_build=False)["mode"] != "deferred":
        return "current"  # built by an inline backend
    st = SummaryState.objects.filter(as_of=as_of).first()
    if st is not None and st.built_at is not None and st.setting == _setting_key(as_of):
        return "stale"
    return "missing"


def queue_build(as_of: dt.date) -> bool:
    """Queue the full build of ``as_of`` once per BUILD_QUEUED_SECONDS (the worker's run is idempotent: a second
    one finds the summary current); True when this call queued it."""
    if not cache.add(
        cache_key("summary-build", as_of.isoformat()), 1, BUILD_QUEUED_SECONDS
    ):
        return False
    build_summary_task.enqueue(as_of.isoformat())
    return True


def report_counts(*, user, region_code: str | None, as_of: dt.date):
    """For ``services.rakor``: (counts per kabupaten, kind and funding source; the user-scoped village rows of
    protected perangkat desa; whether the rows are stale), or None when the summary of ``as_of`` does not exist
    yet (see ``state``). The counts come from the regency rows when the user's regions and the report region are
    whole regencies or wider, else from the village rows: either way scoped by ``visible_to``."""
    usable = state(as_of)
    if usable == "missing":
        return None
    villages = rows(user=user, region_code=region_code, as_of=as_of)
    regencies = _regency_rows(user, region_code, as_of)
    if regencies is not None:
        grouped = counts(regencies, kab=F("kabupaten_id"))
    else:
        grouped = counts(villages, kab=Substr("desa_id", 1, 5))
    return (
        grouped,
        villages.filter(kind="perangkat", protected__gt=0),
        usable == "stale",
    )


def protected_total(*, user, region_code: str | None, as_of: dt.date) -> int:
    """Memberships in force and protected on ``as_of`` in the region, as the user may see them (the dashboard's
    trend): from the summary, or counted from scratch with the same logic while it is being built."""
    if state(as_of) == "missing":
        members = _memberships(user, region_code, as_of)
        return members.filter(id__in=covered_ids(as_of)).count()
    qs = _regency_rows(user, region_code, as_of)
    if qs is None:
        qs = rows(user=user, region_code=region_code, as_of=as_of)
    return int(qs.aggregate(n=Sum("protected"))["n"] or 0)


def _regency_rows(user, region_code: str | None, as_of: dt.date):
    """The user-scoped regency rows of the region, when the user's regions and the region are whole regencies or
    wider (a few thousand rows instead of a million village rows nationally); else None: use the village rows."""
    if not _whole_regencies(user, region_code):
        return None
    return _scoped(KabupatenSummary, "kabupaten__code", user, region_code, as_of)


def village_counts(*, user, region_code: str, as_of: dt.date) -> list[dict]:
    """Per village and kind of the region: registered and protected (the regency dashboard's village table), from
    the summary, or counted from scratch with the same logic while it is being built."""
    if state(as_of) == "missing":
        members = _memberships(user, region_code, as_of)
        source = membership_counts(members, as_of, "desa_id")
    else:
        source = rows(user=user, region_code=region_code, as_of=as_of).values(
            "desa_id", "kind", "sumber_dana", "registered", "protected"
        )
    out: dict[tuple[str, str], dict] = {}
    for r in source:
        row = out.setdefault(
            (r["desa_id"], r["kind"]),
            {
                "desa_id": r["desa_id"],
                "kind": r["kind"],
                "registered": 0,
                "protected": 0,
            },
        )
        row["registered"] += int(r["registered"])
        row["protected"] += int(r["protected"])
    return list(out.values())


def _whole_regencies(user, region_code: str | None) -> bool:

    if region_code and region_code.count(".") > 1:
        return False
    if user is None or is_national(user):
        return True
    return all(code.count(".") <= 1 for code in user_region_codes(user))


def counts(rows_qs, **exprs) -> list[dict]:
    """Summary rows summed per ``exprs`` (e.g. ``kab=Substr("desa_id", 1, 5)``), kind and funding source, with the
    keys of ``services.membership_counts``."""
    grouped = (
        rows_qs.annotate(**exprs)
        .values(*exprs, "kind", "sumber_dana")
        .annotate(
            n_registered=Sum("registered"),
            n_billed=Sum("billed"),
            n_protected=Sum("protected"),
        )
        .order_by()
    )
    return [
        {
            **{k: g[k] for k in (*exprs, "kind", "sumber_dana")},
            "registered": int(g["n_registered"]),
            "billed": int(g["n_billed"]),
            "protected": int(g["n_protected"]),
        }
        for g in grouped
    ]


def recompute(as_of: dt.date, where: Q | None = None):
    """The summary rows as a fresh count over the memberships would give them (a values queryset)."""

    members = _memberships(None, None, as_of)
    if where is not None:
        members = members.filter(where)
    return membership_counts(members, as_of, "desa_id")


def refresh(as_of: dt.date, *, full_build: bool = True) -> dict:
    """Bring the summary of ``as_of`` up to date; returns ``{"mode": "current"|"incremental"|"full", …}``.
    ``full_build=False`` (requests and the refresh after a write) returns ``{"mode": "deferred"}`` instead of
    building everything: the date has no summary yet, or the change is too wide for an incremental refresh.

    A current summary (the usual case for a page) is recognised by reading alone: no write transaction, which on
    SQLite would queue every report request behind one writer; ``used_at`` is then moved on at most once a
    minute (it only orders the dates kept and refreshed in the background)."""
    now = timezone.now()
    setting = _setting_key(as_of)
    state = SummaryState.objects.filter(as_of=as_of).first()
    if state is not None and _current(state, setting):
        if now - state.used_at >= USED_AT_STEP:
            SummaryState.objects.filter(as_of=as_of).update(used_at=now)
        return {"mode": "current", "regions": 0}
    if not full_build and (
        state is None or state.built_at is None or state.setting != setting
    ):
        return {"mode": "deferred", "regions": 0}
    _, created = SummaryState.objects.get_or_create(
        as_of=as_of, defaults={"used_at": now}
    )
    if created:
        _prune(keep=as_of)
    with transaction.atomic():
        state = SummaryState.objects.select_for_update().get(as_of=as_of)
        state.used_at = now
        xmin, _xmax = _snapshot()
        top = max(
            AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0, state.last_event_id
        )
        if (
            state.built_at is not None
            and state.setting == setting
            and top == state.last_event_id
            and not state.pending
        ):
            state.save(update_fields=["used_at"])
            return {"mode": "current", "regions": 0}
        holes = _missing(state.last_event_id + 1, top)
        _unused, marker = _snapshot()
        if state.built_at is None or state.setting != setting:
            prefixes = None
        else:
            prefixes = _dirty_prefixes(_window(state, top))
        if prefixes is None and not full_build:
            return {"mode": "deferred", "regions": 0}
        if prefixes is None:
            DesaSummary.objects.filter(as_of=as_of).delete()
            _insert(as_of, None)
            KabupatenSummary.objects.filter(as_of=as_of).delete()
            _insert_kabupaten(as_of, None)
            state.built_at = now
            result = {"mode": "full", "regions": 0}
        else:
            if prefixes:
                where = _prefix_q(prefixes)
                DesaSummary.objects.filter(where, as_of=as_of).delete()
                _insert(as_of, where)
                # The regency rows of every touched regency, summed again from the fresh village rows.
                kabs = _collapse({p[:5] for p in prefixes})
                stale = KabupatenSummary.objects.filter(as_of=as_of)
                if kabs is not None:
                    stale = stale.filter(_prefix_q(kabs, "kabupaten"))
                stale.delete()
                _insert_kabupaten(as_of, None if kabs is None else _prefix_q(kabs))
            result = {"mode": "incremental", "regions": len(prefixes)}
        state.pending = _still_pending(state.pending, xmin, now.timestamp()) + [
            [lo, hi, marker, now.timestamp()] for lo, hi in holes
        ]
        state.last_event_id = top
        state.setting = setting
        state.refreshed_at = now
        state.save()
    return result


def version():
    """When any summary last changed (``common.cache.data_version`` includes it, so a rebuild by the task worker
    retires the cached reports at once)."""
    return SummaryState.objects.aggregate(m=Max("refreshed_at"))["m"]


def _current(state: SummaryState, setting: str) -> bool:
    """Nothing to do for ``state``: built with ``setting`` (its date's, ``_setting_key``), no hole pending, no audit
    event since."""
    return (
        state.built_at is not None
        and not state.pending
        and state.setting == setting
        and (AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0) <= state.last_event_id
    )


def rebuild(as_of: dt.date | None = None) -> None:
    """Forget the summary of ``as_of`` (or of every date): the next ``refresh`` builds it from scratch."""
    states = SummaryState.objects.all()
    if as_of is not None:
        states = states.filter(as_of=as_of)
    with transaction.atomic():
        states.update(built_at=None)


def refresh_recent(limit: int = 3) -> list[dict]:
    """Refresh the ``limit`` most recently requested dates (the background task after a national write)."""
    return [refresh(d) for d in _recent_dates(limit)]


def _recent_dates(limit: int) -> list[dt.date]:
    dates = SummaryState.objects.order_by("-used_at").values_list("as_of", flat=True)
    return list(dates[:limit])


def refresh_today() -> list[dict]:
    """The daily job (``lindung serve`` enqueues it after midnight; ``lindung report summary`` from cron does the
    same): build today's summary before the first report of the day would have to, then the recent dates."""
    return [refresh(dt.date.today()), *refresh_recent()]


def seconds_to_next_day(now: dt.datetime, delay: dt.timedelta) -> float:
    """Seconds from ``now`` (naive local time, the clock ``date.today()`` reads) to ``delay`` past next midnight."""
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
    return (midnight + delay - now).total_seconds()


def enqueue_refresh() -> None:
    """After this transaction commits, refresh the recently requested dates in the background, so the first
    report after a national billing run or a bulk settlement does not pay for the full rebuild."""

    transaction.on_commit(lambda: refresh_summary_task.enqueue())


def refresh_after_write(**_kwargs) -> None:
    """Connected to ``common.events.audit_written``: after the write's transaction commits, bring the recently
    requested dates up to date incrementally (the villages the write touched: milliseconds), so the next report
    finds them current. A write too wide for that queues the full refresh for the task worker instead. A
    transaction that wrote several audit rows runs this several times: the later runs find the dates current by
    reading alone. ``robust``: the write has committed, a failed refresh is logged and left to the next one."""
    transaction.on_commit(_refresh_written, robust=True)


def _refresh_written() -> None:
    for as_of in _recent_dates(RECENT_AFTER_WRITE):
        if refresh(as_of, full_build=False)["mode"] == "deferred":
            queue_build(as_of)


# --- what changed ---------------------------------------------------------------------------------------------------


def _window(state: SummaryState, top: int) -> Q:
    return Q(id__gt=state.last_event_id, id__lte=top) | _ranges_q(state.pending)


def _dirty_prefixes(window: Q) -> list[str] | None:
    """Region codes whose summary rows the events in ``window`` may have changed; None = everything."""
    # order_by(): the model orders by (-at, -id), which DISTINCT would otherwise include.
    events = (
        AuditEvent.objects.filter(window)
        .exclude(action__in=READ_ONLY_ACTIONS)
        .order_by()
    )
    if events.filter(region_code="").exists() or _credit_moved(events):
        return None
    codes = set(events.values_list("region_code", flat=True).distinct())
    # A membership moved between villages: its event carries the new desa, the old one changes too.
    for change in events.filter(
        Q(changes__has_key="desa_id") | Q(changes__has_key="desa"),
        model="participants.Kepesertaan",
    ).values_list("changes", flat=True):
        for key in ("desa_id", "desa"):
            codes |= {c for c in change.get(key, ()) if isinstance(c, str) and c}
    extra = _self_payer_desa(events)
    if extra is None:
        return None
    return _collapse(codes | extra)


def _credit_moved(events) -> bool:
    """A billing run for one region also spends its payers' credit on their oldest open bills, which may hold
    lines outside that region (a province payer, a self-payer who moved): rare enough to rebuild everything."""
    return any(
        (changes or {}).get("credit_applied")
        for changes in events.filter(action="billing").values_list("changes", flat=True)
    )


def _self_payer_desa(events) -> set[str] | None:
    """A self-paying person's payer keeps the desa it was created in; a payment may cover a membership that has
    since moved, so count the person's memberships' villages as dirty too."""

    ids = list(
        events.filter(model="contributions.Pembayaran").values_list(
            "object_id", flat=True
        )[: MAX_DESA + 1]
    )
    if len(ids) > MAX_DESA:
        return None
    people = Pembayaran.objects.filter(
        id__in=[int(i) for i in ids if i.isdigit()], payer__kind="self"
    ).values("payer__peserta_id")
    return set(
        Kepesertaan.objects.filter(peserta_id__in=people)
        .values_list("desa_id", flat=True)
        .distinct()
    )


def _collapse(codes: set[str]) -> list[str] | None:
    """Drop codes under another dirty code; many villages become their kabupaten; too many regions = None."""
    codes = {c for c in codes if c}
    desa = {c for c in codes if c.count(".") == 3}
    if len(desa) > MAX_DESA:
        codes = (codes - desa) | {c[:5] for c in desa}

    def covered(code: str) -> bool:
        parts = code.split(".")
        return any(".".join(parts[:i]) in codes for i in range(1, len(parts)))

    kept = sorted(c for c in codes if not covered(c))
    return None if len(kept) > MAX_PREFIXES else kept


def _prefix_q(prefixes: list[str], field: str = "desa") -> Q:
    desa = [c for c in prefixes if c.count(".") == 3]
    q = Q(**{f"{field}_id__in": desa}) if desa else Q(pk__in=[])
    for code in prefixes:
        if code.count(".") < 3:
            q |= code_prefix_q(f"{field}__code", code)
    return q


# --- holes in the id sequence (transactions that commit out of id order) --------------------------------------------


def _snapshot() -> tuple[int | None, int | None]:
    """(oldest running xid, next xid) on PostgreSQL; (None, None) elsewhere."""
    if connection.vendor != "postgresql":
        return None, None
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
            "FROM pg_current_snapshot() AS s"
        )
        xmin, xmax = cur.fetchone()
    return xmin, xmax


def _missing(lo: int, hi: int) -> list[tuple[int, int]]:
    """Id ranges inside [lo, hi] with no visible audit event."""
    if hi < lo:
        return []
    present = AuditEvent.objects.filter(id__gte=lo, id__lte=hi).count()
    if present == hi - lo + 1:
        return []
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT prev + 1, id - 1 FROM (SELECT id, LAG(id) OVER (ORDER BY id) AS prev FROM ("  # noqa: S608
            f"SELECT %s AS id UNION ALL SELECT id FROM {table} WHERE id >= %s AND id <= %s "
            f"UNION ALL SELECT %s) AS ids) AS pairs WHERE id > prev + 1",
            [lo - 1, lo, hi, hi + 1],
        )
        return [(int(a), int(b)) for a, b in cur.fetchall()]


def _still_pending(pending: list, xmin: int | None, now: float) -> list:
    """Old holes that a transaction still running may fill, minus the ids that turned up (they were in this
    refresh's window); one query for all holes, since most stay empty."""
    if not pending:
        return []
    found = sorted(
        AuditEvent.objects.filter(_ranges_q(pending))
        .order_by()
        .values_list("id", flat=True)
    )
    out = []
    for lo, hi, marker, seen in pending:
        finished = xmin is None or (marker is not None and xmin >= marker)
        if finished and now - seen >= GAP_MIN_AGE:
            continue
        start = lo
        for i in (i for i in found if lo <= i <= hi):
            if i > start:
                out.append([start, i - 1, marker, seen])
            start = i + 1
        if start <= hi:
            out.append([start, hi, marker, seen])
    return out


def _ranges_q(pending: list) -> Q:
    q = Q(pk__in=[])
    for lo, hi, *_rest in pending:
        q |= Q(id__gte=lo, id__lte=hi)
    return q


# --- writing rows ---------------------------------------------------------------------------------------------------


def _insert(as_of: dt.date, where: Q | None) -> None:
    """One ``INSERT … SELECT`` of the fresh counts (the rows never travel through Python)."""
    sql, params = recompute(as_of, where).query.sql_with_params()
    table = connection.ops.quote_name(DesaSummary._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    picked = ", ".join(f"s.{connection.ops.quote_name(c)}" for c in _COLUMNS)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (as_of, {cols}) SELECT %s, {picked} FROM ({sql}) AS s",  # noqa: S608
            [connection.ops.adapt_datefield_value(as_of), *params],
        )


def _insert_kabupaten(as_of: dt.date, where: Q | None) -> None:
    """The regency rows of ``where``'s villages, summed from the (already fresh) village rows."""
    villages = DesaSummary.objects.filter(as_of=as_of)
    if where is not None:
        villages = villages.filter(where)
    grouped = (
        villages.annotate(kab=Substr("desa_id", 1, 5))
        .values("kab", "kind", "sumber_dana")
        .annotate(
            n_registered=Sum("registered"),
            n_billed=Sum("billed"),
            n_protected=Sum("protected"),
        )
        .order_by()
    )
    sql, params = grouped.query.sql_with_params()
    q = connection.ops.quote_name
    table = q(KabupatenSummary._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (as_of, kabupaten_id, kind, sumber_dana, registered, billed, protected) "  # noqa: S608
            f"SELECT %s, s.{q('kab')}, s.{q('kind')}, s.{q('sumber_dana')}, s.{q('n_registered')}, "
            f"s.{q('n_billed')}, s.{q('n_protected')} FROM ({sql}) AS s",
            [connection.ops.adapt_datefield_value(as_of), *params],
        )


def _setting_key(as_of: dt.date) -> str:

    s = current_setting(month_start(as_of))
    return f"lapse={s.bpu_lapse_months};grace={s.grace_covered};retro={s.retroactive_cover}"


def _prune(keep: dt.date) -> None:
    """Keep the most recently requested dates and the latest month ends; drop the rest with their rows."""
    dates = list(
        SummaryState.objects.order_by("-used_at").values_list("as_of", flat=True)
    )
    month_ends = sorted(
        (d for d in dates if (d + dt.timedelta(days=1)).day == 1), reverse=True
    )
    kept = set(dates[:KEEP_RECENT]) | set(month_ends[:KEEP_MONTH_ENDS]) | {keep}
    drop = [d for d in dates if d not in kept]
    if drop:
        with transaction.atomic():
            DesaSummary.objects.filter(as_of__in=drop).delete()
            KabupatenSummary.objects.filter(as_of__in=drop).delete()
            SummaryState.objects.filter(as_of__in=drop).delete()
