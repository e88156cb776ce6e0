"""Background import for the web upload (django-tasks; the ImmediateBackend runs it inline in tests)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task


@task()
def import_task(
    batch_id: int,
    path: str,
    kind: str,
    region_code: str | None,
    dry_run: bool,
    user_id: int | None,
    sumber_dana: str = "",
) -> dict:
    """Run the import for an uploaded file; the ImportBatch row carries progress and the summary."""
    from .models import ImportBatch
    from .services import ImportFileError, run_import

    batch = ImportBatch.objects.get(pk=batch_id)
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        batch = run_import(
            actor=actor,
            path=path,
            kind=kind,
            region_code=region_code,
            dry_run=dry_run,
            batch=batch,
            sumber_dana=sumber_dana,
        )
    except ImportFileError:
        batch.refresh_from_db()
    return batch.summary()


@task()
def purge_expired_task() -> dict:
    """The daily retention job (``services.purge_expired``); ``lindung serve`` enqueues it after midnight."""
    from .services import purge_expired

    return purge_expired()
