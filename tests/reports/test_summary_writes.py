"""The rakor summary is kept up to date by the writes themselves, and a request never builds it (issue 24).

Each write's transaction, once committed, refreshes the recently requested dates incrementally
(``summary.refresh_after_write``); a write too wide for that (a national billing run, a bulk settlement) and a date
never built are left to the task worker, while the request reads the rows as they stand (and says so) or counts
from scratch."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from lindung.contributions.services import record_payment, run_billing
from lindung.reports import services, summary
from lindung.reports.models import SummaryState
from tests.claims.conftest import coverage, pdf  # noqa: F401  (fixture)
from tests.participants.factories import make_kepesertaan
from tests.reports.test_summary import (
    AS_OF,
    STEPS,
    Actions,
    _fresh_rows,
    _kabupaten_rows,
    _kept_rows,
    _summed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """Builds asked of the task worker, recorded instead of run (the worker is not running)."""
    calls: list[dt.date] = []
    monkeypatch.setattr(summary, "queue_build", lambda day: calls.append(day) and False)
    monkeypatch.setattr(summary, "enqueue_refresh", lambda: None)
    return calls


@pytest.mark.usefixtures("coverage")
@pytest.mark.parametrize("seed", [4, 5])
def test_after_each_committed_write_the_summary_already_equals_a_recount(
    seed, tmp_path, operator_desa, bpjs_user, django_capture_on_commit_callbacks
):
    rng = random.Random(seed)
    actions = Actions(rng, tmp_path, bpjs_user, operator_desa)
    for as_of in AS_OF:
        summary.refresh(as_of)
    for _step in range(25):
        with django_capture_on_commit_callbacks(execute=True):
            getattr(actions, rng.choice(STEPS))()
        for as_of in AS_OF:
            # No refresh here: what the writes left behind is what the next report reads.
            fresh = _fresh_rows(as_of)
            assert _kept_rows(as_of) == fresh
            assert _kabupaten_rows(as_of) == _summed(fresh)
            read = summary.refresh(as_of, full_build=False)
            # On PostgreSQL an id skipped by a rolled-back savepoint is a pending hole: re-read, nothing recounted.
            assert read["mode"] == "current" or read["regions"] == 0, read


def test_a_request_never_builds_a_missing_summary(queued, kabupaten_user):
    day = dt.date.today()
    make_kepesertaan()
    report = services.rakor(user=None, region_code="53", as_of=day)
    assert queued == [day] and not SummaryState.objects.filter(as_of=day).exists()
    assert report == services.rakor(
        user=None, region_code="53", as_of=day, from_scratch=True
    )
    assert report["total"]["perangkat_terdaftar"] == 1
    assert report["ringkasan_tertunda"] is False
    from lindung.reports.dashboards import village_rows

    counted = {
        r["code"]: r["perangkat"]
        for r in village_rows(kabupaten_user, "53.01", day)
        if r["perangkat"]
    }
    assert counted == {"53.01.04.2003": 1}
    # The worker's build; the next request reads the summary.
    summary.refresh(day)
    assert summary.state(day) == "current"
    assert services.rakor(user=None, region_code="53", as_of=day) == report


def test_a_wide_write_leaves_the_rows_as_they_stand_and_the_report_says_so(
    queued, client, provinsi_user, django_capture_on_commit_callbacks
):
    day = dt.date.today()
    make_kepesertaan()
    summary.refresh(day)
    client.force_login(provinsi_user)
    assert (
        b'id="summary-pending"' not in client.get("/laporan/rakor/?region=53").content
    )
    before = services.rakor(user=None, region_code="53", as_of=day)
    assert before["total"]["perangkat_terlindungi"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        run_billing(
            actor=None, period=day.replace(day=1)
        )  # every region: a full rebuild
    assert queued == [day]
    stale = services.rakor(user=None, region_code="53", as_of=day)
    assert stale["ringkasan_tertunda"] is True
    assert stale["total"] == before["total"]
    page = client.get("/laporan/rakor/?region=53").content
    assert b'id="summary-pending"' in page
    summary.refresh(day)  # the worker's rebuild
    fresh = services.rakor(user=None, region_code="53", as_of=day)
    assert fresh["ringkasan_tertunda"] is False
    assert fresh == services.rakor(
        user=None, region_code="53", as_of=day, from_scratch=True
    )
    # The cached page follows the rebuild at once (the summary's version is part of the cache key).
    assert (
        b'id="summary-pending"' not in client.get("/laporan/rakor/?region=53").content
    )


@pytest.mark.usefixtures("coverage")
def test_the_dashboard_trend_read_from_the_summary_equals_a_count_from_the_bill_lines(
    tmp_path,
    operator_desa,
    bpjs_user,
    kabupaten_user,
    django_capture_on_commit_callbacks,
):
    from lindung.contributions.coverage import covered_ids
    from lindung.reports.dashboards import _month, trend

    rng = random.Random(7)
    actions = Actions(rng, tmp_path, bpjs_user, operator_desa)
    today = dt.date.today()
    plan = ["register"] * 4 + ["this_month", "pay_all"]
    plan += [rng.choice(STEPS) for _ in range(10)]
    for step, name in enumerate(plan):
        with django_capture_on_commit_callbacks(execute=True):
            if name == "this_month":
                run_billing(actor=None, period=today.replace(day=1))
            elif name == "pay_all":
                for bill in actions._open_bills():
                    record_payment(
                        actor=None,
                        payer=bill.payer,
                        amount=bill.total - bill.paid,
                        paid_at=today,
                        reference=f"TREN-{bill.pk}",
                        confirm=True,
                    )
            else:
                getattr(actions, name)()
        if step % 4 != 3:
            continue
        for user, region in ((None, ""), (kabupaten_user, "53.01"), (bpjs_user, "53")):
            expected = []
            for back in range(5, -1, -1):
                first = _month(today, back)
                day = today if back == 0 else first
                members = services._memberships(user, region or None, day)
                count = members.filter(id__in=covered_ids(day)).count()
                expected.append((first.isoformat(), count))
            assert trend(user, region, today) == expected
    assert any(n for _m, n in trend(None, "", today))
