"""POST /api/v1/iuran/quote (docs/interfaces.md) and the other contribution endpoints, with region scoping."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from lindung.contributions import services
from lindung.contributions.models import Tagihan

from .factories import make_kepesertaan

pytestmark = pytest.mark.django_db
CASE = {
    "segment": "pu",
    "wage": 2_022_200,
    "period": "2025-05",
    "programmes": ["jkk", "jkm", "jht"],
}


@pytest.fixture
def api(client, viewer_user):
    client.force_login(viewer_user)
    return client


def post(client, url, data, **kw):
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **kw)


def test_quote_returns_the_interfaces_shape(api):
    r = post(api, "/api/v1/iuran/quote", CASE)
    assert r.status_code == 200
    body = r.json()
    assert {"period", "lines", "employer", "worker", "total"} <= set(body)
    assert body["period"] == "2025-05" and body["total"] == 10_920 + 115_265
    line = body["lines"][0]
    assert {
        "programme",
        "base",
        "rate",
        "employer",
        "worker",
        "amount",
        "relief",
    } <= set(line)
    assert (
        line["programme"],
        line["base"],
        line["rate"],
        line["amount"],
        line["relief"],
    ) == ("jkk", 2_022_200, "0.0024", 4_853, None)
    assert "rules" not in line


def test_quote_accepts_an_array_and_keeps_the_order(api):
    cases = [
        {
            "segment": "bpu",
            "wage": 1_000_000,
            "period": "2020-10",
            "programmes": ["jkk", "jkm"],
        },
        {
            "segment": "bpu",
            "wage": 1_000_000,
            "period": "2026-01",
            "programmes": ["jkk", "jkm"],
            "sector": "transport",
        },
        CASE,
    ]
    body = post(api, "/api/v1/iuran/quote", cases).json()
    assert [b["total"] for b in body] == [168, 8_400, 126_185]
    assert body[1]["lines"][0]["relief"] == "PP 50/2025"


@pytest.mark.parametrize(
    "data", [{"segment": "pu"}, "{not json", [CASE, {"segment": "bpu"}], "null", "3"]
)
def test_quote_rejects_bad_input_with_json_400(api, data):
    r = post(api, "/api/v1/iuran/quote", data)
    assert r.status_code in (400, 422) and r.json()["message"]


def test_quote_needs_login(client):
    assert post(client, "/api/v1/iuran/quote", CASE).status_code == 401


def test_billing_run_is_for_bpjs_officers(client, bpjs_user, kabupaten_user):
    make_kepesertaan()
    client.force_login(kabupaten_user)
    assert (
        post(client, "/api/v1/iuran/billing/run", {"period": "2025-01"}).status_code
        == 403
    )
    client.force_login(bpjs_user)
    r = post(client, "/api/v1/iuran/billing/run", {"period": "2025-01"})
    assert r.status_code == 200 and r.json()["lines"] == 1
    assert (
        post(client, "/api/v1/iuran/billing/run", {"period": "2025-1x"}).status_code
        == 400
    )


def test_bills_and_payments_are_scoped_by_region(
    client, kabupaten_user, operator_desa_y, operator_desa, bpjs_user
):
    k = make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    number = Tagihan.objects.get().number
    client.force_login(operator_desa_y)
    assert client.get("/api/v1/iuran/tagihan").json() == []
    # Issue 19: only BPJS records money; a village operator reports it (see test_payments.py).
    assert (
        post(
            client,
            "/api/v1/iuran/pembayaran",
            {"bill": number, "amount": 100, "paid_at": "2025-01-05", "reference": "R"},
        ).status_code
        == 403
    )
    assert client.get(f"/api/v1/iuran/coverage/{k.pk}").status_code == 404
    client.force_login(bpjs_user)
    r = post(
        client,
        "/api/v1/iuran/pembayaran",
        {"bill": number, "amount": "16.800", "paid_at": "2025-01-05", "reference": "R"},
    )
    assert r.status_code == 200 and r.json()["unallocated"] == 0
    client.force_login(operator_desa)
    assert [b["number"] for b in client.get("/api/v1/iuran/tagihan").json()] == [number]
    cov = client.get(f"/api/v1/iuran/coverage/{k.pk}?end=2025-01-31&months=3").json()
    assert cov["covered"] and [s["covered"] for s in cov["strip"]] == [
        False,
        False,
        True,
    ]
    assert cov["paid_through"] == "2025-01-31" and cov["contribution_months"] == 1
    client.force_login(kabupaten_user)
    assert client.get("/api/v1/iuran/tagihan?state=paid").json()[0]["state"] == "paid"
    budget = client.get("/api/v1/iuran/budget?year=2025").json()
    assert {r["level"] for r in budget} == {"desa", "kabupaten"}
