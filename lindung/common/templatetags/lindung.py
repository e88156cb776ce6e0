"""Template filters: Rupiah, terbilang, masked NIK, Indonesian dates."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from lindung.accounts.models import user_can
from lindung.common import format as fmt

register = template.Library()


@register.filter
def rupiah(value) -> str:
    return fmt.rupiah(value)


@register.filter
def terbilang(value) -> str:
    return fmt.terbilang_rupiah(value)


@register.filter
def mask_nik(value) -> str:
    return fmt.mask_nik(value)


@register.filter
def tanggal(value) -> str:
    """A date in the page's language: "17 Agustus 2026" in Indonesian, "17 August 2026" in English. Documents
    (PDF, exports) stay Indonesian through ``format.tanggal``."""
    return fmt.tanggal_page(value)


@register.filter
def angka(value) -> str:
    """A count with the active language's thousands separator (19.643 / 19,643)."""
    return fmt.angka(value)


@register.filter
def waktu(value) -> str:
    """A moment in local time, in the page's language: "17 Agustus 2026 14.05" / "17 August 2026 14:05"."""
    if not value:
        return "–"
    value = timezone.localtime(value)
    sep = ":" if (get_language() or "id").startswith("en") else "."
    return "{} {:%H}{}{:%M}".format(tanggal(value.date()), value, sep, value)


@register.filter
def persen(value) -> str:
    return fmt.persen(value)


@register.filter
def can(user, action: str) -> bool:
    """``{% if user|can:"import" %}``: what a role may do, asked of the same role table as ``visible_to``
    (``accounts.models.user_can``), so menus, buttons and forms appear only where their views would allow them."""
    return user_can(user, action)


@register.filter
def rate_percent(value) -> str:
    return fmt.rate_percent(value)
