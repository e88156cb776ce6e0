"""Pure rules for paying a bill (no ORM): Lindung's virtual-account numbers and what happens after the due date.

The late-fee rate, the lapse months and the coverage settings come in as values read from the versioned
contribution rules (``contributions.rules.RuleBook``); nothing here hard-codes them (docs/bills.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from lindung.common.format import bulan_page, rupiah, tanggal_page


def virtual_account(prefix: str, payer_id: int, length: int = 16) -> str:
    """Lindung's convention (UNCERTAIN: BPJS's real VA scheme is not public): the branch's VA prefix, then the
    payer's Lindung id zero-padded so the whole number has ``length`` digits (longer ids are never cut).

    >>> virtual_account("88899", 42)
    '8889900000000042'
    """
    width = max(length - len(prefix), 1)
    return f"{prefix}{payer_id:0{width}d}"


def payer_id_from_virtual_account(number: str, prefix: str) -> int | None:
    """The payer id a Lindung virtual-account number was made from, or None when it is not one of the prefix's."""
    number = number.strip().replace(" ", "")
    if not number.startswith(prefix) or not number[len(prefix) :].isdigit():
        return None
    return int(number[len(prefix) :])


def percent_text(rate: Decimal) -> str:
    """Decimal('0.02') → '2'; Decimal('0.005') → '0,5' (Indonesian decimal comma)."""
    text = format((Decimal(rate) * 100).normalize(), "f")
    return text.replace(".", ",")


def late_fee_sentences(
    *,
    rate: Decimal,
    per_month: int,
    examples: list[tuple[dt.date, int]],
) -> list[str]:
    """What a late payment costs: the rate, the fee per month for this bill and two example payment days.
    PP 44/2015: the fine is borne by the employer and paid with the next month's contribution."""
    if not rate:
        return [_("No late fee is charged for paying after the due date.")]
    if per_month <= 0:
        return [
            _(
                "Contributions paid after the due date are charged a late fee of {rate}% per month of delay, "
                "billed with the next bill."
            ).format(rate=percent_text(rate))
        ]
    sentences = [
        _(
            "After the due date a late fee of {rate}% per month of delay is charged on the unpaid contribution "
            "({fee} per month for this bill) and billed with the next bill; each month of delay begun counts "
            "as a whole month."
        ).format(rate=percent_text(rate), fee=rupiah(per_month))
    ]
    if examples:
        sentences.append(
            _("For example: {examples}.").format(
                examples="; ".join(
                    _("paid on {day}, late fee {fee}").format(
                        day=tanggal_page(day), fee=rupiah(fee)
                    )
                    for day, fee in examples
                )
            )
        )
    return sentences


def lapse_sentences(
    *,
    segment: str,
    period: dt.date,
    month_end: dt.date,
    lapse_months: int,
    grace_covered: bool,
    retroactive_cover: bool,
) -> list[str]:
    """BPU: the month's cover and the lapse to *nonaktif* (docs/regulations.md §3, ``IuranSetting``). PU memberships do
    not lapse for non-payment; the employer pays a fine instead."""
    if segment != "bpu":
        return []
    out = []
    if not grace_covered:
        if retroactive_cover:
            out.append(
                _("{month} is covered once this bill is paid in full.").format(
                    month=bulan_page(period)
                )
            )
        else:
            out.append(
                _(
                    "{month} is covered only if this bill is paid in full by {day}."
                ).format(month=bulan_page(period), day=tanggal_page(month_end))
            )
    out.append(
        _(
            "If contributions stay unpaid for {months} consecutive months, the membership becomes inactive "
            "(nonaktif)."
        ).format(months=lapse_months)
    )
    return out
