"""Reconciliation runs and marks, read-only (written by reconciliation.services)."""

from __future__ import annotations

from django.contrib import admin

from lindung.common.admin import ReadOnlyAdmin

from .models import PendingRegistration, ReconciliationRun


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = (
        "filename",
        "state",
        "region",
        "total",
        "rejected",
        "outside_scope",
        "cocok",
        "kpj_baru",
        "status_berbeda",
        "iuran_berbeda",
        "data_berbeda",
        "hanya_di_bpjs",
        "hanya_di_lindung",
        "created_at",
    )
    list_filter = ("state",)
    search_fields = ("filename", "sha256")


@admin.register(PendingRegistration)
class PendingRegistrationAdmin(ReadOnlyAdmin):
    list_display = ("kepesertaan", "payer_code", "marked_at", "sent_on")
    list_filter = ("sent_on",)
    search_fields = ("payer_code",)
