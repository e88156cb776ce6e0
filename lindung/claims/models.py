"""Benefit tables (versioned data), claims with their transitions and documents, and scholarship entitlements."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import RegionScopedQuerySet
from lindung.common.fields import user_reference

from .choices import BeasiswaStatus, Event, Level, Status, Unit


class VersionedQuerySet(models.QuerySet):
    def in_force(self, day):
        """Rows valid on ``day`` (valid_to empty = still in force)."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class BenefitTable(models.Model):
    """One figure of the benefit rules (docs/regulations.md §2), valid from/to a date; a BPJS administrator edits it.

    ``unit`` says how the rules read ``value``: Rupiah, a multiple of the monthly wage, a percentage, months…
    """

    code = models.CharField(max_length=40, db_index=True)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    label = models.CharField(max_length=150)
    basis = models.CharField(_("legal basis"), max_length=255)
    confirmed = models.BooleanField(
        default=False, help_text=_("Seen in a public source that was read")
    )
    source = models.TextField(blank=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["code", "valid_from"]
        verbose_name = _("benefit table row")
        verbose_name_plural = _("benefit table rows")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="uniq_benefit_code_from"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="benefit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} = {self.value} ({self.valid_from}–{self.valid_to or '…'})"


class ScholarshipRate(models.Model):
    """Scholarship per school level and year, and for how many years (docs/regulations.md §2.3)."""

    level = models.CharField(max_length=15, choices=Level.choices)
    order = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField(help_text=_("Rupiah per school year"))
    max_years = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    basis = models.CharField(_("legal basis"), max_length=255)
    confirmed = models.BooleanField(default=False)
    source = models.TextField(blank=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["valid_from", "order"]
        verbose_name = _("scholarship rate")
        verbose_name_plural = _("scholarship rates")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "valid_from"], name="uniq_scholarship_level_from"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.amount} × {self.max_years} ({self.valid_from}–{self.valid_to or '…'})"


class DocumentRequirement(models.Model):
    """A document the claimant hands in for a claim of kind ``event`` (the checklist, kept as data)."""

    event = models.CharField(max_length=25, choices=Event.choices)
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=150)
    required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["event", "order", "id"]
        verbose_name = _("required claim document")
        verbose_name_plural = _("required claim documents")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "code"], name="uniq_doc_event_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.label}"


class KlaimQuerySet(RegionScopedQuerySet):
    region_field = "kepesertaan__desa__code"


class Klaim(models.Model):
    """A benefit claim on one membership: the event, the claimant (heir) and the quote it was filed with."""

    kepesertaan = models.ForeignKey(
        "participants.Kepesertaan", on_delete=models.PROTECT, related_name="klaim"
    )
    event = models.CharField(max_length=25, choices=Event.choices)
    incident_date = models.DateField()
    claim_date = models.DateField()
    cause = models.TextField(blank=True)
    claimant_name = models.CharField(max_length=150)
    claimant_relation = models.CharField(max_length=60)
    # The case as quoted (disability, incapacity, children with names) and the full quote result at submission.
    case = models.JSONField(default=dict)
    quote = models.JSONField(default=dict)
    eligible = models.BooleanField(default=False)
    total = models.BigIntegerField(default=0)
    scholarship_this_year = models.BigIntegerField(default=0)
    status = models.CharField(
        max_length=15, choices=Status.choices, default=Status.DIAJUKAN, db_index=True
    )
    reject_reason = models.TextField(blank=True)
    submitted_by = user_reference(blank=False)
    # Two people decide (docs/claims.md): who verified, who approved (never the same officer), and the payment.
    verified_by = user_reference()
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_by = user_reference()
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = user_reference()
    paid_on = models.DateField(_("payment date"), null=True, blank=True)
    payment_reference = models.CharField(
        _("payment reference"), max_length=60, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KlaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [models.Index(fields=["status", "event"])]

    def __str__(self) -> str:
        return (
            f"Klaim #{self.pk} {self.get_event_display()} ({self.get_status_display()})"
        )

    @property
    def region_code(self) -> str:
        return self.kepesertaan.desa_id


class KlaimTransition(models.Model):
    """Every status change of a claim: who, when, from → to, and why."""

    klaim = models.ForeignKey(
        Klaim, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Status.choices)
    actor = user_reference(blank=False)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("claim transition")
        verbose_name_plural = _("claim transitions")


def _document_path(instance: KlaimDokumen, filename: str) -> str:
    return f"klaim/{instance.klaim_id}/{instance.requirement.code}-{filename}"


class KlaimDokumen(models.Model):
    """A document uploaded for a claim against one checklist item (PDF, JPG or PNG)."""

    klaim = models.ForeignKey(Klaim, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        DocumentRequirement, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=_document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = user_reference(blank=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requirement__order", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")


class BeasiswaQuerySet(RegionScopedQuerySet):
    region_field = "klaim__kepesertaan__desa__code"


class Beasiswa(models.Model):
    """A child's scholarship entitlement for one school year, created when an eligible claim is approved."""

    klaim = models.ForeignKey(Klaim, on_delete=models.PROTECT, related_name="beasiswa")
    child_name = models.CharField(max_length=150, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    level = models.CharField(max_length=15, choices=Level.choices)
    school_year = models.CharField(max_length=9, help_text="2026/2027")
    amount = models.BigIntegerField()
    status = models.CharField(
        max_length=10, choices=BeasiswaStatus.choices, default=BeasiswaStatus.BERHAK
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BeasiswaQuerySet.as_manager()

    class Meta:
        ordering = ["klaim", "school_year", "id"]
        verbose_name = _("scholarship")
        verbose_name_plural = _("scholarships")

    def __str__(self) -> str:
        return f"{self.child_name or '—'} {self.get_level_display()} {self.school_year}"
