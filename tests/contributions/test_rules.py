"""docs/regulations.md §7 figures 1–10 through the pure rules, on the rule rows the data migration ships (no DB)."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest

from lindung.contributions import rules

DATA = importlib.import_module(
    "lindung.contributions.migrations.0002_rules_data"
).rows()
BOOK = rules.book_from_rows(DATA)


def q(**case) -> dict:
    return rules.quote(rules.parse_case(case), BOOK)


def amounts(result: dict) -> dict:
    return {x["programme"]: x["amount"] for x in result["lines"]}


def test_figure_1_bpu_lowest_bracket_jkk_jkm():
    r = q(segment="bpu", wage=1_000_000, period="2025-06", programmes=["jkk", "jkm"])
    assert amounts(r) == {"jkk": 10_000, "jkm": 6_800}
    assert r["total"] == 16_800 and r["total"] * 12 == 201_600


def test_figure_2_bpu_with_jht():
    r = q(
        segment="bpu",
        wage=1_000_000,
        period="2025-06",
        programmes=["jkk", "jkm", "jht"],
    )
    assert amounts(r)["jht"] == 20_000 and r["total"] == 36_800


def test_figure_3_bpu_two_million():
    r = q(
        segment="bpu",
        wage=2_000_000,
        period="2025-06",
        programmes=["jkk", "jkm", "jht"],
    )
    assert (
        amounts(r) == {"jkk": 20_000, "jkm": 6_800, "jht": 40_000}
        and r["total"] == 66_800
    )
    assert r["confirmed"] is False  # the 2,000,000 bracket awaits confirmation


@pytest.mark.parametrize(
    "income,base",
    [
        (1_000_000, 1_000_000),
        (1_499_999, 1_000_000),
        (2_345_000, 2_000_000),
        (20_700_000, 20_700_000),
        (99_000_000, 20_700_000),
        (500_000, 1_000_000),
    ],
)
def test_it_rounds_bpu_income_down_to_its_bracket(income, base):
    line = q(segment="bpu", wage=income, period="2025-01", programmes=["jkk"])["lines"][
        0
    ]
    assert line["base"] == base and line["amount"] == base // 100


def test_it_uses_the_lowest_bracket_with_a_warning_when_income_is_missing():
    r = q(segment="bpu", period="2025-01", programmes=["jkk", "jkm"])
    assert r["total"] == 16_800 and r["warnings"]


def test_bpu_largest_bracket_is_207000():
    assert (
        amounts(
            q(segment="bpu", wage=30_000_000, period="2025-01", programmes=["jkk"])
        )["jkk"]
        == 207_000
    )


@pytest.mark.parametrize(
    "sector,period,funding,total,relief",
    [
        ("transport", "2026-01", "self", 8_400, "PP 50/2025"),
        ("", "2026-01", "self", 16_800, None),
        ("", "2026-03", "self", 16_800, None),
        ("", "2026-04", "self", 8_400, "PP 50/2025"),
        ("", "2026-12", "self", 8_400, "PP 50/2025"),
        ("", "2027-01", "self", 16_800, None),
        ("transport", "2025-12", "self", 16_800, None),
        ("transport", "2027-03", "self", 8_400, "PP 50/2025"),
        ("transport", "2027-04", "self", 16_800, None),
        ("", "2026-06", "apbd_kabupaten", 16_800, None),
        ("", "2026-06", "apbd_provinsi", 16_800, None),
        ("transport", "2026-01", "apbn", 16_800, None),
        ("", "2026-06", "dana_desa", 8_400, "PP 50/2025"),
    ],
)
def test_figure_4_pp_50_2025(sector, period, funding, total, relief):
    r = q(
        segment="bpu",
        wage=1_000_000,
        period=period,
        programmes=["jkk", "jkm"],
        sector=sector,
        funding=funding,
    )
    assert r["total"] == total
    assert {x["relief"] for x in r["lines"]} == {relief}


def test_figure_4_ojol_with_jht_keeps_jht_full():
    r = q(
        segment="bpu",
        wage=1_000_000,
        period="2026-01",
        programmes=["jkk", "jkm", "jht"],
        sector="transport",
    )
    assert r["total"] == 28_400
    assert [x["relief"] for x in r["lines"]] == ["PP 50/2025"] * 2 + [None]


@pytest.mark.parametrize(
    "period,total",
    [
        ("2020-07", 16_800),
        ("2020-08", 168),
        ("2020-10", 168),
        ("2021-01", 168),
        ("2021-02", 16_800),
    ],
)
def test_figure_5_pp_49_2020_bpu(period, total):
    r = q(segment="bpu", wage=1_000_000, period=period, programmes=["jkk", "jkm"])
    assert r["total"] == total
    if total == 168:
        assert amounts(r) == {"jkk": 100, "jkm": 68}


def test_pp_49_2020_cuts_pu_jkk_jkm_but_not_jht():
    r = q(
        segment="pu", wage=2_022_200, period="2020-10", programmes=["jkk", "jkm", "jht"]
    )
    assert amounts(r) == {"jkk": 49, "jkm": 61, "jht": 115_265}


def test_figure_6_pu_official():
    r = q(
        segment="pu",
        wage=2_022_200,
        period="2025-05",
        programmes=["jkk", "jkm"],
        funding="add",
    )
    assert amounts(r) == {"jkk": 4_853, "jkm": 6_067} and r["total"] == 10_920
    assert r["lines"][0]["rate"] == "0.0024" and r["lines"][1]["rate"] == "0.003"
    assert r["employer"] == 10_920 and r["worker"] == 0
    full = q(
        segment="pu",
        wage=2_022_200,
        period="2025-05",
        programmes=["jkk", "jkm", "jht", "jp"],
    )
    jht, jp = full["lines"][2], full["lines"][3]
    assert (jht["amount"], jht["employer"], jht["worker"], jht["rate"]) == (
        115_265,
        74_821,
        40_444,
        "0.057",
    )
    assert (jp["amount"], jp["employer"], jp["worker"], jp["rate"]) == (
        60_666,
        40_444,
        20_222,
        "0.03",
    )
    assert all(x["amount"] == x["employer"] + x["worker"] for x in full["lines"])
    assert full["total"] == sum(x["amount"] for x in full["lines"])


def test_figure_7_one_desa():
    def month(wage):
        return q(segment="pu", wage=wage, period="2025-01", programmes=["jkk", "jkm"])[
            "total"
        ]

    assert month(2_426_640) == 13_104 and month(2_224_420) == 12_012
    total = month(2_426_640) + month(2_224_420) + 7 * month(2_022_200)
    assert total == 101_556 and total * 12 == 1_218_672


@pytest.mark.parametrize(
    "group,jkk",
    [
        ("sangat_rendah", 4_853),
        ("rendah", 10_920),
        ("sedang", 17_998),
        ("tinggi", 25_682),
        ("sangat_tinggi", 35_186),
    ],
)
def test_pu_jkk_follows_the_risk_group(group, jkk):
    r = q(
        segment="pu",
        wage=2_022_200,
        period="2025-01",
        programmes=["jkk"],
        risk_group=group,
    )
    assert r["total"] == jkk


def test_figure_8_jp_wage_cap():
    r = q(segment="pu", wage=12_000_000, period="2024-04", programmes=["jp"])
    line = r["lines"][0]
    assert (line["base"], line["amount"], line["employer"], line["worker"]) == (
        10_042_300,
        301_269,
        200_846,
        100_423,
    )
    before = q(segment="pu", wage=12_000_000, period="2024-02", programmes=["jp"])[
        "lines"
    ][0]
    assert before["base"] == 9_559_600


def test_figure_9_late_fee():
    pu = rules.late_fee_rate(dt.date(2025, 3, 1), "pu", BOOK)
    assert pu == Decimal("0.02") and rules.late_fee(100_000, 2, pu) == 4_000
    relief = rules.late_fee_rate(dt.date(2020, 9, 1), "pu", BOOK)
    assert relief == Decimal("0.005") and rules.late_fee(100_000, 2, relief) == 1_000
    assert rules.late_fee_rate(dt.date(2025, 3, 1), "bpu", BOOK) == 0


@pytest.mark.parametrize(
    "due,paid,months",
    [
        (dt.date(2025, 2, 17), dt.date(2025, 2, 17), 0),
        (dt.date(2025, 2, 17), dt.date(2025, 2, 18), 1),
        (dt.date(2025, 2, 17), dt.date(2025, 3, 17), 1),
        (dt.date(2025, 2, 17), dt.date(2025, 3, 18), 2),
        (dt.date(2025, 2, 17), dt.date(2025, 4, 10), 2),
        (dt.date(2025, 1, 31), dt.date(2025, 2, 1), 1),
    ],
)
def test_months_late_counts_started_months(due, paid, months):
    assert rules.months_late(due, paid) == months


def test_figure_10_regency_budget_and_baznas():
    month = q(
        segment="bpu",
        wage=1_000_000,
        period="2025-01",
        programmes=["jkk", "jkm"],
        funding="apbd_kabupaten",
    )["total"]
    assert 15_000 * month * 12 == 3_024_000_000
    assert 1_082 * month == 18_177_600


@pytest.mark.parametrize(
    "period,segment,due",
    [
        (
            dt.date(2026, 1, 1),
            "pu",
            dt.date(2026, 2, 18),
        ),  # 15 Feb 2026 Sunday, 16 cuti bersama, 17 Imlek
        (
            dt.date(2026, 5, 1),
            "bpu",
            dt.date(2026, 5, 18),
        ),  # 15 May cuti bersama, then a weekend
        (dt.date(2026, 3, 1), "pu", dt.date(2026, 4, 15)),
        (dt.date(2026, 3, 1), "bpu", dt.date(2026, 3, 16)),  # Sunday → Monday
        (dt.date(2020, 9, 1), "pu", dt.date(2020, 10, 30)),  # PP 49/2020: the 30th
        (
            dt.date(2021, 1, 1),
            "pu",
            dt.date(2021, 3, 1),
        ),  # 30th clamped to 28 Feb 2021 (Sunday) → Monday
    ],
)
def test_due_date_is_a_working_day(period, segment, due):
    assert rules.due_date(period, segment, BOOK) == due


@pytest.mark.parametrize(
    "case,message",
    [
        (
            {"segment": "x", "wage": 1, "period": "2025-01", "programmes": ["jkk"]},
            "Segmen",
        ),
        ({"segment": "pu", "period": "2025-01", "programmes": ["jkk"]}, "Upah"),
        (
            {"segment": "pu", "wage": -5, "period": "2025-01", "programmes": ["jkk"]},
            "Upah",
        ),
        (
            {"segment": "pu", "wage": 1.5, "period": "2025-01", "programmes": ["jkk"]},
            "Upah",
        ),
        (
            {"segment": "pu", "wage": 1, "period": "2025-13", "programmes": ["jkk"]},
            "Periode",
        ),
        (
            {"segment": "pu", "wage": 1, "period": "2025-01", "programmes": []},
            "Program",
        ),
        (
            {"segment": "pu", "wage": 1, "period": "2025-01", "programmes": ["jkp"]},
            "Program",
        ),
        (
            {"segment": "bpu", "wage": 1, "period": "2025-01", "programmes": ["jp"]},
            "JP",
        ),
        (
            {
                "segment": "pu",
                "wage": 1,
                "period": "2025-01",
                "programmes": ["jkk"],
                "risk_group": "x",
            },
            "risiko",
        ),
        (
            {
                "segment": "pu",
                "wage": 1,
                "period": "2025-01",
                "programmes": ["jkk"],
                "funding": "x",
            },
            "Sumber",
        ),
        ([1], "objek"),
    ],
)
def test_it_rejects_bad_cases_in_indonesian(case, message):
    with pytest.raises(rules.CaseError, match=message):
        rules.parse_case(case)


def test_it_refuses_a_period_before_the_tariffs():
    with pytest.raises(rules.CaseError, match="Tarif"):
        q(segment="pu", wage=1_000_000, period="2010-01", programmes=["jkk"])


@pytest.mark.parametrize(
    "funding,key",
    [
        ("add", ("desa", "53.01.04.2003", None)),
        ("dana_desa", ("desa", "53.01.04.2003", None)),
        ("apbd_kabupaten", ("kabupaten", "53.01", None)),
        ("apbd_provinsi", ("provinsi", "53", None)),
        ("baznas", ("baznas", "53.01", None)),
        ("self", ("self", "53.01.04.2003", 7)),
    ],
)
def test_payer_follows_the_funding_source(funding, key):
    assert rules.payer_key(funding, "53.01.04.2003", 7) == key
