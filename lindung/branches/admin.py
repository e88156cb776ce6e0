"""Admin: a BPJS administrator records each branch office, the regions it serves and its payment channels."""

from __future__ import annotations

from django.contrib import admin

from lindung.common.admin import AuditedModelAdmin

from .models import KantorCabang, PaymentChannel, ServiceArea


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    raw_id_fields = ("region",)
    extra = 1


class PaymentChannelInline(admin.StackedInline):
    model = PaymentChannel
    extra = 0
    fields = (
        ("kind", "segment", "position"),
        ("bank_name", "account_holder"),
        ("account_number", "va_prefix", "va_length", "payment_code"),
        "instructions",
        ("valid_from", "valid_to"),
        "source",
    )


@admin.register(KantorCabang)
class KantorCabangAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "phone", "email", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "service_areas__region__name")
    inlines = [ServiceAreaInline, PaymentChannelInline]


@admin.register(PaymentChannel)
class PaymentChannelAdmin(AuditedModelAdmin):
    list_display = (
        "kantor",
        "kind",
        "segment",
        "bank_name",
        "account_number",
        "va_prefix",
        "payment_code",
        "valid_from",
        "valid_to",
    )
    list_filter = ("kind", "segment", "kantor")
