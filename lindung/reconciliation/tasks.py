"""Background job of the reconciliation (django-tasks; the ImmediateBackend runs it inline in tests)."""

from __future__ import annotations

from django_tasks import task

from . import services
from .retention import purge_expired


@task()
def reconcile_task(run_id: int) -> dict:
    """Run an uploaded BPJS list; the ReconciliationRun row carries its progress and counts."""
    run = services.run_stored(run_id)
    return {"id": run.pk, "state": run.state, "total": run.total}


@task()
def purge_expired_task() -> int:
    """The daily retention job for reconciliation files; ``lindung serve`` enqueues it after midnight."""
    return purge_expired()
