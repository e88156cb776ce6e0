"""Background jobs of the import (django-tasks; the ImmediateBackend runs them inline in tests)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def import_task(batch_id: int) -> dict:
    """Run an uploaded file's import; the ImportBatch row carries its progress and summary."""
    return services.run_batch(batch_id).summary()


@task()
def purge_expired_task() -> dict:
    """The daily retention job (``services.purge_expired``); ``lindung serve`` enqueues it after midnight."""
    return services.purge_expired()
