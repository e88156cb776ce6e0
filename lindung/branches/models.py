"""BPJS Ketenagakerjaan branch offices (kantor cabang): letterhead, the regions each serves and its payment channels.

A bill is paid through the channels of the branch that serves the payer's kabupaten/kota (or, for a province payer,
the province). Channels are versioned data like the contribution rules: ``valid_from``/``valid_to`` inclusive, an
empty ``valid_to`` means still in force (docs/bills.md).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lindung.contributions.choices import Segment

from .choices import ChannelKind


class KantorCabang(models.Model):
    """A BPJS Ketenagakerjaan branch office: what its letterhead says and which regions it serves."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    letterhead = models.TextField(
        _("letterhead text"),
        blank=True,
        help_text=_("Lines printed above the name on bills, one per line."),
    )
    address = models.TextField(
        _("address"), blank=True, help_text=_("Printed as written, line by line.")
    )
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)
    logo = models.ImageField(_("logo (PNG or JPEG)"), upload_to="branches/", blank=True)
    regions = models.ManyToManyField(
        "regions.Region",
        through="ServiceArea",
        related_name="+",
        verbose_name=_("regions served"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("branch office")
        verbose_name_plural = _("branch offices")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def letterhead_lines(self) -> list[str]:
        return [line.strip() for line in self.letterhead.splitlines() if line.strip()]


class ServiceArea(models.Model):
    """One kabupaten/kota (or a province, for province-funded payers) served by a branch; one branch per region."""

    kantor = models.ForeignKey(
        KantorCabang, on_delete=models.CASCADE, related_name="service_areas"
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level__in": (1, 2)},
        verbose_name=_("region"),
    )

    class Meta:
        verbose_name = _("region served")
        verbose_name_plural = _("regions served")
        constraints = [
            models.UniqueConstraint(
                fields=["region"], name="branches_one_branch_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kantor} – {self.region}"

    def clean(self) -> None:
        if self.region_id and self.region.level not in (1, 2):
            raise ValidationError(
                {"region": _("Choose a province or a kabupaten/kota.")}
            )


class PaymentChannelQuerySet(models.QuerySet):
    def in_force(self, day: dt.date):
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
        )

    def for_segment(self, segment: str):
        return self.filter(segment__in=["", segment])


class PaymentChannel(models.Model):
    """One way to pay a branch's bills: a bank account, a virtual-account prefix or a payment code, with dates."""

    kantor = models.ForeignKey(
        KantorCabang, on_delete=models.CASCADE, related_name="channels"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    segment = models.CharField(
        _("segment"),
        max_length=3,
        choices=Segment.choices,
        blank=True,
        help_text=_("Empty: bills of both segments."),
    )
    bank_name = models.CharField(_("bank or provider"), max_length=100, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    va_prefix = models.CharField(_("virtual account prefix"), max_length=20, blank=True)
    va_length = models.PositiveSmallIntegerField(
        _("virtual account length"),
        default=16,
        help_text=_("Digits of the whole virtual account number (prefix included)."),
    )
    payment_code = models.CharField(_("payment code"), max_length=40, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=120, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment channel")
        verbose_name_plural = _("payment channels")
        ordering = ["kantor_id", "position", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="branches_channel_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.bank_name} {self.valid_from}"

    def clean(self) -> None:
        needed = {
            ChannelKind.BANK: "account_number",
            ChannelKind.VIRTUAL_ACCOUNT: "va_prefix",
            ChannelKind.PAYMENT_CODE: "payment_code",
        }.get(self.kind)
        if needed and not getattr(self, needed).strip():
            raise ValidationError({needed: _("Required for this kind of channel.")})
        if self.va_prefix and not self.va_prefix.isdigit():
            raise ValidationError({"va_prefix": _("Digits only.")})
