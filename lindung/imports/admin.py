"""Import batches, read-only (the counters are written by imports.services.run_import)."""

from __future__ import annotations

from django.contrib import admin

from lindung.common.admin import ReadOnlyAdmin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "filename",
        "kind",
        "state",
        "total",
        "inserted",
        "updated",
        "unchanged",
        "rejected",
        "skipped",
        "created_at",
    )
    list_filter = ("kind", "state", "dry_run")
    search_fields = ("filename", "sha256")
