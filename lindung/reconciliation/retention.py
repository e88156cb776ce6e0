"""Retention of reconciliation files (UU PDP): BPJS's uploaded lists and the error files go after
``LINDUNG_FILE_RETENTION_DAYS``, as the import's do; the runs, their counts and their per-row results stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import ReconciliationRun


def purge_expired(now=None) -> int:
    """Delete the files of runs older than the retention period; returns how many runs lost their files."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.LINDUNG_FILE_RETENTION_DAYS)
    media = Path(settings.MEDIA_ROOT)
    purged = 0
    for run in ReconciliationRun.objects.filter(created_at__lt=cutoff).exclude(
        file="", error_file=""
    ):
        for field in (run.file, run.error_file):
            if field and field.name:
                (media / field.name).unlink(missing_ok=True)
        run.file.name, run.error_file.name = "", ""
        run.save(update_fields=["file", "error_file"])
        purged += 1
    return purged
