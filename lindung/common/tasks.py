"""Background generation of large downloads (django-tasks; the ImmediateBackend runs it inline in tests)."""

from __future__ import annotations

from django_tasks import task

from . import lists


@task()
def build_export_task(job_id: int) -> dict:
    job = lists.build(job_id)
    return {"state": job.state, "rows": job.processed}
