"""Read-only admin views: every change goes through participants.services (validation, history, audit)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from lindung.common.admin import ReadOnlyAdmin
from lindung.common.format import mask_nik

from .models import Kepesertaan, Peserta, StatusHistory


@admin.register(Peserta)
class PesertaAdmin(ReadOnlyAdmin):
    """The NIK is shown masked, as on every page; its full value is shown by the membership page's audited
    "Tampilkan NIK" (UU PDP), never here."""

    list_display = ("name", "nik_masked", "birth_date", "sex", "version")
    search_fields = ("nik", "name")
    exclude = ("nik",)
    readonly_fields = ("nik_masked", "memberships")

    @admin.display(description="NIK")
    def nik_masked(self, obj: Peserta) -> str:
        return mask_nik(obj.nik)

    @admin.display(description="kepesertaan")
    def memberships(self, obj: Peserta) -> str:
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("participants:detail", args=[k.pk]),
                "{} · {}".format(k.get_kind_display(), k.desa_id),
            )
            for k in obj.kepesertaan.all()
        ]
        return format_html(" · ".join(["{}"] * len(links)), *links) if links else "-"


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
