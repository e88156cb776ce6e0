"""Benefit rules without a database: docs/regulations.md §7 figures 11–21 from the same data the migration loads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lindung.claims import rules, seed

DATA = seed.read()
TODAY = dt.date(2026, 11, 25)


def tables(day: dt.date = dt.date(2026, 1, 10)) -> rules.Tables:
    return rules.tables_from_rows(DATA["benefits"], DATA["scholarship_levels"], day)


def quote(**case) -> dict:
    case.setdefault("incident_date", "2026-01-10")
    case.setdefault("claim_date", "2026-02-01")
    parsed = rules.parse_case(case, today=TODAY)
    return rules.quote(parsed, tables(parsed.incident_date))


def amounts(result: dict) -> dict[str, int]:
    return {i["code"]: i["amount"] for i in result["items"]}


def failed(result: dict) -> list[str]:
    return [c["rule"] for c in result["conditions"] if not c["met"]]


# ---- JKM (figures 11–14)


def test_it_pays_42_million_for_jkm_with_scholarship_for_sd_and_sma():  # figure 11
    r = quote(
        event="jkm",
        contribution_months=40,
        children=[{"level": "sd"}, {"level": "sma"}],
    )
    assert r["eligible"] is True and r["total"] == 42_000_000
    assert amounts(r) == {
        "santunan_kematian": 20_000_000,
        "santunan_berkala": 12_000_000,
        "biaya_pemakaman": 10_000_000,
    }
    assert r["scholarship"]["eligible"] is True
    assert [c["amount"] for c in r["scholarship"]["children"]] == [1_500_000, 3_000_000]
    assert r["scholarship"]["this_year"] == 4_500_000


def test_it_refuses_only_the_scholarship_below_36_months():  # figure 12
    r = quote(event="jkm", contribution_months=30, children=[{"level": "sd"}])
    assert r["eligible"] is True and r["total"] == 42_000_000
    assert r["scholarship"]["eligible"] is False and r["scholarship"]["this_year"] == 0
    assert "36 bulan" in r["scholarship"]["reason"]
    assert r["scholarship"]["children"][0]["eligible"] is False
    assert "36 bulan" in r["scholarship"]["children"][0]["reason"]
    assert failed(r) == ["beasiswa_masa_iur"]


def test_it_gives_the_scholarship_at_exactly_36_months():
    r = quote(event="jkm", contribution_months=36, children=[{"level": "smp"}])
    assert (
        r["scholarship"]["eligible"] is True
        and r["scholarship"]["this_year"] == 2_000_000
    )


def test_it_chooses_the_first_two_of_three_children():  # figure 13
    r = quote(
        event="jkm",
        contribution_months=40,
        children=[{"level": "sd"}, {"level": "smp"}, {"level": "sma"}],
    )
    kids = r["scholarship"]["children"]
    assert [c["eligible"] for c in kids] == [True, True, False]
    assert "2 anak" in kids[2]["reason"]
    assert r["scholarship"]["this_year"] == 3_500_000
    assert "beasiswa_jumlah_anak" in failed(r)


def test_a_child_who_cannot_receive_does_not_take_a_place():
    r = quote(
        event="jkm",
        contribution_months=40,
        claim_date="2026-02-01",
        children=[
            {"level": "pt", "married": True},
            {"level": "pt", "birth_date": "2003-01-15"},
            {"level": "sd"},
            {"level": "sma"},
        ],
    )
    kids = r["scholarship"]["children"]
    assert [c["eligible"] for c in kids] == [False, False, True, True]
    assert "menikah" in kids[0]["reason"] and "23" in kids[1]["reason"]
    assert r["scholarship"]["this_year"] == 4_500_000


def test_a_working_child_gets_nothing():
    r = quote(
        event="jkm", contribution_months=40, children=[{"level": "pt", "working": True}]
    )
    assert r["scholarship"]["children"][0]["eligible"] is False
    assert "bekerja" in r["scholarship"]["children"][0]["reason"]


def test_a_child_not_yet_at_school_keeps_a_place_with_nothing_this_year():
    r = quote(
        event="jkm",
        contribution_months=40,
        children=[{"level": "belum_sekolah"}, {"level": "sd"}],
    )
    assert [c["amount"] for c in r["scholarship"]["children"]] == [0, 1_500_000]
    assert r["scholarship"]["children"][0]["eligible"] is True


def test_the_scholarship_ceiling_is_87_million_per_child():  # figure 14
    t = tables()
    assert rules.scholarship_ceiling(t) == 87_000_000
    assert 2 * rules.scholarship_ceiling(t) == 174_000_000
    plan = rules.scholarship_plan(t, level="tk", first_year=2026)
    assert len(plan) == 19 and sum(p["amount"] for p in plan) == 87_000_000
    assert plan[0] == {"school_year": "2026/2027", "level": "tk", "amount": 1_500_000}
    assert plan[-1] == {"school_year": "2044/2045", "level": "pt", "amount": 12_000_000}


def test_a_child_turning_23_gets_nothing_from_the_next_year_on():  # figure 14
    # Born 2003-10-01: 22 on 1 July 2026 (paid 2026/2027), 23 on 1 July 2027 (nothing from 2027/2028).
    plan = rules.scholarship_plan(
        tables(), level="pt", first_year=2025, birth_date=dt.date(2003, 10, 1)
    )
    assert [p["school_year"] for p in plan] == ["2025/2026", "2026/2027"]


def test_pre_pp_82_2019_jkm_pays_the_old_values():
    r = quote(
        event="jkm",
        incident_date="2019-06-01",
        claim_date="2019-07-01",
        contribution_months=60,
        children=[{"level": "sd"}],
    )
    assert r["total"] == 24_000_000
    assert amounts(r) == {
        "santunan_kematian": 16_200_000,
        "santunan_berkala": 4_800_000,
        "biaya_pemakaman": 3_000_000,
    }


# ---- JKK (figures 15–20)


def test_it_pays_48_times_wage_for_death_from_work():  # figure 15
    r = quote(
        event="jkk_death",
        wage=2_500_000,
        contribution_months=1,
        children=[{"level": "sd"}],
    )
    assert r["total"] == 142_000_000
    assert amounts(r) == {
        "santunan_kematian": 120_000_000,
        "biaya_pemakaman": 10_000_000,
        "santunan_berkala": 12_000_000,
    }
    assert (
        r["scholarship"]["eligible"] is True
        and r["scholarship"]["this_year"] == 1_500_000
    )


def test_jkk_scholarship_needs_no_contribution_months():
    r = quote(
        event="jkk_death",
        wage=2_500_000,
        contribution_months=0,
        children=[{"level": "smp"}],
    )
    assert (
        r["scholarship"]["eligible"] is True
        and r["scholarship"]["this_year"] == 2_000_000
    )


def test_it_pays_70_million_for_a_bpu_death_at_the_lowest_bracket():  # figure 16
    r = quote(event="jkk_death", segment="bpu", wage=1_000_000)
    assert r["total"] == 70_000_000 and amounts(r)["santunan_kematian"] == 48_000_000


def test_jkk_death_is_never_below_the_jkm_lump_sum():
    r = quote(event="jkk_death", wage=300_000)
    assert amounts(r)["santunan_kematian"] == 20_000_000
    assert r["total"] == 42_000_000


def test_it_pays_56_times_wage_for_total_disability():  # figure 17
    r = quote(event="jkk_total_disability", wage=2_000_000, children=[{"level": "sma"}])
    assert r["total"] == 124_000_000
    assert amounts(r) == {
        "santunan_cacat_total": 112_000_000,
        "santunan_berkala": 12_000_000,
    }
    assert r["scholarship"]["eligible"] is True


@pytest.mark.parametrize(
    ("disability", "expected"),
    [
        ({"table_percent": 10}, 16_000_000),
        ({"table_percent": 10, "function_lost_percent": 50}, 8_000_000),
        ({"table_percent": 35}, 56_000_000),
        ({"table_percent": "12.5", "function_lost_percent": "33.3"}, 6_660_000),
    ],
)
def test_it_pays_partial_disability_by_the_table(disability, expected):  # figure 18
    r = quote(event="jkk_partial_disability", wage=2_000_000, disability=disability)
    assert r["total"] == expected
    assert r["scholarship"]["eligible"] is False


@pytest.mark.parametrize(
    ("months", "expected"),
    [(14, 26_000_000), (12, 24_000_000), (3, 6_000_000), ("13.5", 25_500_000)],
)
def test_it_pays_stmb_in_full_for_12_months_then_half(months, expected):  # figure 19
    assert (
        quote(event="jkk_incapacity", wage=2_000_000, incapacity_months=months)["total"]
        == expected
    )


def test_stmb_days_count_as_30_day_months():
    assert (
        quote(event="jkk_incapacity", wage=2_000_000, incapacity_days=420)["total"]
        == 26_000_000
    )


@pytest.mark.parametrize(
    ("claim_date", "eligible"), [("2031-01-10", True), ("2031-01-11", False)]
)
def test_a_jkk_claim_after_five_years_is_refused(claim_date, eligible):  # figure 20
    r = quote(
        event="jkk_death",
        wage=2_500_000,
        incident_date="2026-01-10",
        claim_date=claim_date,
    )
    assert r["eligible"] is eligible
    if not eligible:
        assert r["total"] == 0 and r["items"] == []
        assert failed(r) == ["batas_waktu_klaim_jkk"]
        assert "kedaluwarsa" in next(
            c["detail"] for c in r["conditions"] if not c["met"]
        )


def test_the_jkk_deadline_before_pp_82_2019_was_two_years():
    r = quote(
        event="jkk_total_disability",
        wage=2_000_000,
        incident_date="2017-03-01",
        claim_date="2019-03-02",
    )
    assert r["eligible"] is False and failed(r) == ["batas_waktu_klaim_jkk"]


# ---- lapse (figure 21)


def test_a_death_while_not_covered_is_refused_with_a_reason():  # figure 21
    r = quote(
        event="jkm", covered=False, contribution_months=40, children=[{"level": "sd"}]
    )
    assert r["eligible"] is False and r["total"] == 0 and r["items"] == []
    cond = next(c for c in r["conditions"] if not c["met"])
    assert cond["rule"] == "terlindungi" and "tidak terlindungi" in cond["detail"]
    assert r["scholarship"]["eligible"] is False


@pytest.mark.parametrize(
    ("arrears", "payer"), [(2, "bpjs"), (3, "bpjs"), (4, "pemberi_kerja")]
)
def test_an_employer_over_three_months_behind_pays_first(arrears, payer):  # figure 21
    r = quote(
        event="jkk_total_disability",
        segment="pu",
        wage=2_000_000,
        arrears_months=arrears,
    )
    assert r["eligible"] is True and r["total"] == 124_000_000
    assert r["payer"] == payer


# ---- input checking


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"event": "kiamat", "incident_date": "2026-01-01"}, "event"),
        ({"event": "jkm"}, "incident_date"),
        ({"event": "jkm", "incident_date": "10-01-2026"}, "incident_date"),
        (
            {"event": "jkm", "incident_date": "2026-02-01", "claim_date": "2026-01-01"},
            "claim_date",
        ),
        ({"event": "jkk_death", "incident_date": "2026-01-01"}, "wage"),
        ({"event": "jkk_death", "incident_date": "2026-01-01", "wage": -5}, "wage"),
        ({"event": "jkk_death", "incident_date": "2026-01-01", "wage": True}, "wage"),
        (
            {
                "event": "jkk_partial_disability",
                "incident_date": "2026-01-01",
                "wage": 1,
            },
            "table_percent",
        ),
        (
            {
                "event": "jkk_partial_disability",
                "incident_date": "2026-01-01",
                "wage": 1,
                "disability": {"table_percent": 120},
            },
            "table_percent",
        ),
        (
            {"event": "jkk_incapacity", "incident_date": "2026-01-01", "wage": 1},
            "incapacity_months",
        ),
        ({"event": "jkm", "incident_date": "2026-01-01", "segment": "xx"}, "segment"),
        (
            {
                "event": "jkm",
                "incident_date": "2026-01-01",
                "children": [{"level": "s3"}],
            },
            "level",
        ),
        ({"event": "jkm", "incident_date": "2026-01-01", "covered": "ya"}, "covered"),
    ],
)
def test_it_rejects_bad_input_in_indonesian(case, message):
    with pytest.raises(ValidationError) as exc:
        rules.parse_case(case, today=TODAY)
    assert message in exc.value.messages[0]


def test_claim_date_defaults_to_today():
    assert (
        rules.parse_case(
            {"event": "jkm", "incident_date": "2026-01-01"}, today=TODAY
        ).claim_date
        == TODAY
    )


def test_it_refuses_a_transition_that_skips_a_step():
    assert rules.transition_action("diajukan", "diverifikasi") == "decide"
    with pytest.raises(ValidationError):
        rules.transition_action("diajukan", "dibayar")
    with pytest.raises(ValidationError):
        rules.transition_action("dibayar", "ditolak")


@given(
    wage=st.integers(min_value=0, max_value=200_000_000),
    months=st.decimals(min_value=0, max_value=120, places=1),
)
def test_stmb_never_exceeds_full_wage_and_never_drops_below_half(wage, months):
    r = quote(event="jkk_incapacity", wage=wage, incapacity_months=str(months))
    assert wage * months / 2 - 1 <= r["total"] <= wage * months + 1


@given(
    wage=st.integers(min_value=0, max_value=200_000_000),
    table=st.integers(min_value=0, max_value=100),
    lost=st.integers(min_value=0, max_value=100),
)
def test_partial_disability_never_exceeds_the_anatomical_amount(wage, table, lost):
    anatomical = quote(
        event="jkk_partial_disability", wage=wage, disability={"table_percent": table}
    )["total"]
    functional = quote(
        event="jkk_partial_disability",
        wage=wage,
        disability={"table_percent": table, "function_lost_percent": lost},
    )["total"]
    assert functional <= anatomical <= wage * 80


def test_the_scholarship_is_refused_when_no_listed_child_qualifies():
    r = quote(
        event="jkm", contribution_months=40, children=[{"level": "pt", "married": True}]
    )
    assert r["eligible"] is True and r["total"] == 42_000_000
    assert r["scholarship"]["eligible"] is False and r["scholarship"]["this_year"] == 0
    assert r["scholarship"]["children"][0]["reason"] == "Anak sudah menikah."


def test_the_scholarship_stays_open_when_no_child_is_listed():
    r = quote(event="jkk_death", wage=2_000_000)
    assert r["scholarship"] == {
        **r["scholarship"],
        "eligible": True,
        "this_year": 0,
        "children": [],
    }


def test_a_pre_pp_82_2019_jkk_death_uses_old_figures_marked_unconfirmed():
    r = quote(
        event="jkk_death",
        wage=1_000_000,
        incident_date="2019-03-01",
        claim_date="2019-04-01",
    )
    assert amounts(r) == {
        "santunan_kematian": 48_000_000,
        "biaya_pemakaman": 3_000_000,
        "santunan_berkala": 4_800_000,
    }
    assert [i["confirmed"] for i in r["items"]] == [True, False, False]
    assert (
        r["scholarship"]["eligible"] is False
        and "tidak tersedia" in r["scholarship"]["reason"]
    )


def test_stmb_before_pp_82_2019_is_not_quoted_without_its_table():
    with pytest.raises(ValidationError, match="tidak tersedia"):
        quote(
            event="jkk_incapacity",
            wage=1_000_000,
            incapacity_months=3,
            incident_date="2019-03-01",
            claim_date="2019-04-01",
        )


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"level": "sd", "years_at_level": 5}, 1_500_000),
        ({"level": "pt", "years_at_level": 0}, 12_000_000),
        ({"level": "sd", "years_at_level": 6}, "paling lama 6 tahun"),
        ({"level": "belum_sekolah", "years_at_level": 0}, "bersekolah"),
        (
            {"level": "pt", "years_at_level": 1, "birth_date": dt.date(2003, 6, 30)},
            "23 tahun",
        ),
        (
            {"level": "pt", "years_at_level": 1, "birth_date": dt.date(2003, 7, 2)},
            12_000_000,
        ),
    ],
)
def test_a_scholarship_year_is_renewed_within_the_level_and_age_limits(kw, expected):
    args = {"school_year_start": 2026, "birth_date": None, **kw}
    if isinstance(expected, int):
        assert rules.beasiswa_renewal(tables(), **args) == expected
    else:
        with pytest.raises(ValidationError, match=expected):
            rules.beasiswa_renewal(tables(), **args)


@pytest.mark.parametrize("value", ["2026", "2026/2028", "26/27", "", None])
def test_it_rejects_a_malformed_school_year(value):
    with pytest.raises(ValidationError, match="YYYY/YYYY"):
        rules.parse_school_year(value)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_field_values = {
    "event": st.sampled_from([*rules.EVENTS, "x"]) | _json,
    "incident_date": st.dates().map(str) | _json,
    "claim_date": st.dates().map(str) | _json,
    "segment": st.sampled_from(["pu", "bpu", "x"]) | _json,
    "wage": st.integers() | _json,
    "contribution_months": st.integers() | _json,
    "covered": _json,
    "arrears_months": st.integers() | _json,
    "disability": st.fixed_dictionaries(
        {},
        optional={"table_percent": _json | st.text(), "function_lost_percent": _json},
    )
    | _json,
    "incapacity_months": st.decimals(allow_nan=True) | _json,
    "incapacity_days": st.integers() | _json,
    "children": st.lists(
        st.fixed_dictionaries(
            {"level": st.sampled_from(rules.LEVELS) | _json},
            optional={
                "birth_date": st.dates().map(str) | _json,
                "married": _json,
                "working": _json,
            },
        ),
        max_size=4,
    )
    | _json,
}


@given(case=st.fixed_dictionaries({}, optional=_field_values))
def test_any_json_case_gives_a_quote_or_an_indonesian_validation_error(case):
    try:
        parsed = rules.parse_case(case, today=TODAY)
    except ValidationError as exc:
        assert exc.messages and all(m for m in exc.messages)
        return
    try:
        result = rules.quote(parsed, tables(parsed.incident_date))
    except ValidationError as exc:
        assert "tidak tersedia" in exc.messages[0]
        return
    assert result["total"] == sum(i["amount"] for i in result["items"]) >= 0
    assert result["eligible"] or result["total"] == 0
