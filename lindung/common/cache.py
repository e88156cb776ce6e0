"""The one cache of reports, dashboards and the budget projection: a value per user scope, kept until the next
audited write (every service writes an AuditEvent in its transaction) or CACHE_SECONDS at most. In ``common`` so that
the apps below the reports (the budget in ``contributions``) use it without importing ``reports``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Max

from lindung.accounts.models import AuditEvent, UserRegion

CACHE_SECONDS = 300


# Other versions of derived data a cached value depends on, registered by the apps that own them (the rakor
# summary, which the task worker rebuilds without an audited write: ``reports.apps``).
_version_sources: list[Callable[[], object]] = []


def add_version_source(source: Callable[[], object]) -> None:
    if source not in _version_sources:
        _version_sources.append(source)


def data_version() -> str:
    """Changes whenever any audited write happens (every service writes an AuditEvent in its transaction) and
    whenever a registered source changes. Read from the database, so every node and process agrees."""
    audit = AuditEvent.objects.aggregate(v=Max("id"))["v"] or 0
    return ";".join([str(audit), *(str(source()) for source in _version_sources)])


def scope_key(user) -> str:
    """Users with the same role assignments see the same rows, so they can share cached reports."""
    if user is None or user.is_superuser:
        return "all"
    rows = sorted(UserRegion.objects.filter(user=user).values_list("role", "region_id"))
    return ";".join(f"{role}:{region or '*'}" for role, region in rows)


def cache_key(name: str, *parts) -> str:
    """A cache key safe for every backend: the parts (a region code typed by a user, a scope) are hashed, so no
    space, control character or length limit of memcached is ever hit."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return "{}:{}".format(name, digest)


def cached(user, name: str, *parts, compute):
    """``compute()`` cached per user scope and ``parts`` until the next audited write (or CACHE_SECONDS at most): the
    one cache of reports, dashboards and the budget projection."""
    key = cache_key(name, *parts, scope_key(user), data_version())
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
