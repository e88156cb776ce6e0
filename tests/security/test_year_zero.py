"""Bounded inputs (issue 20): year 0 (or 1) in a period, an end date or an incident date, and amounts of 10^30, are
refused with a 4xx and an Indonesian message on the API and the pages, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_user
from tests.participants.factories import make_kepesertaan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "method,url,body",
    [
        ("get", "/api/v1/iuran/coverage/{k}?end=0001-01-01", None),
        ("get", "/api/v1/iuran/tagihan?period=0000-01", None),
        (
            "post",
            "/api/v1/iuran/quote",
            {
                "segment": "bpu",
                "wage": 1000000,
                "period": "0000-01",
                "programmes": ["jkk"],
            },
        ),
        (
            "post",
            "/api/v1/claims/quote",
            {
                "event": "jkm",
                "incident_date": "0000-01-01",
                "segment": "bpu",
                "wage": 1000000,
                "contribution_months": 40,
            },
        ),
        (
            "post",
            "/api/v1/claims/quote",
            {
                "event": "jkm",
                "incident_date": "2026-01-01",
                "segment": "bpu",
                "wage": 10**30,
                "contribution_months": 40,
            },
        ),
        ("get", "/api/v1/reports/rakor?region=53&as_of=0001-01-01", None),
        ("get", "/laporan/rakor/?region=53&as_of=0001-01-01", None),
    ],
)
def test_year_zero_and_huge_numbers_are_refused_not_crashed(client, method, url, body):
    client.force_login(make_user("bpjs"))
    k = make_kepesertaan(None)
    url = url.format(k=k.pk)
    if body is None:
        r = getattr(client, method)(url)
    else:
        r = client.post(url, json.dumps(body), content_type="application/json")
    assert 400 <= r.status_code < 500, (url, r.status_code)
    text = r.content.decode()
    assert "rentang" in text or "tidak" in text or "bukan" in text or "harus" in text
