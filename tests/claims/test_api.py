"""POST /api/v1/claims/quote and `lindung claims quote`: docs/regulations.md §7 figures 11–21 through the interfaces."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.accounts.models import ApiToken
from tests.claims.conftest import make_member

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/quote"

FIGURES = [
    # (case, total, scholarship this year, scholarship eligible)
    (
        {
            "event": "jkm",
            "incident_date": "2026-01-10",
            "contribution_months": 40,
            "children": [{"level": "sd"}, {"level": "sma"}],
        },
        42_000_000,
        4_500_000,
        True,
    ),  # 11
    (
        {
            "event": "jkm",
            "incident_date": "2026-01-10",
            "contribution_months": 30,
            "children": [{"level": "sd"}],
        },
        42_000_000,
        0,
        False,
    ),  # 12
    (
        {
            "event": "jkm",
            "incident_date": "2026-01-10",
            "contribution_months": 40,
            "children": [{"level": "sd"}, {"level": "sd"}, {"level": "smp"}],
        },
        42_000_000,
        3_000_000,
        True,
    ),  # 13
    (
        {
            "event": "jkk_death",
            "incident_date": "2026-01-10",
            "wage": 2_500_000,
            "contribution_months": 0,
            "children": [{"level": "tk"}],
        },
        142_000_000,
        1_500_000,
        True,
    ),  # 15
    (
        {
            "event": "jkk_death",
            "incident_date": "2026-01-10",
            "segment": "bpu",
            "wage": 1_000_000,
        },
        70_000_000,
        0,
        True,
    ),  # 16
    (
        {
            "event": "jkk_total_disability",
            "incident_date": "2026-01-10",
            "wage": 2_000_000,
            "children": [{"level": "pt"}],
        },
        124_000_000,
        12_000_000,
        True,
    ),  # 17
    (
        {
            "event": "jkk_partial_disability",
            "incident_date": "2026-01-10",
            "wage": 2_000_000,
            "disability": {"table_percent": 10},
        },
        16_000_000,
        0,
        False,
    ),  # 18
    (
        {
            "event": "jkk_partial_disability",
            "incident_date": "2026-01-10",
            "wage": 2_000_000,
            "disability": {"table_percent": 10, "function_lost_percent": 50},
        },
        8_000_000,
        0,
        False,
    ),  # 18
    (
        {
            "event": "jkk_incapacity",
            "incident_date": "2026-01-10",
            "wage": 2_000_000,
            "incapacity_months": 14,
        },
        26_000_000,
        0,
        False,
    ),  # 19
    (
        {
            "event": "jkk_death",
            "incident_date": "2021-01-10",
            "claim_date": "2026-01-11",
            "wage": 2_000_000,
        },
        0,
        0,
        False,
    ),  # 20
    (
        {"event": "jkm", "incident_date": "2026-01-20", "covered": False},
        0,
        0,
        False,
    ),  # 21
]


@pytest.fixture
def client_bpjs(client, bpjs_user):
    client.force_login(bpjs_user)
    return client


def post(client, body, **headers):
    return client.post(
        URL, data=json.dumps(body), content_type="application/json", **headers
    )


@pytest.mark.parametrize(("case", "total", "schol", "schol_ok"), FIGURES)
def test_the_api_reproduces_the_figures(client_bpjs, case, total, schol, schol_ok):
    resp = post(client_bpjs, {"claim_date": "2026-02-01", **case})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert set(body) >= {"eligible", "items", "total", "scholarship", "conditions"}
    assert body["total"] == total == sum(i["amount"] for i in body["items"])
    assert (
        body["scholarship"]["this_year"] == schol
        and body["scholarship"]["eligible"] is schol_ok
    )
    assert body["eligible"] is (total > 0)
    for item in body["items"]:
        assert set(item) >= {"code", "label", "basis", "amount"} and isinstance(
            item["amount"], int
        )
    for child in body["scholarship"]["children"]:
        assert set(child) >= {"level", "eligible", "amount", "reason"}
    for cond in body["conditions"]:
        assert set(cond) >= {"rule", "met", "detail"}
    if not body["eligible"]:
        assert any(not c["met"] and c["detail"] for c in body["conditions"])


def test_an_array_gives_an_array_in_the_same_order(client_bpjs):
    cases = [case for case, *_ in FIGURES]
    body = post(client_bpjs, [{"claim_date": "2026-02-01", **c} for c in cases]).json()
    assert [b["total"] for b in body] == [total for _c, total, *_ in FIGURES]


def test_bad_input_is_a_400_with_an_indonesian_message(client_bpjs):
    resp = post(client_bpjs, {"event": "jkk_death", "incident_date": "2026-01-10"})
    assert resp.status_code == 400 and "wajib" in resp.json()["message"]


def test_the_api_needs_a_login_or_token(client, bpjs_user):
    assert post(client, FIGURES[0][0]).status_code == 401
    key = ApiToken.issue(bpjs_user, "uji")
    assert (
        post(client, FIGURES[0][0], HTTP_AUTHORIZATION=f"Token {key}").status_code
        == 200
    )


def test_the_nik_route_is_scoped_through_the_api(
    client, coverage, operator_desa, operator_desa_y
):
    member = make_member(wage=2_500_000)
    case = {
        "event": "jkk_death",
        "nik": member.peserta.nik,
        "incident_date": "2026-01-10",
    }
    client.force_login(operator_desa_y)
    assert post(client, case).status_code == 404
    client.force_login(operator_desa)
    assert post(client, case).json()["total"] == 142_000_000


def test_the_claim_list_api_is_scoped(client, coverage, operator_desa, operator_desa_y):
    from tests.claims.test_services import submit

    klaim = submit(operator_desa, make_member())
    client.force_login(operator_desa)
    assert [k["id"] for k in client.get("/api/v1/claims/").json()] == [klaim.pk]
    assert (
        client.get(f"/api/v1/claims/{klaim.pk}").json()["quote"]["total"] == 42_000_000
    )
    client.force_login(operator_desa_y)
    assert client.get("/api/v1/claims/").json() == []
    assert client.get(f"/api/v1/claims/{klaim.pk}").status_code == 404


# ---- the command


def test_the_command_prints_json_for_one_case_and_for_an_array(tmp_path, capsys):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"claim_date": "2026-02-01", **FIGURES[0][0]}))
    call_command("claims", "quote", "--input", str(one), "--json")
    assert json.loads(capsys.readouterr().out)["scholarship"]["this_year"] == 4_500_000
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps([{"claim_date": "2026-02-01", **c} for c, *_ in FIGURES])
    )
    call_command("claims", "quote", "--input", str(many), "--json")
    assert [r["total"] for r in json.loads(capsys.readouterr().out)] == [
        t for _c, t, *_ in FIGURES
    ]


def test_the_command_prints_a_readable_summary(tmp_path, capsys):
    one = tmp_path / "one.json"
    one.write_text(json.dumps(FIGURES[3][0]))
    call_command("claims", "quote", "--input", str(one))
    out = capsys.readouterr().out
    assert "LAYAK" in out and "142.000.000" in out and "48 × Rp 2.500.000" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "bukan JSON"),
        ('{"event": "jkm"}', "incident_date"),
        ('[{"event": "jkm", "incident_date": "2026-01-01"}, 5]', "Kasus ke-2"),
        (
            '{"event": "jkm", "nik": "5301049999999999", "incident_date": "2026-01-01"}',
            "NIK tidak ditemukan",
        ),
    ],
)
def test_the_command_refuses_bad_input_with_one_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message) as exc:
        call_command("claims", "quote", "--input", str(path))
    assert "\n" not in str(exc.value)


def test_the_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("claims", "quote", "--input", "/nonexistent/x.json")


def test_the_lindung_command_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"event": "jkk_death", "incident_date": "2026-01-01"}')
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lindung",
            "claims",
            "quote",
            "--input",
            str(path),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "wage" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"), [((), "Pemakaian"), (("quote",), "--input")]
)
def test_the_command_explains_missing_arguments_in_one_line(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("claims", *args)


def test_the_api_gives_the_scholarship_ceiling_of_figure_14(client_bpjs):
    body = post(client_bpjs, {**FIGURES[0][0], "claim_date": "2026-02-01"}).json()
    assert body["scholarship"]["max_per_child"] == 87_000_000
    assert (
        body["scholarship"]["max_children"] * body["scholarship"]["max_per_child"]
        == 174_000_000
    )


@pytest.mark.parametrize(("arrears", "payer"), [(2, "bpjs"), (4, "pemberi_kerja")])
def test_the_api_says_who_pays_when_a_pu_employer_is_behind(
    client_bpjs, arrears, payer
):  # figure 21
    body = post(
        client_bpjs,
        {
            "event": "jkk_incapacity",
            "segment": "pu",
            "wage": 2_000_000,
            "incapacity_months": 1,
            "arrears_months": arrears,
            "incident_date": "2026-01-10",
            "claim_date": "2026-02-01",
        },
    ).json()
    assert (
        body["eligible"] is True
        and body["total"] == 2_000_000
        and body["payer"] == payer
    )
