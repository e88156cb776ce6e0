"""``{% bill_payment bill %}``: how to pay a bill (channels, amounts in words, due date, after it) on any page.

An inclusion tag rather than view context, so the bill page's view (edited for payments) needs no change.
"""

from __future__ import annotations

from django import template

from lindung.branches.services import bill_payment as _bill_payment

register = template.Library()


@register.inclusion_tag("contributions/_bill_payment.html")
def bill_payment(bill) -> dict:
    return {"payment": _bill_payment(bill)}
