"""Background jobs of the contributions app (django-tasks; the ImmediateBackend runs them inline in tests)."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks import task

from . import partitions
from .coverage import refresh_status
from .importer import import_payments
from .models import PembayaranImport

log = logging.getLogger(__name__)


@task()
def refresh_status_task() -> dict:
    """The daily status refresh: the stored membership status (aktif, nonaktif) follows the coverage derived from
    paid bills, so lists and filters by status never drift from what the coverage strip shows. ``lindung serve``
    enqueues it after midnight with the rakor summary; ``lindung iuran status`` does the same from cron.

    It first creates the coming months' bill-line partitions on PostgreSQL (``partitions.ensure_partitions``; the
    billing run creates its own month's too). A failure there is logged and does not stop the status refresh."""
    try:
        created = partitions.ensure_partitions()
    except Exception:
        log.exception("daily job: bill-line partitions not created")
        created = []
    result = refresh_status(actor=None, as_of=timezone.localdate())
    if created:
        result["partitions_created"] = [c["partition"] for c in created]
    return result


@task()
def import_payments_task(batch_id: int, path: str, user_id: int | None) -> dict:
    """A payment file uploaded on the reconciliation page; the PembayaranImport row carries progress and result."""
    batch = PembayaranImport.objects.get(pk=batch_id)
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        return import_payments(actor=actor, path=path, batch=batch)
    except (ValidationError, PermissionDenied) as exc:
        batch.refresh_from_db()
        # Refused before reading (the uploader lost the permission): the batch says so.
        if not batch.is_finished:
            batch.state = PembayaranImport.State.FAILED
            batch.message = "; ".join(getattr(exc, "messages", None) or [str(exc)])
            batch.finished_at = timezone.now()
            batch.save(update_fields=["state", "message", "finished_at"])
        return batch.summary()
