"""Background jobs of the contributions app (django-tasks; the ImmediateBackend runs them inline in tests)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .coverage import refresh_status


@task()
def refresh_status_task() -> dict:
    """The daily status refresh: the stored membership status (aktif, nonaktif) follows the coverage derived from
    paid bills, so lists and filters by status never drift from what the coverage strip shows. ``lindung serve``
    enqueues it after midnight with the rakor summary; ``lindung iuran status`` does the same from cron."""
    return refresh_status(actor=None, as_of=timezone.localdate())
