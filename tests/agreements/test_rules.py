"""Stages weigh the regency's desa; agreements end; plans fall overdue (issue #18). No database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from lindung.agreements.rules import (
    PKSStatus,
    Tahap,
    action_overdue,
    latest_agreement,
    pipeline_stage,
    pks_status,
    reaches_threshold,
)

DAY = dt.date(2026, 12, 1)


def _stage(protected: int, desa: int, desa_terlindungi: int, threshold="0.80"):
    return pipeline_stage(
        has_pks=True,
        registered=100,
        billed=100,
        protected=protected,
        desa=desa,
        desa_terlindungi=desa_terlindungi,
        threshold=None if threshold is None else Decimal(threshold),
    )


@pytest.mark.parametrize(
    ("desa_terlindungi", "expected"),
    [
        (0, Tahap.DITAGIH),  # nobody protected: the stage before protection
        (1, Tahap.SEBAGIAN),  # one village paying of 173: never "terlindungi"
        (138, Tahap.SEBAGIAN),  # 79.8 %: just below 80 %
        (139, Tahap.TERLINDUNGI),  # 80.3 %: the first count at or above 80 % of 173
        (173, Tahap.TERLINDUNGI),
    ],
)
def test_the_stage_weighs_the_share_of_desa_with_a_protected_official(
    desa_terlindungi, expected
):
    protected = desa_terlindungi * 7
    assert _stage(protected, 173, desa_terlindungi) == expected


@pytest.mark.parametrize(
    ("desa_terlindungi", "expected"),
    [(0, False), (7, False), (8, True), (9, True), (10, True)],
)
def test_exactly_at_the_threshold_counts_as_reached(desa_terlindungi, expected):
    assert (
        reaches_threshold(desa=10, desa_terlindungi=desa_terlindungi, threshold=0.8)
        is expected
    )
    # Decimal arithmetic: 0.80 × 10 is exactly 8, whatever the threshold's type.
    assert (
        reaches_threshold(
            desa=10, desa_terlindungi=desa_terlindungi, threshold=Decimal("0.80")
        )
        is expected
    )


def test_workers_protected_but_no_official_is_partial_not_protected():
    assert _stage(protected=40, desa=50, desa_terlindungi=0) == Tahap.SEBAGIAN


def test_a_kota_without_desa_is_weighed_on_its_workers():
    assert _stage(protected=300, desa=0, desa_terlindungi=0) == Tahap.TERLINDUNGI
    assert _stage(protected=0, desa=0, desa_terlindungi=0) == Tahap.DITAGIH


def test_without_a_recorded_threshold_every_desa_is_needed():
    assert _stage(90, 10, 9, threshold=None) == Tahap.SEBAGIAN
    assert _stage(100, 10, 10, threshold=None) == Tahap.TERLINDUNGI


def test_sebagian_sits_between_billed_and_protected():
    values = list(Tahap.values)
    assert (
        values.index("ditagih") < values.index("sebagian") < values.index("terlindungi")
    )
    assert Tahap.SEBAGIAN.label == "Sebagian terlindungi"


@pytest.mark.parametrize(
    ("signed", "valid_to", "expected"),
    [
        (False, None, PKSStatus.BELUM_ADA),
        (True, None, PKSStatus.AKTIF),  # open-ended
        (True, DAY, PKSStatus.AKTIF),  # its last day is still in force
        (True, DAY - dt.timedelta(days=1), PKSStatus.BERAKHIR),
        (True, dt.date(2027, 6, 10), PKSStatus.AKTIF),
    ],
)
def test_pks_status_on_the_report_date(signed, valid_to, expected):
    assert pks_status(signed=signed, valid_to=valid_to, as_of=DAY) == expected


def _pks(valid_to, signed_on=dt.date(2022, 6, 10), valid_from=None):
    return SimpleNamespace(
        valid_to=valid_to, signed_on=signed_on, valid_from=valid_from or signed_on
    )


def test_a_renewal_is_the_latest_agreement_whenever_it_was_signed():
    old = _pks(dt.date(2025, 6, 10))
    renewal = _pks(dt.date(2028, 6, 10), signed_on=dt.date(2025, 11, 2))
    assert latest_agreement([old, renewal]) is renewal
    assert latest_agreement([renewal, old]) is renewal
    open_ended = _pks(None, signed_on=dt.date(2020, 1, 1))
    assert latest_agreement([old, renewal, open_ended]) is open_ended
    assert latest_agreement([]) is None


@pytest.mark.parametrize(
    ("planned_on", "done", "expected"),
    [
        (
            dt.date(2026, 9, 30),
            False,
            True,
        ),  # Sabu Raijua's September plan, undone in December
        (dt.date(2026, 9, 30), True, False),
        (DAY, False, False),  # due today: not late yet
        (dt.date(2026, 12, 15), False, False),
    ],
)
def test_a_plan_past_its_date_and_not_done_is_overdue(planned_on, done, expected):
    assert action_overdue(planned_on=planned_on, done=done, as_of=DAY) is expected
