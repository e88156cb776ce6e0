"""The maintained per-village rakor summary always equals a recount from scratch (issue #9).

Random sequences of real service calls (registration, import, status change, ending, billing runs, payments, bulk
settlement, an approved death claim), with incremental refreshes in between, for several report dates."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.db.models import F
from django.utils import timezone

from lindung.accounts.models import AuditEvent
from lindung.claims import services as claims
from lindung.claims.models import DocumentRequirement
from lindung.contributions.models import Tagihan
from lindung.contributions.rules import add_months, month_end
from lindung.contributions.services import record_payment, run_billing
from lindung.contributions.settlement import settle_in_full
from lindung.imports.services import run_import
from lindung.participants.models import Kepesertaan
from lindung.participants.services import (
    change_status,
    end_membership,
    register_or_update,
)
from lindung.reports import services, summary
from lindung.reports.models import DesaSummary, KabupatenSummary, SummaryState
from tests.claims.conftest import coverage, pdf  # noqa: F401  (fixture)
from tests.conftest import make_user
from tests.imports.helpers import perangkat_row, write_csv
from tests.participants.factories import nik_for, perangkat_data, rentan_data

pytestmark = pytest.mark.django_db

DESA = ["53.01.04.2003", "53.01.04.2004", "53.18.01.2001"]
JABATAN = ["Kaur Keuangan", "Kepala Dusun", "Kasi Pelayanan", "Staf Desa"]
PERANGKAT_FUNDS = ["ADD", "Dana Desa", "APBD Kabupaten/Kota"]
RENTAN_FUNDS = ["Dana Desa", "APBD Kabupaten/Kota", "APBD Provinsi", "Mandiri", "CSR"]
THIS = dt.date.today().replace(day=1)
PREV = add_months(THIS, -1)
AS_OF = [PREV - dt.timedelta(days=1), month_end(PREV), THIS + dt.timedelta(days=9)]


def _nik(serial: int, desa: str) -> str:
    return nik_for(serial, prefix=desa[:8].replace(".", ""))


def _day(rng: random.Random) -> dt.date:
    return add_months(THIS, -2) + dt.timedelta(days=rng.randrange(0, 80))


def _fresh_rows(as_of: dt.date) -> list[tuple]:
    return sorted(
        (r["desa_id"], r["kind"], r["sumber_dana"], r["registered"], r["billed"])
        + (r["protected"],)
        for r in summary.recompute(as_of)
    )


def _kept_rows(as_of: dt.date) -> list[tuple]:
    return sorted(
        DesaSummary.objects.filter(as_of=as_of).values_list(
            "desa_id", "kind", "sumber_dana", "registered", "billed", "protected"
        )
    )


def _kabupaten_rows(as_of: dt.date) -> list[tuple]:
    return sorted(
        KabupatenSummary.objects.filter(as_of=as_of).values_list(
            "kabupaten_id", "kind", "sumber_dana", "registered", "billed", "protected"
        )
    )


def _summed(rows: list[tuple]) -> list[tuple]:
    total: dict[tuple, list[int]] = {}
    for desa, kind, funding, *numbers in rows:
        acc = total.setdefault((desa[:5], kind, funding), [0, 0, 0])
        for i, n in enumerate(numbers):
            acc[i] += n
    return sorted(key + tuple(v) for key, v in total.items())


def _assert_matches(as_of: dt.date, users: list) -> None:
    summary.refresh(as_of)
    fresh = _fresh_rows(as_of)
    assert _kept_rows(as_of) == fresh
    assert _kabupaten_rows(as_of) == _summed(fresh)
    for user in users:
        for region in (None, "53", "53.01", "53.01.04"):
            kept = services.rakor(user=user, region_code=region, as_of=as_of)
            fresh = services.rakor(
                user=user, region_code=region, as_of=as_of, from_scratch=True
            )
            assert json.dumps(services.rakor_json(kept)) == json.dumps(
                services.rakor_json(fresh)
            )
            assert kept == fresh
        for kab in ("53.01", "53.18"):
            assert _village_counts(user, kab, as_of) == _village_counts_fresh(
                user, kab, as_of
            )


def _village_counts(user, kab: str, as_of: dt.date) -> dict:
    from lindung.reports.dashboards import village_rows

    return {
        r["code"]: (r["perangkat"], r["perangkat_ok"], r["rentan_ok"])
        for r in village_rows(user, kab, as_of)
        if r["perangkat"] or r["perangkat_ok"] or r["rentan_ok"]
    }


def _village_counts_fresh(user, kab: str, as_of: dt.date) -> dict:
    """The regency dashboard's village table recounted from the memberships with the rakor's count logic."""
    out: dict[str, list[int]] = {}
    for g in services.membership_counts(
        services._memberships(user, kab, as_of), as_of, "desa_id"
    ):
        row = out.setdefault(g["desa_id"], [0, 0, 0])
        if g["kind"] == "perangkat":
            row[0] += g["registered"]
            row[1] += g["protected"]
        else:
            row[2] += g["protected"]
    return {code: tuple(v) for code, v in out.items() if any(v)}


class Actions:
    """Each method is one real service call chosen at random; they draw from ``rng`` only."""

    def __init__(self, rng: random.Random, tmp_path, officer, operator) -> None:
        self.rng, self.tmp_path = rng, tmp_path
        self.officer, self.operator = officer, operator
        self.approver = None  # a second BPJS officer, made on the first death claim
        self.serial = 1000

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def _live(self):
        return list(Kepesertaan.objects.exclude(status="berhenti").order_by("pk"))

    def register(self) -> None:
        desa, n = self.rng.choice(DESA), self._next()
        if self.rng.random() < 0.5:
            data = perangkat_data(
                nik=_nik(n, desa),
                desa_code=desa,
                jabatan=self.rng.choice(JABATAN),
                sumber_dana=self.rng.choice(PERANGKAT_FUNDS),
            )
        else:
            data = rentan_data(
                nik=_nik(n, desa),
                desa_code=desa,
                sumber_dana=self.rng.choice(RENTAN_FUNDS),
            )
        register_or_update(actor=None, data=data, today=_day(self.rng))

    def import_file(self) -> None:
        desa = self.rng.choice(DESA)
        rows = [
            perangkat_row(0, nik=_nik(self._next(), desa), desa=desa)
            for _ in range(self.rng.randint(1, 4))
        ]
        path = write_csv(self.tmp_path / f"import{self.serial}.csv", rows)
        run_import(actor=None, path=path, kind="perangkat")

    def end(self) -> None:
        live = self._live()
        if live:
            k = self.rng.choice(live)
            end_membership(
                actor=None,
                kepesertaan=k,
                reason="pindah",
                ended_on=max(k.registered_on, _day(self.rng)),
            )

    def activate(self) -> None:
        live = [k for k in self._live() if k.status == "terdaftar"]
        if live:
            change_status(actor=None, kepesertaan=self.rng.choice(live), status="aktif")

    def bill(self) -> None:
        run_billing(
            actor=None,
            period=self.rng.choice([PREV, THIS]),
            region_code=self.rng.choice([None, "53.01", "53.18"]),
        )

    def _open_bills(self) -> list[Tagihan]:
        return list(Tagihan.objects.filter(paid__lt=F("total")).order_by("pk"))

    def pay(self) -> None:
        bills = self._open_bills()
        if bills:
            bill = self.rng.choice(bills)
            amount = bill.total - bill.paid
            if self.rng.random() < 0.3 and amount > 1:
                amount //= 2
            # Never after today: record_payment refuses a future date (issue 18).
            paid_at = min(
                bill.period + dt.timedelta(days=self.rng.randrange(0, 45)),
                timezone.localdate(),
            )
            # Issue 19: a bank reference per payment; a part payment is confirmed explicitly.
            record_payment(
                actor=None,
                payer=bill.payer,
                amount=amount,
                paid_at=paid_at,
                reference="UJI-{}".format(self._next()),
                confirm=True,
            )

    def settle(self) -> None:
        bills = self._open_bills()
        if bills:
            # Never after today: settle_in_full checks the date too (issue 19).
            day = min(
                THIS + dt.timedelta(days=self.rng.randrange(0, 40)),
                timezone.localdate(),
            )
            settle_in_full(
                actor=None,
                bills=self.rng.sample(bills, k=max(1, len(bills) // 2)),
                paid_at=lambda pb: day,
                reference=lambda pb: "UJI-{}".format(self._next()),
            )

    def death_claim(self) -> None:
        """An approved JKM claim ends the membership on the day of death (claims → participants)."""
        candidates = [
            k
            for k in self._live()
            if k.desa_id == DESA[0] and k.registered_on < dt.date.today()
        ]
        if not candidates:
            return
        k = self.rng.choice(candidates)
        span = (dt.date.today() - k.registered_on).days
        incident = k.registered_on + dt.timedelta(days=self.rng.randrange(1, span + 1))
        klaim = claims.submit_klaim(
            actor=self.operator,
            kepesertaan=k,
            event="jkm",
            incident_date=incident,
            claim_date=dt.date.today(),
            claimant_name="Maria Uji",
            claimant_relation="Istri",
        )
        for req in DocumentRequirement.objects.filter(event="jkm", required=True):
            claims.upload_document(
                actor=self.operator,
                klaim=klaim,
                requirement_code=req.code,
                upload=pdf(f"{req.code}.pdf"),
            )
        # Two people decide (issue 19): one officer verifies, another approves.
        if self.approver is None:
            self.approver = make_user("bpjs")
        for actor, status in (
            (self.officer, "diverifikasi"),
            (self.approver, "disetujui"),
        ):
            klaim = claims.transition_klaim(actor=actor, klaim=klaim, to_status=status)
        k.refresh_from_db()
        assert k.status == "berhenti" and k.ended_on == incident


STEPS = (
    ["register"] * 6
    + ["import_file"] * 2
    + ["end", "activate", "death_claim"]
    + ["bill"] * 2
    + ["pay"] * 3
    + ["settle"]
)


@pytest.mark.usefixtures(
    "coverage"
)  # claim eligibility from the claims tests' stand-in
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_equals_a_recount_after_random_service_calls(
    seed, tmp_path, operator_desa, bpjs_user, kabupaten_user
):
    rng = random.Random(seed)
    actions = Actions(rng, tmp_path, bpjs_user, operator_desa)
    users = [
        None,
        kabupaten_user,
        make_user("desa", [DESA[2]]),
        make_user("viewer", ["53.01.04"]),
        make_user("provinsi", ["53"]),
    ]
    modes = []
    for step in range(1, 41):
        getattr(actions, rng.choice(STEPS))()
        if rng.random() < 0.5:
            modes.append(summary.refresh(rng.choice(AS_OF))["mode"])
        if step % 20 == 0:
            for as_of in AS_OF:
                _assert_matches(as_of, users)
    assert "incremental" in modes and Kepesertaan.objects.count() > 10
    assert Kepesertaan.objects.filter(status="berhenti").exists()


def test_a_write_in_one_desa_recounts_only_that_desa():
    day = THIS + dt.timedelta(days=3)
    register_or_update(
        actor=None, data=perangkat_data(nik=_nik(1, DESA[0])), today=PREV
    )
    register_or_update(
        actor=None,
        data=perangkat_data(nik=_nik(2, DESA[2]), desa_code=DESA[2]),
        today=PREV,
    )
    assert summary.refresh(day)["mode"] == "full"
    # Nothing changed. (Not necessarily mode "current": on PostgreSQL the ids of earlier rolled-back tests are holes
    # still being watched while this test's transaction is open.)
    assert summary.refresh(day)["regions"] == 0
    register_or_update(
        actor=None, data=perangkat_data(nik=_nik(3, DESA[0])), today=PREV
    )
    assert summary.refresh(day) == {"mode": "incremental", "regions": 1}
    assert _kept_rows(day) == _fresh_rows(day)
    assert _kabupaten_rows(day) == _summed(_fresh_rows(day))
    assert (
        DesaSummary.objects.get(as_of=day, desa_id=DESA[0]).registered == 2
        and DesaSummary.objects.get(as_of=day, desa_id=DESA[2]).registered == 1
    )
    # A report download is a read: nothing to recount, even though it names no region.
    AuditEvent.objects.create(action="export", model="reports.rakor", region_code="")
    assert summary.refresh(day) == {"mode": "incremental", "regions": 0}
    # A national billing run names no region: everything is rebuilt.
    run_billing(actor=None, period=THIS)
    assert summary.refresh(day)["mode"] == "full"
    assert _kept_rows(day) == _fresh_rows(day)


def test_an_event_committed_late_with_a_lower_id_is_not_missed():
    """Ids are handed out at insert and transactions commit in any order: event N may become visible after N+1.
    Simulated here by writing the events with explicit ids, the lower one last."""
    day = THIS + dt.timedelta(days=3)
    k = register_or_update(
        actor=None, data=perangkat_data(nik=_nik(1, DESA[0])), today=PREV
    )[0]
    summary.refresh(day)
    base = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0] + 1
    AuditEvent.objects.create(id=base, action="update", region_code=DESA[2])
    AuditEvent.objects.create(id=base + 2, action="update", region_code=DESA[2])
    summary.refresh(day)
    state = SummaryState.objects.get(as_of=day)
    assert state.last_event_id == base + 2
    assert [base + 1, base + 1] == state.pending[-1][:2]
    # The transaction holding id base+1 commits now: it ended the membership in DESA[0].
    Kepesertaan.objects.filter(pk=k.pk).update(status="berhenti", ended_on=PREV)
    AuditEvent.objects.create(id=base + 1, action="transition", region_code=DESA[0])
    assert summary.refresh(day) == {"mode": "incremental", "regions": 1}
    assert not DesaSummary.objects.filter(as_of=day, desa_id=DESA[0]).exists()
    assert _kept_rows(day) == _fresh_rows(day)
    assert all(
        not lo <= base + 1 <= hi
        for lo, hi, *_ in SummaryState.objects.get(as_of=day).pending
    )


def test_a_membership_moving_village_dirties_both_villages():
    day = THIS + dt.timedelta(days=3)
    k = register_or_update(
        actor=None, data=perangkat_data(nik=_nik(1, DESA[0])), today=PREV
    )[0]
    summary.refresh(day)
    Kepesertaan.objects.filter(pk=k.pk).update(desa_id=DESA[2])
    AuditEvent.objects.create(
        action="update",
        model="participants.Kepesertaan",
        region_code=DESA[2],
        changes={"desa_id": [DESA[0], DESA[2]]},
    )
    assert summary.refresh(day) == {"mode": "incremental", "regions": 2}
    assert _kept_rows(day) == _fresh_rows(day)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ({"53.01.04.2003", "53.01.04.2004"}, ["53.01.04.2003", "53.01.04.2004"]),
        ({"53.01.04.2003", "53.01"}, ["53.01"]),
        ({"53.01.04", "53.01.04.2003", "53.18.01.2001"}, ["53.01.04", "53.18.01.2001"]),
        ({"53", "53.01", "53.01.04.2003"}, ["53"]),
        ({"53.1", "53.18.01.2001"}, ["53.1", "53.18.01.2001"]),
    ],
)
def test_dirty_codes_collapse_to_the_widest_region(codes, expected):
    assert summary._collapse(codes) == expected


def test_many_dirty_villages_become_their_kabupaten_and_too_many_regions_a_rebuild():
    villages = {f"53.01.{i // 100:02d}.{2000 + i % 100}" for i in range(3000)}
    assert summary._collapse(villages) == ["53.01"]
    kabupaten = {f"{p:02d}.{k:02d}" for p in range(11, 30) for k in range(1, 12)}
    assert summary._collapse(kabupaten) is None


def test_only_a_bounded_number_of_dates_is_kept():
    start = THIS - dt.timedelta(days=400)
    for i in range(summary.KEEP_RECENT + 10):
        summary.refresh(start + dt.timedelta(days=i))
    dates = set(SummaryState.objects.values_list("as_of", flat=True))
    assert len(dates) <= summary.KEEP_RECENT + 2
    assert start + dt.timedelta(days=summary.KEEP_RECENT + 9) in dates
    assert set(DesaSummary.objects.values_list("as_of", flat=True)) <= dates


def test_the_background_task_brings_recently_requested_dates_up_to_date(
    django_capture_on_commit_callbacks,
):
    day = THIS + dt.timedelta(days=3)
    register_or_update(
        actor=None, data=perangkat_data(nik=_nik(1, DESA[0])), today=PREV
    )
    summary.refresh(day)
    register_or_update(
        actor=None,
        data=perangkat_data(nik=_nik(2, DESA[2]), desa_code=DESA[2]),
        today=PREV,
    )
    with django_capture_on_commit_callbacks(execute=True):
        summary.enqueue_refresh()
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]
    assert SummaryState.objects.get(as_of=day).last_event_id == newest
    assert _kept_rows(day) == _fresh_rows(day)


def test_cli_rebuilds_the_summary_after_edits_that_bypass_the_audit_log(capsys):
    import datetime as dt

    from django.core.management import call_command

    from lindung.reports.models import SummaryState

    call_command("report", "summary")
    assert SummaryState.objects.filter(as_of=dt.date.today()).exists()
    call_command("report", "summary", "--rebuild")
    assert "full" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (dt.datetime(2026, 11, 25, 23, 59), 6 * 60),
        (dt.datetime(2026, 11, 25, 0, 0), 24 * 3600 + 5 * 60),
        (dt.datetime(2026, 12, 31, 12, 0, 30), 12 * 3600 + 5 * 60 - 30),
    ],
)
def test_the_daily_refresh_waits_until_just_after_midnight(now, seconds):
    assert summary.seconds_to_next_day(now, dt.timedelta(minutes=5)) == seconds


def test_the_daily_task_builds_todays_summary_before_anyone_asks():
    from lindung.reports.tasks import refresh_today_task

    register_or_update(
        actor=None, data=perangkat_data(nik=_nik(3, DESA[1])), today=PREV
    )
    assert not SummaryState.objects.filter(as_of=dt.date.today()).exists()
    refresh_today_task.enqueue()  # the immediate backend runs it here
    state = SummaryState.objects.get(as_of=dt.date.today())
    assert state.built_at is not None
    # Built: asking again rebuilds nothing (on PostgreSQL, inside the test's open transaction, the refresh may
    # look at the not yet committed events again: "incremental", never "full").
    assert summary.refresh(dt.date.today())["mode"] in ("current", "incremental")
    assert _kept_rows(dt.date.today()) == _fresh_rows(dt.date.today())


def test_serve_enqueues_the_daily_refresh_at_start_and_then_waits(monkeypatch):
    import threading
    from types import SimpleNamespace

    from lindung.common.management.commands import serve

    stopping, waits = threading.Event(), []
    monkeypatch.setattr(
        "lindung.reports.tasks.refresh_today_task",
        SimpleNamespace(enqueue=lambda: waits.append("run")),
    )
    monkeypatch.setattr(
        "lindung.contributions.tasks.refresh_status_task",
        SimpleNamespace(enqueue=lambda: waits.append("status")),
    )
    monkeypatch.setattr(
        "lindung.imports.tasks.purge_expired_task",
        SimpleNamespace(enqueue=lambda: waits.append("purge")),
    )
    monkeypatch.setattr(
        "lindung.reconciliation.tasks.purge_expired_task",
        SimpleNamespace(enqueue=lambda: waits.append("purge-reconciliation")),
    )
    real_wait = stopping.wait

    def wait(seconds):
        waits.append(seconds)
        if len(waits) > 5:
            stopping.set()
        return real_wait(0)

    monkeypatch.setattr(stopping, "wait", wait)
    serve._daily(stopping)
    assert waits[0] == 0.0
    assert waits[1:5] == ["status", "run", "purge", "purge-reconciliation"]
    assert 5 * 60 < waits[5] <= 24 * 3600 + 5 * 60
