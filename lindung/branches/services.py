"""Which branch serves a payer, which of its channels are in force, and what a bill says about paying it."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from lindung.common.format import tanggal_page, terbilang_rupiah
from lindung.contributions import rules as iuran_rules
from lindung.contributions import services as iuran_services
from lindung.contributions.models import Tagihan

from . import rules
from .choices import ChannelKind
from .models import KantorCabang, PaymentChannel, ServiceArea


def branch_for_region(region_code: str) -> KantorCabang | None:
    """The active branch serving the region's kabupaten/kota, else its province (province-funded payers)."""
    candidates = {
        iuran_rules.regency_code(region_code),
        iuran_rules.province_code(region_code),
    }
    areas = ServiceArea.objects.filter(
        region_id__in=candidates, kantor__active=True
    ).select_related("kantor")
    best = max(areas, key=lambda a: len(a.region_id), default=None)
    return best.kantor if best else None


def channels_in_force(
    kantor: KantorCabang, *, day: dt.date, segment: str
) -> list[PaymentChannel]:
    """The branch's channels valid on ``day`` for bills of ``segment`` (a channel with no segment serves both)."""
    return list(
        kantor.channels.in_force(day)
        .for_segment(segment)
        .order_by("position", "kind", "id")
    )


def _channel(channel: PaymentChannel, bill: Tagihan) -> dict:
    if channel.kind == ChannelKind.VIRTUAL_ACCOUNT:
        label = _("Virtual account number")
        number = rules.virtual_account(
            channel.va_prefix, bill.payer_id, channel.va_length
        )
        note = _("This number belongs to {payer} only.").format(payer=bill.payer.name)
    elif channel.kind == ChannelKind.PAYMENT_CODE:
        label = _("Payment code")
        number = channel.payment_code
        note = _("Give the payment code and the bill number {number}.").format(
            number=bill.number
        )
    else:
        label = _("Account number")
        number = channel.account_number
        note = _("Write the bill number {number} in the transfer note.").format(
            number=bill.number
        )
    return {
        "kind": channel.kind,
        "kind_label": channel.get_kind_display(),
        "bank_name": channel.bank_name,
        "number_label": label,
        "number": number,
        "holder": channel.account_holder,
        "note": note,
        "instructions": [
            line.strip() for line in channel.instructions.splitlines() if line.strip()
        ],
        "valid_to": channel.valid_to,
    }


def _after_due(bill: Tagihan, book: iuran_rules.RuleBook) -> list[str]:
    """Late fee (from ``LateFeeRule``/``ReliefPeriod``) and lapse (from ``IuranSetting``) for this bill's month."""
    setting = book.setting(bill.period)
    rate = iuran_rules.late_fee_rate(bill.period, bill.segment, book)
    # The fee is charged on the contribution part still open, as contributions.services._allocate does.
    base = max(bill.iuran_total - bill.paid, 0)

    def fee_if_paid(day: dt.date) -> int:
        months = iuran_rules.months_late(bill.due_date, day)
        return iuran_rules.late_fee(base, months, rate, setting.rounding)

    examples = []
    if rate and base:
        first = bill.due_date + dt.timedelta(days=1)
        second = iuran_rules.add_months(bill.due_date, 1) + dt.timedelta(days=1)
        examples = [(first, fee_if_paid(first)), (second, fee_if_paid(second))]
    sentences = rules.late_fee_sentences(
        rate=rate,
        per_month=iuran_rules.late_fee(base, 1, rate, setting.rounding),
        examples=examples,
    )
    return sentences + rules.lapse_sentences(
        segment=bill.segment,
        period=bill.period,
        month_end=iuran_rules.month_end(bill.period),
        lapse_months=setting.bpu_lapse_months,
        grace_covered=setting.grace_covered,
        retroactive_cover=setting.retroactive_cover,
    )


def bill_payment(
    bill: Tagihan,
    *,
    on: dt.date | None = None,
    book: iuran_rules.RuleBook | None = None,
) -> dict:
    """Everything a bill tells its payer about paying it: the branch (letterhead), the channels in force ``on``
    (default today: people pay into the account that works now), the amounts in figures and in words, the due
    date and what happens after it. With no branch or no channel, ``missing`` says so; nothing is invented."""
    on = on or dt.date.today()
    kantor = branch_for_region(bill.payer.region_id)
    channels = (
        [
            _channel(c, bill)
            for c in channels_in_force(kantor, day=on, segment=bill.segment)
        ]
        if kantor
        else []
    )
    outstanding = max(bill.total - bill.paid, 0)
    return {
        "kantor": kantor,
        "channels": channels,
        "missing": None
        if channels
        else _(
            "No payment channel is set up for this region yet; contact the BPJS branch office."
        ),
        "reference": bill.number,
        "total": bill.total,
        "total_words": terbilang_rupiah(bill.total),
        "paid": bill.paid,
        "outstanding": outstanding,
        "outstanding_words": terbilang_rupiah(outstanding),
        "due_date": bill.due_date,
        "due": _("Pay by {day}.").format(day=tanggal_page(bill.due_date)),
        "after_due": _after_due(bill, book or iuran_services.load_rulebook()),
        "on": on,
    }
