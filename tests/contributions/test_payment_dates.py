"""Dates within reason (issue 18): a payment dated after today, before 2000, or before the period of the bill it
names is refused with an Indonesian message on every path, and reaches no calculation."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.contributions import services
from lindung.contributions.models import Pembayaran, Tagihan

from .factories import make_kepesertaan, record

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 1)


@pytest.fixture
def bill():
    k = make_kepesertaan()
    services.run_billing(actor=None, period=JAN)
    return Tagihan.objects.get(period=JAN), k


@pytest.mark.parametrize(
    "day,words",
    [
        (dt.date(9999, 12, 31), "setelah hari ini"),
        (dt.date(1999, 12, 31), "tidak wajar"),
        (dt.date(2024, 12, 20), "sebelum masa tagihan"),
    ],
)
def test_the_service_refuses_unreasonable_payment_dates(bill, day, words):
    tagihan, _k = bill
    with pytest.raises(ValidationError, match=words):
        record(
            actor=None, payer=tagihan.payer, amount=16_800, paid_at=day, tagihan=tagihan
        )
    assert not Pembayaran.objects.exists()
    tagihan.refresh_from_db()
    assert tagihan.paid == 0


def test_a_payment_ahead_without_a_named_bill_is_credit(bill):
    tagihan, _k = bill
    payment = record(
        actor=None, payer=tagihan.payer, amount=16_800, paid_at=dt.date(2024, 12, 20)
    )
    assert payment.pk


def test_the_cli_and_the_api_refuse_a_future_payment_date(bill, client, bpjs_user):
    tagihan, _k = bill
    with pytest.raises(CommandError, match="setelah hari ini"):
        call_command(
            "payments",
            "record",
            "--bill",
            tagihan.number,
            "--amount",
            "16800",
            "--date",
            "9999-12-31",
            "--reference",
            "TRX-1",
        )
    client.force_login(bpjs_user)
    r = client.post(
        "/api/v1/iuran/pembayaran",
        json.dumps(
            {
                "bill": tagihan.number,
                "amount": 16_800,
                "paid_at": "9999-12-31",
                "reference": "TRX-2",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 400 and "setelah hari ini" in r.json()["message"]
    assert not Pembayaran.objects.exists()
