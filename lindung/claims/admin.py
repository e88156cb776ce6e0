"""Admin: the benefit tables, scholarship rates and document checklist are edited here by a BPJS administrator."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Beasiswa,
    BenefitTable,
    DocumentRequirement,
    Klaim,
    KlaimDokumen,
    KlaimTransition,
    ScholarshipRate,
)


@admin.register(BenefitTable)
class BenefitTableAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "value",
        "unit",
        "valid_from",
        "valid_to",
        "confirmed",
        "basis",
    )
    list_filter = ("confirmed", "unit", "code")
    search_fields = ("code", "label", "basis")
    date_hierarchy = "valid_from"


@admin.register(ScholarshipRate)
class ScholarshipRateAdmin(admin.ModelAdmin):
    list_display = (
        "level",
        "amount",
        "max_years",
        "valid_from",
        "valid_to",
        "confirmed",
        "basis",
    )
    list_filter = ("confirmed", "level")


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ("event", "order", "code", "label", "required", "active")
    list_filter = ("event", "required", "active")
    list_editable = ("order", "required", "active")


class TransitionInline(admin.TabularInline):
    model = KlaimTransition
    extra = 0
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")
    can_delete = False


class DokumenInline(admin.TabularInline):
    model = KlaimDokumen
    extra = 0
    readonly_fields = (
        "requirement",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )
    can_delete = False


@admin.register(Klaim)
class KlaimAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the claim screens so they are checked and audited."""

    list_display = (
        "id",
        "event",
        "status",
        "incident_date",
        "claim_date",
        "total",
        "eligible",
    )
    list_filter = ("status", "event", "eligible")
    raw_id_fields = ("kepesertaan", "submitted_by")
    readonly_fields = (
        "status",
        "quote",
        "case",
        "eligible",
        "total",
        "scholarship_this_year",
        "reject_reason",
        "verified_by",
        "verified_at",
        "approved_by",
        "approved_at",
        "paid_by",
        "paid_on",
        "payment_reference",
    )
    inlines = [DokumenInline, TransitionInline]


@admin.register(Beasiswa)
class BeasiswaAdmin(admin.ModelAdmin):
    list_display = ("child_name", "level", "school_year", "amount", "status", "klaim")
    list_filter = ("status", "level", "school_year")
    raw_id_fields = ("klaim",)
