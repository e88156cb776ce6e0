"""Formatting shared by pages, PDFs and exports: Rupiah and terbilang from lokal-id, NIK masking, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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


def _decimal_mark(text: str) -> str:
    """The active language's decimal mark: a comma in Indonesian."""
    from django.utils.translation import get_language

    return text if (get_language() or "id").startswith("en") else text.replace(".", ",")
