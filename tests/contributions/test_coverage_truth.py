"""Coverage views that cannot mislead (issue 18): "Lunas sampai" is the unbroken paid run through this month, each
month of the strip has a state, and the stored status follows the derived coverage through the daily job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from lindung.contributions import services
from lindung.contributions.coverage import (
    BELUM_DIBAYAR,
    LUNAS,
    TENGGANG,
    TIDAK_AKTIF,
)
from lindung.contributions.models import Tagihan
from lindung.participants.models import Kepesertaan

from .factories import make_kepesertaan, record

pytestmark = pytest.mark.django_db
MONTHS = [dt.date(2025, m, 1) for m in range(7, 13)]  # July … December 2025


def pay_bill(period: dt.date, on: dt.date) -> None:
    bill = Tagihan.objects.get(period=period)
    record(
        actor=None,
        payer=bill.payer,
        amount=bill.total - bill.paid,
        paid_at=on,
        tagihan=bill,
    )


def setup_months(paid: list[dt.date]) -> Kepesertaan:
    k = make_kepesertaan(kind="rentan", registered_on=MONTHS[0])
    for period in MONTHS:
        services.run_billing(actor=None, period=period)
    for period in paid:
        pay_bill(period, period + dt.timedelta(days=3))
    return k


def test_a_paid_month_after_a_gap_does_not_make_the_gap_look_paid():
    # July, August paid; September–November unpaid; December paid.
    k = setup_months([MONTHS[0], MONTHS[1], MONTHS[5]])
    assert services.paid_through(k, dt.date(2025, 12, 10)) == dt.date(2025, 12, 31)
    assert (
        services.paid_through(k, dt.date(2025, 11, 10)) is None
    )  # belum lunas bulan ini
    assert services.paid_through(k, dt.date(2025, 8, 10)) == dt.date(2025, 8, 31)
    html = render_to_string(
        "contributions/_coverage_strip.html",
        {
            "strip": services.coverage_strip(k, dt.date(2025, 11, 20), months=6),
            "paid_through": services.paid_through(k, dt.date(2025, 11, 20)),
        },
    )
    assert "Lunas sampai" not in html and "Paid through" not in html


def test_every_month_of_the_strip_has_a_state():
    k = setup_months([MONTHS[0], MONTHS[1]])
    strip = services.coverage_strip(
        k, dt.date(2025, 12, 10), months=8, today=dt.date(2025, 12, 10)
    )
    states = [m["state"] for m in strip]
    # May, June: not a member yet; July, August paid; September on: unpaid. BPU lapse after 3 unpaid months:
    # September and October are grace, November past it; December is before its due date (the 15th).
    assert states[:2] == [TIDAK_AKTIF, TIDAK_AKTIF]
    assert states[2:4] == [LUNAS, LUNAS]
    assert states[4] == TENGGANG and states[5] == TENGGANG
    assert states[6] == BELUM_DIBAYAR
    assert states[7] == TENGGANG
    html = render_to_string(
        "contributions/_coverage_strip.html",
        {"strip": strip, "paid_through": None},
    )
    for state in (LUNAS, TENGGANG, BELUM_DIBAYAR, TIDAK_AKTIF):
        assert 'class="m {}"'.format(state) in html  # the legend names every state
    assert "2025" in html


def test_the_daily_job_makes_the_stored_status_follow_the_coverage(monkeypatch):
    from django.utils import timezone

    from lindung.contributions.tasks import refresh_status_task

    k = setup_months(
        [MONTHS[0], MONTHS[1]]
    )  # paid July and August, then three months unpaid
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2025, 8, 20))
    refresh_status_task.enqueue()  # the immediate backend runs it here
    k.refresh_from_db()
    assert k.status == "aktif"
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2025, 11, 20))
    refresh_status_task.enqueue()
    k.refresh_from_db()
    assert k.status == "nonaktif" and k.history.last().reason.startswith("3 bulan")
