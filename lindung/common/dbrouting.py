"""Read replicas (issue 24): reports, dashboards, lists, exports and reconciliation pages read from a streaming
replica; everything else uses the primary. Inert (the router answers ``None``, the middleware passes through)
unless ``DATABASE_REPLICA_URLS`` configured replica aliases (settings: ``LINDUNG_REPLICAS``).

A read goes to a replica only when all of these hold:

- the request is a GET or HEAD of a view in ``REPLICA_VIEWS`` (or under ``REPLICA_API_PREFIXES``), marked by
  ``ReplicaMiddleware`` in a context variable: the task worker, management commands, the writer thread and every
  other view never see it and read from the primary;
- the browser made no POST/PUT/PATCH/DELETE in the last ``LINDUNG_REPLICA_PIN_SECONDS`` (the ``PIN_COOKIE``
  cookie): the author of a change reads it back from the primary (read-after-write);
- the request has not written yet: after its first write (``db_for_write``) every later read is from the primary,
  so what a request reads never mixes its own fresh writes (a summary refresh) with older replica rows. Writes of
  audit rows (services write them after the change itself, and an export or an unmasked NIK writes only one) and
  of ``PRIMARY_MODELS`` (always read from the primary anyway, e.g. a queued task) do not count;
- no transaction is open on the primary (a read inside ``atomic`` belongs to that transaction);
- the model is not one of ``PRIMARY_MODELS``: sessions, users and their roles, API tokens, login throttling and the
  task queue are always read fresh, so a revoked role or a new session takes effect at once;
- a replica passed the health check of the last ``LINDUNG_REPLICA_CHECK_SECONDS`` (per process): it answers, is in
  recovery, and has replayed the primary's WAL up to the primary's insert position, or else its last replayed
  transaction is at most ``LINDUNG_REPLICA_MAX_LAG_SECONDS`` old. (``now() - pg_last_xact_replay_timestamp()``
  alone is not a lag: it grows while the primary is idle; compared only when the replica is behind, it is an upper
  bound of how stale the replica is.)

A replica that fails during a request (its connection refused or dropped: ``OperationalError`` or
``InterfaceError``) is marked unhealthy and the view runs again once on the primary (``process_exception``), so
the user sees the page, not an error. A CSV export streams its rows after the view has returned; it streams from
the replica too, but a replica lost in the middle of a stream cannot be retried (the headers are sent).
"""

from __future__ import annotations

import contextvars
import logging
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import FileResponse

log = logging.getLogger(__name__)

DEFAULT = "default"
SAFE_METHODS = ("GET", "HEAD")
PIN_COOKIE = "lindung_primary_until"

# Views (``namespace:name``) whose GETs only read and tolerate seconds of lag. A GET that writes (the rakor
# summary refresh, a reconciliation close) is still safe here: after its first write it reads from the primary.
REPLICA_VIEWS = frozenset(
    {
        "home",  # the dashboards
        "reports:rakor",
        "reports:rakor_download",
        "participants:list",
        "participants:download",
        "claims:list",
        "agreements:list",
        "contributions:bills",
        "contributions:payments",
        "contributions:budget",
        "contributions:reconciliation",
        "reconciliation:index",
        "reconciliation:latest",
        "reconciliation:run",
        "reconciliation:download",
        "reconciliation:errors",
        "reconciliation:pending",
        "regions:browse",
        "regions:detail",
    }
)
# API GETs that only read: the rakor report. (Other API reads stay on the primary: a system that POSTs and then
# GETs what it made keeps no cookie, so the read-after-write pin would not reach it.)
REPLICA_API_PREFIXES = ("/api/v1/reports/",)
# Always read from the primary (app label, or app_label.model).
PRIMARY_MODELS = frozenset(
    {
        "sessions",
        "auth",
        "axes",
        "admin",
        "contenttypes",
        "django_tasks_db",
        "accounts.userregion",
        "accounts.apitoken",
    }
)


def replicas() -> list[str]:
    return list(getattr(settings, "LINDUNG_REPLICAS", ()))


@dataclass
class _Request:
    eligible: bool = False
    wrote: bool = False
    chosen: bool = False
    alias: str | None = None

    def replica(self) -> str | None:
        """The replica of this request, chosen once (one request reads one replica's snapshot, not several)."""
        if not self.chosen:
            self.chosen = True
            candidates = replicas()
            random.shuffle(candidates)
            self.alias = next((a for a in candidates if healthy(a)), None)
        return self.alias


_current: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "lindung_replica_request", default=None
)


# --- health ---------------------------------------------------------------------------------------------------------

_health: dict[str, tuple[float, bool]] = {}
_health_lock = threading.Lock()


def reset_health() -> None:
    """Forget every health check (tests; a new replica)."""
    with _health_lock:
        _health.clear()


