"""Contribution rules as versioned data, payers, bills (tagihan), payments (pembayaran) and late fees (denda).

Rules (tariffs, BPU income brackets, wage caps, relief periods, late-fee rules, settings) are rows with
``valid_from``/``valid_to`` (inclusive; empty ``valid_to`` = still in force), a ``confirmed`` flag and the source text
(docs/regulations.md §1). Unconfirmed rows are shown in the UI as "menunggu konfirmasi".
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import RegionScopedQuerySet
from lindung.common.fields import user_reference
from lindung.common.models import JobState
from lindung.participants.choices import RiskGroup

from .choices import PayerKind, PaymentStatus, Programme, Rounding, Segment


class VersionedQuerySet(models.QuerySet):
    def in_force(self, day: dt.date):
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
        )


class Versioned(models.Model):
    """A rule row valid from ``valid_from`` to ``valid_to`` (inclusive), with its source and confirmation."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    # The regulation as a person cites it ("PP 44/2015 tentang JKK dan JKM"), shown to everyone; ``source`` holds
    # the research notes (addresses, certainty) that only administrators see.
    basis = models.CharField(_("legal basis"), max_length=200, blank=True, default="")
    source = models.TextField(_("source"), blank=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["valid_from"]


class Tariff(Versioned):
    """One programme's rate for a segment (and, for PU JKK, a risk group). PP 44/2015, PP 45/2015, PP 46/2015.

    ``base`` says what the rate applies to: the wage (PU, capped by ``WageCap`` where one exists), the BPU income
    bracket (declared income rounded down to a ``BpuBracket``), or nothing (``flat_amount`` per month).
    """

    class Base(models.TextChoices):
        WAGE = "wage", _("Reported wage")
        BRACKET = "bracket", _("BPU income bracket")
        FLAT = "flat", _("Flat amount")

    segment = models.CharField(max_length=3, choices=Segment.choices)
    programme = models.CharField(max_length=3, choices=Programme.choices)
    risk_group = models.CharField(max_length=15, choices=RiskGroup.choices, blank=True)
    base = models.CharField(max_length=7, choices=Base.choices, default=Base.WAGE)
    employer_rate = models.DecimalField(max_digits=9, decimal_places=6, default=0)
    worker_rate = models.DecimalField(max_digits=9, decimal_places=6, default=0)
    flat_amount = models.BigIntegerField(null=True, blank=True)

    class Meta(Versioned.Meta):
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        indexes = [models.Index(fields=["segment", "programme", "valid_from"])]

    def __str__(self) -> str:
        group = f" {self.risk_group}" if self.risk_group else ""
        return (
            f"{self.segment.upper()} {self.programme.upper()}{group} {self.valid_from}"
        )


class BpuBracket(Versioned):
    """A BPU declared-income bracket (PP 44/2015 Lampiran II); income is rounded down to the bracket's ``income``."""

    income = models.BigIntegerField()

    class Meta(Versioned.Meta):
        verbose_name = _("BPU income bracket")
        verbose_name_plural = _("BPU income brackets")
        ordering = ["valid_from", "income"]

    def __str__(self) -> str:
        return f"{self.income:,}"


class WageCap(Versioned):
    """Wage ceiling for a PU programme (JP: PP 45/2015 Pasal 29, re-indexed every year)."""

    programme = models.CharField(
        max_length=3, choices=Programme.choices, default=Programme.JP
    )
    cap = models.BigIntegerField()

    class Meta(Versioned.Meta):
        verbose_name = _("wage cap")
        verbose_name_plural = _("wage caps")

    def __str__(self) -> str:
        return f"{self.programme.upper()} {self.cap:,} {self.valid_from}"


class ReliefPeriod(Versioned):
    """A contribution relief (PP 49/2020, PP 50/2025): contribution months ``valid_from``..``valid_to``.

    ``sector`` empty = every sector; ``excluded_funding`` lists funding codes the relief does not apply to.
    ``late_fee_rate`` and ``deadline_day`` override the late-fee rule for bills of those months.
    """

    name = models.CharField(max_length=80)
    programmes = models.JSONField(default=list)
    segments = models.JSONField(default=list)
    percent_off = models.DecimalField(max_digits=6, decimal_places=3)
    sector = models.CharField(max_length=20, blank=True)
    excluded_funding = models.JSONField(default=list, blank=True)
    late_fee_rate = models.DecimalField(
        max_digits=7, decimal_places=5, null=True, blank=True
    )
    deadline_day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta(Versioned.Meta):
        verbose_name = _("relief period")
        verbose_name_plural = _("relief periods")

    def __str__(self) -> str:
        return self.name


class LateFeeRule(Versioned):
    """Payment deadline and late fee per segment (PU: 15th of the next month, 2%/month; BPU: 15th, no fee)."""

    segment = models.CharField(max_length=3, choices=Segment.choices)
    deadline_day = models.PositiveSmallIntegerField(default=15)
    deadline_month_offset = models.PositiveSmallIntegerField(default=1)
    rate_per_month = models.DecimalField(max_digits=7, decimal_places=5, default=0)

    class Meta(Versioned.Meta):
        verbose_name = _("late-fee rule")
        verbose_name_plural = _("late-fee rules")

    def __str__(self) -> str:
        return f"{self.segment.upper()} {self.rate_per_month} {self.valid_from}"


class IuranSetting(Versioned):
    """Settings the sources leave open (docs/regulations.md §1.4 and §3): rounding, lapse, grace, retroactive cover."""

    rounding = models.CharField(
        max_length=8, choices=Rounding.choices, default=Rounding.HALF_UP
    )
    bpu_lapse_months = models.PositiveSmallIntegerField(default=3)
    grace_covered = models.BooleanField(default=False)
    retroactive_cover = models.BooleanField(default=False)
    # The sanity limit of one payment (issue 19, docs/payments.md): at most this many times the payer's open total
    # plus this many months of its current monthly bill. Above it the payment is refused as a typing error.
    payment_limit_multiple = models.PositiveSmallIntegerField(default=3)
    payment_limit_months = models.PositiveSmallIntegerField(default=12)

    class Meta(Versioned.Meta):
        verbose_name = _("contribution setting")
        verbose_name_plural = _("contribution settings")

    def __str__(self) -> str:
        return f"{self.valid_from}"


class PayerQuerySet(RegionScopedQuerySet):
    region_field = "region__code"


class Payer(models.Model):
    """Who pays bills: a village government, a regency/province (APBD), APBN, a CSR partner, Baznas, the person."""

    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=PayerKind.choices)
    name = models.CharField(max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+"
    )
    peserta = models.ForeignKey(
        "participants.Peserta",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PayerQuerySet.as_manager()

    class Meta:
        verbose_name = _("payer")
        verbose_name_plural = _("payers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TagihanQuerySet(RegionScopedQuerySet):
    region_field = "payer__region__code"


class Tagihan(models.Model):
    """A bill: one per payer, month and segment (plus supplementary bills for memberships added later)."""

    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second, varchar_pattern_ops
    # index for LIKE queries that nothing runs, on a table that grows by a bill per self-payer every month.
    number = models.CharField(max_length=40)
    # Indexed by the (payer, period) index below; a second index on payer alone only slows billing down.
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, related_name="tagihan", db_index=False
    )
    period = models.DateField(db_index=True)
    segment = models.CharField(max_length=3, choices=Segment.choices)
    due_date = models.DateField()
    supplementary = models.BooleanField(default=False)
    iuran_total = models.BigIntegerField(default=0)
    denda_total = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    paid = models.BigIntegerField(default=0)
    paid_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = user_reference()

    objects = TagihanQuerySet.as_manager()

    class Meta:
        verbose_name = _("tagihan")
        verbose_name_plural = _("tagihan")
        ordering = ["period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="tagihan_number_unique")
        ]
        indexes = [
            models.Index(fields=["payer", "period"]),
            # Open bills (the dashboards' "unpaid" totals): a small slice of a table that grows every month.
            models.Index(
                fields=["period"],
                include=["id", "total", "paid"],
                condition=Q(paid__lt=F("total")),
                name="tagihan_open",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> int:
        return self.total - self.paid

    @property
    def state(self) -> str:
        if self.paid >= self.total:
            return "paid"
        return "partial" if self.paid else "unpaid"


class TagihanLineQuerySet(RegionScopedQuerySet):
    region_field = "tagihan__payer__region__code"


class TagihanLine(models.Model):
    """One membership in one month's bill, with the amounts and the rule rows used (so past bills keep rates).

    On PostgreSQL the table is partitioned by month (``PARTITION BY RANGE (period)``, migration 0007,
    ``partitions.py``). A partitioned table's primary key must hold the partition key, so there the database's
    primary key is ``(id, period)`` while Django keeps ``id`` as the pk: ids stay unique because every id comes from
    the one identity sequence. Nothing may have a foreign key to this model (it would need both columns)."""

    tagihan = models.ForeignKey(Tagihan, on_delete=models.CASCADE, related_name="lines")
    # Indexed by the (kepesertaan, period) unique constraint; no second index (billing writes millions).
    kepesertaan = models.ForeignKey(
        "participants.Kepesertaan",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    period = models.DateField()
    segment = models.CharField(max_length=3, choices=Segment.choices)
    base = models.BigIntegerField(default=0)
    jkk = models.BigIntegerField(default=0)
    jkm = models.BigIntegerField(default=0)
    jht = models.BigIntegerField(default=0)
    jp = models.BigIntegerField(default=0)
    total = models.BigIntegerField()
    paid = models.BigIntegerField(default=0)
    paid_on = models.DateField(null=True, blank=True)
    rules = models.JSONField(default=dict, blank=True)

    objects = TagihanLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        constraints = [
            models.UniqueConstraint(
                fields=["kepesertaan", "period"], name="one_line_per_month"
            )
        ]
        indexes = [models.Index(fields=["period", "paid_on"])]


class PembayaranQuerySet(RegionScopedQuerySet):
    region_field = "payer__region__code"


def _proof_path(instance, filename: str) -> str:
    """A proof of transfer under MEDIA_ROOT with a name nobody can guess (never the uploaded name)."""

    return "pembayaran/bukti/{}{}".format(
        secrets.token_urlsafe(24), Path(filename).suffix.lower()
    )


class Pembayaran(models.Model):
    """A payment from a payer. Only a confirmed payment is allocated (oldest open bill first, the rest stays as
    credit) and so changes coverage; a reported one awaits a BPJS officer (issue 19, docs/payments.md)."""

    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, related_name="pembayaran"
    )
    tagihan = models.ForeignKey(
        Tagihan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.BigIntegerField()
    unallocated = models.BigIntegerField(default=0)
    paid_at = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    # db_default: bench/gen_national.py writes payments with COPY and names only the older columns.
    status = models.CharField(
        max_length=12,
        choices=PaymentStatus.choices,
        default=PaymentStatus.DIKONFIRMASI,
        db_default=PaymentStatus.DIKONFIRMASI,
    )
    proof = models.FileField(
        upload_to=_proof_path, blank=True, max_length=200, db_default=""
    )
    decided_by = user_reference()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=255, blank=True, db_default="")
    reversed_by = user_reference()
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.CharField(max_length=255, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = user_reference()

    objects = PembayaranQuerySet.as_manager()

    class Meta:
        verbose_name = _("pembayaran")
        verbose_name_plural = _("pembayaran")
        ordering = ["paid_at", "id"]
        constraints = [
            # Issue 19: a bank reference names one live payment of a payer (a rejected or reversed one frees it,
            # so the corrected payment can be entered again). Older payments without a reference are left alone.
            models.UniqueConstraint(
                fields=["payer", "reference"],
                condition=Q(status__in=["menunggu", "dikonfirmasi"]) & ~Q(reference=""),
                name="pembayaran_reference_unique",
            )
        ]
        indexes = [models.Index(fields=["status", "payer"])]

    def __str__(self) -> str:
        return f"{self.payer} {self.amount:,} {self.paid_at}"


class PembayaranImport(models.Model):
    """One payment file import run in the background (like ``imports.ImportBatch``): progress, counts, errors."""

    State = JobState

    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="pembayaran/impor/", blank=True, max_length=200)
    actor = user_reference()
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_file = models.FileField(
        upload_to="pembayaran/impor/", blank=True, max_length=200
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment file import")
        verbose_name_plural = _("payment file imports")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        return (
            100 if self.is_finished else int(100 * self.processed / (self.total or 1))
        )

    def summary(self) -> dict:
        return {
            "id": self.pk,
            "state": self.state,
            "total": self.total,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "amount": self.amount,
            "errors": self.errors,
            "message": self.message,
        }


class RunLock(models.Model):
    """One row per kind of run that must not overlap (billing of a month): the run holds the row locked
    (``SELECT … FOR UPDATE``; SQLite's IMMEDIATE transaction locks the whole database the same way)."""

    key = models.CharField(max_length=60, unique=True)

    class Meta:
        verbose_name = _("run lock")
        verbose_name_plural = _("run locks")

    def __str__(self) -> str:
        return self.key


class Alokasi(models.Model):
    """Part of a payment applied to a bill."""

    pembayaran = models.ForeignKey(
        Pembayaran, on_delete=models.CASCADE, related_name="alokasi"
    )
    tagihan = models.ForeignKey(
        Tagihan, on_delete=models.PROTECT, related_name="alokasi"
    )
    amount = models.BigIntegerField()
    paid_at = models.DateField()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")


class Denda(models.Model):
    """A PU late fee on a bill paid after its due date; charged on the payer's next bill (``charged_on``)."""

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="denda")
    source = models.ForeignKey(
        Tagihan, on_delete=models.PROTECT, related_name="denda_source"
    )
    alokasi = models.OneToOneField(
        Alokasi, on_delete=models.CASCADE, related_name="denda"
    )
    charged_on = models.ForeignKey(
        Tagihan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="denda_lines",
    )
    months = models.PositiveSmallIntegerField()
    rate = models.DecimalField(max_digits=7, decimal_places=5)
    base = models.BigIntegerField()
    amount = models.BigIntegerField()

    class Meta:
        verbose_name = _("late fee")
        verbose_name_plural = _("late fees")
