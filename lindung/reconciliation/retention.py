"""Retention of reconciliation files (UU PDP): BPJS's uploaded lists and the error files go after
``LINDUNG_FILE_RETENTION_DAYS``, as the import's do; the runs, their counts and their per-row results stay."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from lindung.common import uploads

from .models import ReconciliationRun


def purge_expired(now=None) -> int:
    """Delete the files of runs older than the retention period; returns how many runs lost their files."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.LINDUNG_FILE_RETENTION_DAYS)
    purged = 0
    for run in ReconciliationRun.objects.filter(created_at__lt=cutoff).exclude(
        file="", error_file=""
    ):
        uploads.delete_files(run.file, run.error_file)
        run.save(update_fields=["file", "error_file"])
        purged += 1
    return purged
