"""Choices for contributions; values are the codes of docs/interfaces.md (segment, programme, funding)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    PU = "pu", _("Wage earner (PU)")
    BPU = "bpu", _("Non-wage earner (BPU)")


class Programme(models.TextChoices):
    JKK = "jkk", "JKK"
    JKM = "jkm", "JKM"
    JHT = "jht", "JHT"
    JP = "jp", "JP"


PROGRAMME_ORDER = ("jkk", "jkm", "jht", "jp")


class PayerKind(models.TextChoices):
    """Who pays a membership's bill, derived from its funding source (sumber dana)."""

    DESA = "desa", _("Village government")
    KABUPATEN = "kabupaten", _("Regency/city government (APBD)")
    PROVINSI = "provinsi", _("Province government (APBD)")
    APBN = "apbn", "APBN"
    CSR = "csr", _("CSR partner")
    BAZNAS = "baznas", "Baznas"
    OTHER = "other", _("Other funder")
    SELF = "self", _("The participant")


class Rounding(models.TextChoices):
    HALF_UP = "half_up", _("Half up")
    DOWN = "down", _("Down")
    UP = "up", _("Up")


class PaymentStatus(models.TextChoices):
    """Where a payment stands (issue 19): only a confirmed payment is allocated and changes coverage."""

    MENUNGGU = "menunggu", _("Awaiting confirmation")
    DIKONFIRMASI = "dikonfirmasi", _("Confirmed")
    DITOLAK = "ditolak", _("Rejected")
    DIBATALKAN = "dibatalkan", _("Reversed")
