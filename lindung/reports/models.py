"""A maintained per-village summary of the rakor counts (issue #9), so the national report does not scan every
membership. It is derived data: ``reports.summary.refresh`` rebuilds or patches it from the audit log, and a
from-scratch recomputation must always give the same rows (tests/reports/test_summary.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import RegionScopedQuerySet


class SummaryCounts(models.Model):
    """The counts of one summary row: memberships in force on ``as_of`` per kind and funding source — how many are
    registered, how many have had a bill line up to that month (billed), how many are protected that month."""

    as_of = models.DateField()
    kind = models.CharField(max_length=10)
    sumber_dana = models.CharField(max_length=20)
    registered = models.IntegerField()
    billed = models.IntegerField()
    protected = models.IntegerField()

    class Meta:
        abstract = True


class DesaSummaryQuerySet(RegionScopedQuerySet):
    # ``desa__code`` is the desa_id column (Django trims the join): scoped exactly like the memberships counted.
    region_field = "desa__code"


class DesaSummary(SummaryCounts):
    """``SummaryCounts`` of one desa/kelurahan."""

    desa = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+"
    )

    objects = DesaSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("village summary")
        verbose_name_plural = _("village summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "desa", "kind", "sumber_dana"],
                name="uniq_desa_summary",
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.desa_id} {self.kind}/{self.sumber_dana}"


class KabupatenSummaryQuerySet(RegionScopedQuerySet):
    region_field = "kabupaten__code"


class KabupatenSummary(SummaryCounts):
    """``DesaSummary`` summed per kabupaten/kota: what the national and provincial reports read (≈500 regencies
    instead of ≈84,000 villages). Kept in step with the village rows by ``reports.summary.refresh``."""

    kabupaten = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+"
    )

    objects = KabupatenSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("regency summary")
        verbose_name_plural = _("regency summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "kabupaten", "kind", "sumber_dana"],
                name="uniq_kabupaten_summary",
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.kabupaten_id} {self.kind}/{self.sumber_dana}"


class SummaryState(models.Model):
    """How far the summary of one ``as_of`` date has caught up with the audit log.

    ``last_event_id``: every audit event with a lower or equal id is reflected, except the id ranges in
    ``pending`` (``[low, high, xid_marker, seen_at]``: ids handed out but not yet visible when we looked, because
    their transaction had not committed; see ``reports.summary``). ``setting`` is the coverage setting the rows
    were counted with: a different one (edited in the admin, not audited) forces a full rebuild."""

    as_of = models.DateField(primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    pending = models.JSONField(default=list, blank=True)
    setting = models.TextField(blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField()

    class Meta:
        verbose_name = _("village summary state")
        verbose_name_plural = _("village summary states")

    def __str__(self) -> str:
        return f"{self.as_of} @ {self.last_event_id}"
