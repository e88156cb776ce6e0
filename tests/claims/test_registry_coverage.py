"""The nik route against the real contributions app: bills and payments decide coverage (figure 21)."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.claims import services
from lindung.contributions import services as iuran
from tests.claims.conftest import make_member

pytestmark = pytest.mark.django_db


def _bill_and_pay(member, months: list[dt.date], paid: list[dt.date]) -> None:
    for month in months:
        iuran.run_billing(actor=None, period=month)
    payer = iuran.payer_for_kepesertaan(member)
    for month in paid:
        iuran.record_payment(
            actor=None,
            payer=payer,
            amount=16_800,
            paid_at=month.replace(day=10),
            # Issue 19: a bank reference is required; one month of several open ones is confirmed explicitly.
            reference=f"TRF-{month:%Y%m}",
            confirm=True,
        )


def test_a_bpu_death_after_three_unpaid_months_is_refused_and_one_in_a_paid_month_is_not(
    operator_desa,
):
    member = make_member(kind="rentan", wage=1_000_000)
    months = [dt.date(2025, m, 1) for m in range(1, 7)]
    _bill_and_pay(member, months, months[:3])
    nik = member.peserta.nik
    june = services.quote_claim(
        {
            "event": "jkm",
            "nik": nik,
            "incident_date": "2025-06-15",
            "claim_date": "2025-07-01",
        },
        user=operator_desa,
    )
    assert june["eligible"] is False and june["total"] == 0
    assert [c["rule"] for c in june["conditions"] if not c["met"]] == ["terlindungi"]
    march = services.quote_claim(
        {
            "event": "jkm",
            "nik": nik,
            "incident_date": "2025-03-15",
            "claim_date": "2025-07-01",
            "children": [{"level": "sd"}],
        },
        user=operator_desa,
    )
    assert march["eligible"] is True and march["total"] == 42_000_000
    assert march["registry"]["contribution_months"] == 3
    assert march["scholarship"]["eligible"] is False  # 3 months paid, 36 needed
