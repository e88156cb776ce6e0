"""Background job of the reconciliation (django-tasks; the ImmediateBackend runs it inline in tests)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def reconcile_task(run_id: int) -> dict:
    """Run an uploaded BPJS list; the ReconciliationRun row carries its progress and counts."""
    run = services.run_stored(run_id)
    return {"id": run.pk, "state": run.state, "total": run.total}
