"""Contribution test data: memberships from ``tests.factories`` (the one factory module), and payments."""

from __future__ import annotations

import itertools

from tests.factories import DESA_X, DESA_Y, make_peserta  # noqa: F401
from tests.factories import make_membership as make_kepesertaan  # noqa: F401

_refs = itertools.count(1)


def record(payer, amount, paid_at, *, actor=None, confirm=True, **kw):
    """A payment BPJS received (issue 19: a bank reference is required; an amount other than what is owed is
    confirmed explicitly, which these tests do unless they pass ``confirm=False``)."""
    from lindung.contributions import services

    kw.setdefault("reference", "TRX-{:05d}".format(next(_refs)))
    return services.record_payment(
        actor=actor, payer=payer, amount=amount, paid_at=paid_at, confirm=confirm, **kw
    )
