"""Template filters: Rupiah, terbilang, masked NIK, Indonesian dates."""

from __future__ import annotations

from django import template

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
    return fmt.tanggal(value)


@register.filter
def persen(value) -> str:
    return fmt.persen(value)
