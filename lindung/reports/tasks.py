"""Background refresh of the rakor summary (django-tasks; the ImmediateBackend runs it inline in tests)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def refresh_summary_task(limit: int = 3) -> list[dict]:
    """Bring the most recently requested rakor dates up to date after a national write (billing run, bulk
    settlement), so the next page view does not pay for the full rebuild."""
    # A real cycle: summary enqueues this task (enqueue_refresh), this task runs summary.
    from .summary import refresh_recent

    return refresh_recent(limit)


@task()
def refresh_today_task() -> list[dict]:
    """The daily refresh: today's summary is built in the background, not by the first report request of the day."""
    # The same cycle as above.
    from .summary import refresh_today

    return refresh_today()


@task()
def build_summary_task(as_of: str) -> dict:
    """The full build of one date's summary, queued by a request that found it missing or too stale to patch
    (``summary.state``): requests never build it themselves."""
    # The same cycle as above.
    from .summary import refresh

    return refresh(dt.date.fromisoformat(as_of))
