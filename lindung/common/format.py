"""Formatting shared by pages, PDFs and exports: Rupiah and terbilang from lokal-id, NIK masking, dates."""

from __future__ import annotations

import datetime as dt

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


def mask_date(value) -> str:
    if not value:
        return ""
    return f"••-••-{value.year}" if hasattr(value, "year") else "••••"


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
    return f"{value:.1f}%".replace(".", ",")
