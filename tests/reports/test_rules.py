from __future__ import annotations

from decimal import Decimal

import pytest

from lindung.agreements.rules import Tahap, coverage_percent, pipeline_stage
from lindung.reports import rules
from lindung.reports.tiles import TILES, colour, layout


@pytest.mark.parametrize(
    ("has_pks", "registered", "billed", "protected", "expected"),
    [
        (False, 0, 0, 0, Tahap.BELUM_ADA_PKS),
        (True, 0, 0, 0, Tahap.PKS_DITANDATANGANI),
        (True, 10, 0, 0, Tahap.DATA_DITERIMA),
        (True, 10, 10, 0, Tahap.DITAGIH),
        (True, 10, 10, 3, Tahap.TERLINDUNGI),
        (False, 5, 5, 5, Tahap.TERLINDUNGI),  # the data wins over a missing PKS record
    ],
)
def test_pipeline_stage_follows_the_data(
    has_pks, registered, billed, protected, expected
):
    # Every desa has a protected official here: the stage is the data's furthest step.
    assert (
        pipeline_stage(
            has_pks=has_pks,
            registered=registered,
            billed=billed,
            protected=protected,
            desa=10,
            desa_terlindungi=10 if protected else 0,
            threshold=Decimal("0.80"),
        )
        == expected
    )


@pytest.mark.parametrize(
    ("sumber", "group"),
    [
        ("dana_desa", "rentan_dana_desa"),
        ("add", "rentan_dana_desa"),
        ("apbdes", "rentan_dana_desa"),
        ("apbd_kabupaten", "rentan_apbd"),
        ("apbd_provinsi", "rentan_apbd"),
        ("baznas", "rentan_lainnya"),
        ("csr", "rentan_lainnya"),
        ("self", "rentan_lainnya"),
        ("apbn", "rentan_lainnya"),
    ],
)
def test_funding_groups_of_the_rakor_columns(sumber, group):
    assert rules.funding_group(sumber) == group


def test_expected_perangkat_prefers_recorded_target():
    assert (
        rules.expected_perangkat(recorded_target=1200, desa=100, positions_per_desa=9)
        == 1200
    )
    assert (
        rules.expected_perangkat(recorded_target=None, desa=100, positions_per_desa=9)
        == 900
    )
    assert (
        rules.expected_perangkat(recorded_target=None, desa=0, positions_per_desa=9)
        == 0
    )


def test_totals_sum_every_counting_key():
    rows = [dict.fromkeys(rules.COUNT_KEYS, 2), dict.fromkeys(rules.COUNT_KEYS, 3)]
    t = rules.totals(rows)
    assert all(t[k] == 5 for k in rules.COUNT_KEYS)
    assert t["perangkat_persen"] == 100.0
    assert coverage_percent(1, 0) is None


def test_tile_layout_covers_all_ntt_regencies_without_overlap():
    ntt = [c for c in TILES if c.startswith("53.")]
    assert len(ntt) == 22
    assert len(set(layout(ntt).values())) == 22
    assert len(set(layout(["11.01", "11.02"]).values())) == 2


def test_tile_colour_is_red_without_any_protection():
    row = {
        "perangkat_terlindungi": 0,
        "rentan_dana_desa": 0,
        "rentan_apbd": 0,
        "rentan_lainnya": 0,
        "desa": 10,
        "perangkat_persen": 0,
    }
    assert colour(row) == "red"
    assert (
        colour({**row, "perangkat_terlindungi": 90, "perangkat_persen": 90.0})
        == "green"
    )
    assert (
        colour({**row, "perangkat_terlindungi": 10, "perangkat_persen": 10.0})
        == "amber"
    )
