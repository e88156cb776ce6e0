"""Formatting shared by pages, PDFs and exports: Rupiah and terbilang from lokal-id, NIK masking, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import get_language
from lokal import format_rupiah
from lokal import terbilang as _terbilang

from lindung.common.nik import mask

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def rupiah(value) -> str:
    if value is None or value == "":
        return "–"
    return format_rupiah(int(value))


def terbilang_rupiah(value) -> str:
    if value is None:
        return ""
    words = _terbilang(int(value))
    return f"{words} rupiah".strip().capitalize()


def mask_nik(nik: str | None) -> str:
    """5301045708850001 → 530104•••••••••• (see ``common.nik.mask``)."""
    return mask(nik)


def tanggal(value) -> str:
    """2026-11-25 → 25 November 2026."""
    if not value:
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def bulan(period: dt.date) -> str:
    return f"{BULAN[period.month - 1]} {period.year}"


def persen(value) -> str:
    if value is None:
        return "–"
    return _decimal_mark(f"{value:.1f}%")


def rate_percent(rate) -> str:
    """A rate kept as a fraction (Decimal 0.0054) as people write it: "0,54 %" (Indonesian), "0.54 %" (English);
    no trailing zeros beyond two decimals ("2 %", "0,5 %")."""
    if rate is None or rate == "":
        return "–"
    value = Decimal(str(rate)) * 100
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return _decimal_mark(text) + " %"


def _english() -> bool:

    return (get_language() or "id").startswith("en")


def indonesian(label) -> str:
    """A (lazy) label in Indonesian whatever the page's language: for the data the reports keep and for the
    Indonesian domain messages (row errors, refusals) that quote a choice."""

    with translation.override("id"):
        return str(label)


def angka(value) -> str:
    """A count in the active language: 19.643 (Indonesian), 19,643 (English)."""
    if value is None or value == "":
        return "–"
    text = f"{int(value):,}"
    return text if _english() else text.replace(",", ".")


def tanggal_page(value) -> str:
    """A date in the active language: "17 Agustus 2026" / "17 August 2026" (documents use :func:`tanggal`)."""
    if value and _english():
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        return date_format(value, "j F Y")
    return tanggal(value)


def bulan_page(period: dt.date) -> str:
    """ "Agustus 2026" / "August 2026": a month in the active language."""
    if _english():
        return date_format(period, "F Y")
    return bulan(period)


def bulan_pendek(period: dt.date) -> str:
    """ "Agu 26" / "Aug 26": a month on a chart axis, in the active language."""
    if _english():
        return f"{period:%b} {period.year % 100:02d}"
    return f"{BULAN[period.month - 1][:3]} {period.year % 100:02d}"


def _decimal_mark(text: str) -> str:
    """The active language's decimal mark: a comma in Indonesian."""

    return text if (get_language() or "id").startswith("en") else text.replace(".", ",")
