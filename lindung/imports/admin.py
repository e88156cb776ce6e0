"""Import batches, read-only (the counters are written by imports.services.run_import)."""

from __future__ import annotations

from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "filename",
        "kind",
        "state",
        "total",
        "inserted",
        "updated",
        "unchanged",
        "rejected",
        "created_at",
    )
    list_filter = ("kind", "state", "dry_run")
    search_fields = ("filename", "sha256")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
