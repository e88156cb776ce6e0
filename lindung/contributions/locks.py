"""One run at a time (issue 19): a run that must not overlap another holds a ``RunLock`` row.

PostgreSQL: ``SELECT … FOR UPDATE`` on the row; a second run waits up to ``WAIT_SECONDS`` (``lock_timeout``) and is
then told the run is in progress. SQLite: the IMMEDIATE transaction (settings) already takes the database's write
lock; a second run waits ``busy_timeout`` and gets the same message. Never an IntegrityError or a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction

from .models import RunLock

log = logging.getLogger(__name__)

# How long a second run waits on PostgreSQL before it is told "sedang berjalan" (SQLite: busy_timeout, 20 s).
WAIT_SECONDS = 20


class RunBusy(ValidationError):
    """Another run of the same kind holds the lock; the message is Indonesian and safe to show."""

    def __init__(self, message: str):
        super().__init__(message, code="busy")


def _is_busy(exc: Exception) -> bool:
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == "55P03":  # PostgreSQL lock_not_available
        return True
    return (
        "locked" in str(exc).lower()
    )  # SQLite: "database is locked", "database table is locked"


@contextmanager
def exclusive(key: str, busy_message: str) -> Iterator[None]:
    """Run the block in one transaction holding the lock ``key``; raise ``RunBusy(busy_message)`` when another
    run holds it longer than the wait."""
    try:
        try:
            with transaction.atomic():
                RunLock.objects.get_or_create(key=key)
        except IntegrityError:
            pass  # created by the other run a moment ago
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET LOCAL lock_timeout = '{}s'".format(int(WAIT_SECONDS))
                    )
            RunLock.objects.select_for_update().get(key=key)
            yield
    except OperationalError as exc:
        if not _is_busy(exc):
            raise
        log.info("run %s busy: %s", key, type(exc).__name__)
        raise RunBusy(busy_message) from None
