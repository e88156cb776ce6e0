"""Issue 19, one run at a time: two billing runs at once, each on its own database connection (as two processes
would be): the second waits or is told "sedang berjalan", never an IntegrityError or a 500, and the bills are
made once. Runs on SQLite and PostgreSQL (transactional test: the runs commit)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from lindung.contributions import locks, services
from lindung.contributions.models import Tagihan, TagihanLine

from .factories import make_kepesertaan

JAN = dt.date(2025, 1, 1)


def _in_thread(fn, out: dict, key: str) -> threading.Thread:
    def run():
        try:
            out[key] = fn()
        except Exception as exc:  # noqa: BLE001  the test asserts what it was
            out[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_second_billing_run_waits_or_is_told_it_is_running(monkeypatch):
    for _ in range(3):
        make_kepesertaan(kind="perangkat")
    monkeypatch.setattr(locks, "WAIT_SECONDS", 1)
    inside, release = threading.Event(), threading.Event()
    real = services._billable

    def slow_billable(*args, **kwargs):
        # The first run holds the lock here until the second has tried.
        inside.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_billable", slow_billable)
    out: dict = {}
    first = _in_thread(lambda: services.run_billing(actor=None, period=JAN), out, "a")
    assert inside.wait(10)
    monkeypatch.setattr(services, "_billable", real)
    second = _in_thread(lambda: services.run_billing(actor=None, period=JAN), out, "b")
    second.join(15)
    release.set()
    first.join(15)
    assert out["a"]["lines"] == 3, out
    b = out["b"]
    if isinstance(b, Exception):
        assert isinstance(b, services.RunBusy), repr(b)
        assert "sedang berjalan" in b.messages[0]
    else:  # it waited for the first run, then found everything billed
        assert b["lines"] == 0
    assert TagihanLine.objects.count() == 3 and Tagihan.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_billing_run_that_waits_for_a_short_one_bills_nothing_twice(monkeypatch):
    make_kepesertaan(kind="perangkat")
    out: dict = {}
    threads = [
        _in_thread(lambda: services.run_billing(actor=None, period=JAN), out, key)
        for key in ("a", "b")
    ]
    for t in threads:
        t.join(30)
    results = [out["a"], out["b"]]
    for r in results:
        assert not isinstance(r, Exception) or isinstance(r, services.RunBusy), repr(r)
    assert sum(r["lines"] for r in results if isinstance(r, dict)) == 1
    assert TagihanLine.objects.count() == 1


def test_an_integrity_error_in_billing_is_a_message_without_the_row(monkeypatch, db):
    from django.db import IntegrityError

    make_kepesertaan(kind="perangkat")

    def clash(*args, **kwargs):
        raise IntegrityError(
            'duplicate key value violates unique constraint "x" DETAIL: Key (nik)=(5301040101900001)'
        )

    monkeypatch.setattr(services, "_create_bills", clash)
    with pytest.raises(services.RunBusy) as exc:
        services.run_billing(actor=None, period=JAN)
    assert "5301040101900001" not in str(exc.value) and "bentrok" in str(exc.value)
