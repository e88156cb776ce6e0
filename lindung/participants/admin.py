"""Read-only admin views: every change goes through participants.services (validation, history, audit)."""

from __future__ import annotations

from django.contrib import admin

from .models import Kepesertaan, Peserta, StatusHistory


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Peserta)
class PesertaAdmin(ReadOnlyAdmin):
    list_display = ("name", "birth_date", "sex", "version")
    search_fields = ("nik", "name")


class StatusHistoryInline(admin.TabularInline):
    model = StatusHistory
    extra = 0
    can_delete = False
    readonly_fields = ("status", "reason", "changed_at", "actor")


@admin.register(Kepesertaan)
class KepesertaanAdmin(ReadOnlyAdmin):
    list_display = (
        "peserta",
        "kind",
        "desa",
        "jabatan",
        "pekerjaan",
        "sumber_dana",
        "status",
        "wage",
    )
    list_filter = ("kind", "status", "sumber_dana")
    search_fields = ("peserta__nik", "peserta__name", "desa__code", "kpj")
    raw_id_fields = ("peserta", "desa", "import_batch")
    inlines = [StatusHistoryInline]
