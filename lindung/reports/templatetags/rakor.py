"""Report template filters: a stage code as the page's language names it (the report data keeps Indonesian labels,
as the PDF, XLSX and JSON show them)."""

from __future__ import annotations

from django import template

from lindung.agreements.rules import Tahap

register = template.Library()


@register.filter
def tahap(code) -> str:
    try:
        return str(Tahap(code).label)
    except ValueError:
        return str(code)
