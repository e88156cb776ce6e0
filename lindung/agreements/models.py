"""Cooperation agreements (PKS) between a kabupaten/kota and BPJS, planned actions and coverage targets."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import RegionScopedQuerySet
from lindung.common.fields import user_reference


class Scope(models.TextChoices):
    PERANGKAT = "perangkat", _("Perangkat desa")
    RENTAN = "rentan", _("Pekerja rentan")
    BOTH = "both", _("Perangkat desa and pekerja rentan")


class KabupatenScopedQuerySet(RegionScopedQuerySet):
    region_field = "kabupaten__code"

    def in_force(self, day):
        return (
            self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .filter(signed_on__lte=day)
        )


class PKS(models.Model):
    """Perjanjian kerja sama: one agreement of a kabupaten/kota with BPJS Ketenagakerjaan."""

    kabupaten = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    number = models.CharField(_("number"), max_length=100)
    signed_on = models.DateField(_("signing date"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    scope = models.CharField(
        _("scope"), max_length=10, choices=Scope.choices, default=Scope.BOTH
    )
    document = models.FileField(_("document (PDF)"), upload_to="pks/", blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KabupatenScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kabupaten_id", "-signed_on"]
        verbose_name = "PKS"
        verbose_name_plural = "PKS"
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten", "number"], name="uniq_pks_number"
            )
        ]

    def __str__(self) -> str:
        return f"PKS {self.number} ({self.kabupaten_id})"


class PlannedAction(models.Model):
    """A step a regency office plans, e.g. "dianggarkan pada APBD Perubahan September 2026"."""

    kabupaten = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.BOTH)
    planned_on = models.DateField(_("planned date"))
    description = models.CharField(_("action"), max_length=255)
    done = models.BooleanField(default=False)
    created_by = user_reference()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KabupatenScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")
        ordering = ["kabupaten_id", "planned_on"]


class PerangkatTarget(models.Model):
    """Expected number of perangkat desa to protect in a kabupaten/kota, from a given date."""

    kabupaten = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    valid_from = models.DateField()
    target = models.PositiveIntegerField()
    source = models.CharField(max_length=255, blank=True)

    objects = KabupatenScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("perangkat desa target")
        verbose_name_plural = _("perangkat desa targets")
        ordering = ["kabupaten_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten", "valid_from"], name="uniq_target"
            )
        ]


class ReportSetting(models.Model):
    """Versioned report parameters, e.g. the perangkat positions per desa used when no target is recorded."""

    key = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    valid_from = models.DateField()
    confirmed = models.BooleanField(default=False)
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("report setting")
        verbose_name_plural = _("report settings")
        ordering = ["key", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "valid_from"], name="uniq_report_setting"
            )
        ]

    @classmethod
    def get(cls, key: str, day) -> object:
        row = (
            cls.objects.filter(key=key, valid_from__lte=day)
            .order_by("-valid_from")
            .first()
        )
        return row.value if row else None