def mark_unhealthy(alias: str) -> None:
    with _health_lock:
        _health[alias] = (time.monotonic(), False)
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def healthy(alias: str) -> bool:
    """Whether ``alias`` may serve reads now: checked at most every ``LINDUNG_REPLICA_CHECK_SECONDS`` per process."""
    now = time.monotonic()
    every = getattr(settings, "LINDUNG_REPLICA_CHECK_SECONDS", 5)
    with _health_lock:
        checked = _health.get(alias)
    if checked is not None and now - checked[0] < every:
        return checked[1]
    ok = check(alias)
    with _health_lock:
        _health[alias] = (time.monotonic(), ok)
    return ok


def check(alias: str) -> bool:
    """One health check of ``alias`` (see the module text); never raises."""
    max_lag = float(getattr(settings, "LINDUNG_REPLICA_MAX_LAG_SECONDS", 30))
    try:
        with connections[DEFAULT].cursor() as cur:
            cur.execute("SELECT pg_current_wal_insert_lsn()::text")
            primary_lsn = cur.fetchone()[0]
        with connections[alias].cursor() as cur:
            cur.execute(
                "SELECT pg_is_in_recovery(), COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false), "
                "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8",
                [primary_lsn],
            )
            in_recovery, caught_up, behind = cur.fetchone()
    except DatabaseError as exc:
        log.warning("replica %s unavailable: %s", alias, type(exc).__name__)
        try:
            connections[alias].close()
        except DatabaseError:
            pass
        return False
    if not in_recovery:
        log.warning("replica %s is not in recovery (promoted?): not used", alias)
        return False
    if caught_up:
        return True
    if behind is None or behind > max_lag:
        log.warning(
            "replica %s lags (%s s behind): reads go to the primary", alias, behind
        )
        return False
    return True


# --- the router -----------------------------------------------------------------------------------------------------


def _primary_only(model) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_MODELS or meta.label_lower in PRIMARY_MODELS


def _moves_reads_to_primary(model) -> bool:
    """Whether writing ``model`` makes the rest of the request read from the primary (see the module text)."""
    return not _primary_only(model) and model._meta.label_lower != "accounts.auditevent"


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry. Without replicas every method answers ``None`` (Django's default routing)."""

    def db_for_read(self, model, **hints):
        if not replicas():
            return None
        state = _current.get()
        if (
            state is None
            or not state.eligible
            or state.wrote
            or _primary_only(model)
            or connections[DEFAULT].in_atomic_block
        ):
            return DEFAULT
        return state.replica() or DEFAULT

    def db_for_write(self, model, **hints):
        if not replicas():
            return None
        state = _current.get()
        if state is not None and _moves_reads_to_primary(model):
            state.wrote = True
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows: an object read from one may point at one read from the other.
        return True if replicas() else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if not replicas():
            return None
        return db == DEFAULT


# --- the middleware -------------------------------------------------------------------------------------------------


def _pinned(request) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, 0)) > time.time()
    except ValueError:
        return False


def _eligible(request) -> bool:
    if request.method not in SAFE_METHODS or _pinned(request):
        return False
    match = request.resolver_match
    if match is not None and match.view_name in REPLICA_VIEWS:
        return True
    return request.path_info.startswith(REPLICA_API_PREFIXES)


def _streamed_in(state: _Request, content):
    """``content`` iterated with ``state`` current: a streamed export reads after the view has returned."""
    iterator = iter(content)
    while True:
        token = _current.set(state)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _current.reset(token)
        yield chunk


class ReplicaMiddleware:
    """Marks replica-eligible requests (see the module text), pins a browser to the primary after it wrote, and
    runs a view again on the primary when its replica failed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replicas():
            return self.get_response(request)
        state = _Request()
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if request.method not in SAFE_METHODS:
            seconds = getattr(settings, "LINDUNG_REPLICA_PIN_SECONDS", 10)
            response.set_cookie(
                PIN_COOKIE,
                "{:.3f}".format(time.time() + seconds),
                max_age=max(1, int(seconds)),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        elif (
            state.eligible
            and getattr(response, "streaming", False)
            and not isinstance(response, FileResponse)
        ):
            response.streaming_content = _streamed_in(state, response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _current.get()
        if state is not None:
            state.eligible = _eligible(request)
        return None

    def process_exception(self, request, exception):
        state = _current.get()
        if (
            state is None
            or not isinstance(exception, OperationalError | InterfaceError)
            or state.alias is None
            or not connections[state.alias].errors_occurred
        ):
            return None
        log.warning(
            "replica %s failed during %s %s (%s): again on the primary",
            state.alias,
            request.method,
            request.path,
            type(exception).__name__,
        )
        mark_unhealthy(state.alias)
        state.eligible, state.alias = False, None
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)


# --- PgBouncer ------------------------------------------------------------------------------------------------------


def transaction_pooled() -> bool:
    """``LINDUNG_PGBOUNCER=1``: connections go through PgBouncer in transaction mode, so two transactions of one
    Django connection may run on different server sessions and no session state (a session advisory lock, a
    ``SET``, a ``WITH HOLD`` cursor) survives a transaction."""
    return bool(getattr(settings, "LINDUNG_PGBOUNCER", False))
