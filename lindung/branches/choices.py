"""Choices for branch offices and their payment channels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    VIRTUAL_ACCOUNT = "virtual_account", _("Virtual account")
    PAYMENT_CODE = "payment_code", _("Payment code")
