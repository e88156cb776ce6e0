"""Choices for claims; values are the codes of docs/interfaces.md "Claim quote"."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    JKM = "jkm", _("Death not caused by work (JKM)")
    JKK_DEATH = "jkk_death", _("Death from a work accident (JKK)")
    JKK_TOTAL_DISABILITY = "jkk_total_disability", _("Permanent total disability (JKK)")
    JKK_PARTIAL_DISABILITY = (
        "jkk_partial_disability",
        _("Permanent partial disability (JKK)"),
    )
    JKK_INCAPACITY = "jkk_incapacity", _("Temporary incapacity to work, STMB (JKK)")


DEATH_EVENTS = frozenset({Event.JKM, Event.JKK_DEATH})


class Level(models.TextChoices):
    """A child's school level (docs/interfaces.md ``children[].level``)."""

    BELUM_SEKOLAH = "belum_sekolah", _("Not yet at school")
    TK = "tk", "TK"
    SD = "sd", "SD"
    SMP = "smp", "SMP"
    SMA = "sma", "SMA/SMK"
    PT = "pt", _("Higher education / training")


class Status(models.TextChoices):
    DIAJUKAN = "diajukan", _("Submitted")
    DIVERIFIKASI = "diverifikasi", _("Verified")
    DISETUJUI = "disetujui", _("Approved")
    DITOLAK = "ditolak", _("Rejected")
    DIBAYAR = "dibayar", _("Paid")


class BeasiswaStatus(models.TextChoices):
    BERHAK = "berhak", _("Entitled")
    DIBAYAR = "dibayar", _("Paid")
    BERHENTI = "berhenti", _("Ended")


class Unit(models.TextChoices):
    RUPIAH = "rupiah", "Rupiah"
    TIMES_WAGE = "times_wage", _("× monthly wage")
    PERCENT = "percent", "%"
    MONTHS = "months", _("months")
    YEARS = "years", _("years")
    DAYS = "days", _("days")
    CHILDREN = "children", _("children")
