"""Set-based settlement: many payers each paying their open bills in full (a bank/virtual-account statement).

``record_payment`` allocates one payment at a time (oldest bill first, partial amounts, credit). When a statement says
that every listed payer settled its open bills, doing that one payment at a time costs a dozen queries per payer;
this does the same bookkeeping for thousands of payers in a few set-based statements: one Pembayaran per payer, one
Alokasi per bill, every unpaid line paid, PU late fees with the same rules (``rules.months_late``/``late_fee``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from lindung.accounts.models import AuditEvent, actor_may
from lindung.common import events

from .choices import PaymentStatus
from .models import Alokasi, Denda, Payer, Pembayaran, Tagihan, TagihanLine
from .payments import check_payment_date, late_fee_for
from .rulebook import load_rulebook

CHUNK = 500


def settle_in_full(
    *,
    actor,
    bills: Iterable[Tagihan],
    paid_at: Callable[[list[Tagihan]], dt.date],
    reference: Callable[[list[Tagihan]], str],
) -> dict:
    """Each payer of ``bills`` pays all of its listed open bills in full on ``paid_at(payer_bills)``.

    The BPJS side (a bank statement BPJS received): the payments are confirmed at once (issue 19)."""
    if not actor_may(actor, "record_payment"):
        raise PermissionDenied("Hanya petugas BPJS yang mencatat pembayaran langsung.")
    by_payer: dict[int, list[Tagihan]] = defaultdict(list)
    for bill in bills:
        if bill.paid < bill.total:
            by_payer[bill.payer_id].append(bill)
    if not by_payer:
        return {"payments": 0, "bills": 0, "amount": 0}
    book = load_rulebook()
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        plan = [
            (
                payer_id,
                sorted(pb, key=lambda b: (b.period, b.id)),
                paid_at(pb),
                reference(pb)[:100],
            )
            for payer_id, pb in sorted(by_payer.items())
        ]
        for _payer_id, pb, day, _ref in plan:
            check_payment_date(day, pb[0])
        payments = Pembayaran.objects.bulk_create(
            [
                Pembayaran(
                    payer_id=payer_id,
                    amount=sum(b.total - b.paid for b in pb),
                    unallocated=0,
                    paid_at=day,
                    reference=ref,
                    status=PaymentStatus.DIKONFIRMASI,
                    created_by=user,
                )
                for payer_id, pb, day, ref in plan
            ],
            batch_size=CHUNK,
        )
        allocations = []
        for payment, (_payer_id, pb, day, _ref) in zip(payments, plan, strict=True):
            allocations += [
                Alokasi(
                    pembayaran=payment, tagihan=b, amount=b.total - b.paid, paid_at=day
                )
                for b in pb
            ]
        allocations = Alokasi.objects.bulk_create(allocations, batch_size=CHUNK)
        fines = [
            late_fee_for(
                a, a.tagihan, max(a.tagihan.iuran_total - a.tagihan.paid, 0), book
            )
            for a in allocations
        ]
        Denda.objects.bulk_create([f for f in fines if f is not None], batch_size=CHUNK)
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for _payer_id, pb, day, _ref in plan:
            by_day[day] += [b.id for b in pb]
        for day, ids in by_day.items():
            for i in range(0, len(ids), CHUNK):
                part = ids[i : i + CHUNK]
                Tagihan.objects.filter(id__in=part).update(paid=F("total"), paid_on=day)
                TagihanLine.objects.filter(
                    tagihan_id__in=part, paid__lt=F("total")
                ).update(paid=F("total"), paid_on=day)
        payer_region = dict(
            Payer.objects.filter(id__in={p.payer_id for p in payments}).values_list(
                "id", "region_id"
            )
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=user,
                    action="create",
                    model="contributions.Pembayaran",
                    object_id=str(p.pk),
                    region_code=payer_region.get(p.payer_id) or "",
                    changes={
                        "amount": p.amount,
                        "paid_at": p.paid_at.isoformat(),
                        "reference": p.reference,
                    },
                    note="pelunasan massal",
                )
                for p in payments
            ],
            batch_size=CHUNK,
        )
        events.announce_audit_written(__name__)
        # The rakor summary is brought up to date in the background (after commit), not by the next page view.
        events.announce_coverage_changed(__name__)
    return {
        "payments": len(payments),
        "bills": len(allocations),
        "amount": sum(p.amount for p in payments),
        "late_fees": len(fines),
    }
