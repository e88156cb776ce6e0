"""Admin: the contribution rules are data a BPJS administrator edits; bills and payments are read-mostly."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    BpuBracket,
    Denda,
    IuranSetting,
    LateFeeRule,
    Payer,
    Pembayaran,
    ReliefPeriod,
    Tagihan,
    Tariff,
    WageCap,
)

VERSIONED = ("valid_from", "valid_to", "confirmed")


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = (
        "segment",
        "programme",
        "risk_group",
        "base",
        "employer_rate",
        "worker_rate",
        "flat_amount",
        *VERSIONED,
    )
    list_filter = ("segment", "programme", "confirmed")


@admin.register(BpuBracket)
class BpuBracketAdmin(admin.ModelAdmin):
    list_display = ("income", *VERSIONED)
    list_filter = ("confirmed",)


@admin.register(WageCap)
class WageCapAdmin(admin.ModelAdmin):
    list_display = ("programme", "cap", *VERSIONED)


@admin.register(ReliefPeriod)
class ReliefPeriodAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "percent_off",
        "programmes",
        "segments",
        "sector",
        "excluded_funding",
        "late_fee_rate",
        "deadline_day",
        *VERSIONED,
    )


@admin.register(LateFeeRule)
class LateFeeRuleAdmin(admin.ModelAdmin):
    list_display = (
        "segment",
        "deadline_day",
        "deadline_month_offset",
        "rate_per_month",
        *VERSIONED,
    )


@admin.register(IuranSetting)
class IuranSettingAdmin(admin.ModelAdmin):
    list_display = (
        "rounding",
        "bpu_lapse_months",
        "grace_covered",
        "retroactive_cover",
        "payment_limit_multiple",
        "payment_limit_months",
        *VERSIONED,
    )


@admin.register(Payer)
class PayerAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "name", "region")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("region", "peserta")


@admin.register(Tagihan)
class TagihanAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "payer",
        "period",
        "segment",
        "due_date",
        "total",
        "paid",
        "supplementary",
    )
    list_filter = ("segment", "supplementary", "period")
    search_fields = ("number", "payer__code", "payer__name")
    raw_id_fields = ("payer", "created_by")
    readonly_fields = ("iuran_total", "denda_total", "total", "paid", "paid_on")


@admin.register(Pembayaran)
class PembayaranAdmin(admin.ModelAdmin):
    """Read-only: payments are reported, confirmed, rejected and reversed through the services (audited), never
    edited here (issue 19)."""

    list_display = ("payer", "amount", "unallocated", "paid_at", "reference", "status")
    list_filter = ("status",)
    search_fields = ("payer__code", "reference")
    raw_id_fields = ("payer", "tagihan", "created_by", "decided_by", "reversed_by")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Denda)
class DendaAdmin(admin.ModelAdmin):
    list_display = ("payer", "source", "months", "rate", "base", "amount", "charged_on")
    raw_id_fields = ("payer", "source", "alokasi", "charged_on")
