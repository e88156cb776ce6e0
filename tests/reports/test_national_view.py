"""National views summarised (issue 21): the BPJS national dashboard and rakor show one row per province with a
drill-down through the same report, pages stay under 100 KB of HTML, and answers are compressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.reports import rules, services

pytestmark = pytest.mark.django_db
LIMIT = 100 * 1024


def test_the_province_rows_are_the_regency_rows_summed():
    report = services.rakor(user=None, region_code=None, as_of=dt.date(2026, 6, 1))
    provinces = services.province_summary(report)
    assert [p["code"] for p in provinces] == sorted(
        {r["code"][:2] for r in report["rows"]}
    )
    for key in rules.COUNT_KEYS:
        assert sum(p[key] for p in provinces) == report["total"][key]
    assert sum(p["kabupaten"] for p in provinces) == len(report["rows"])
    assert (
        services.province_summary(
            services.rakor(user=None, region_code="53", as_of=dt.date(2026, 6, 1))
        )
        is None
    )


@pytest.mark.parametrize("url", ["home", "reports:rakor"])
def test_national_pages_are_summarised_light_and_compressed(client, bpjs_user, url):
    client.force_login(bpjs_user)
    page = client.get(reverse(url))
    body = page.content
    assert page.status_code == 200 and len(body) < LIMIT, len(body)
    assert b'id="rakor-provinces"' in body and b'id="rakor-table"' not in body
    assert b"?region=53" in body  # the drill-down to the province
    zipped = client.get(reverse(url), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and len(zipped.content) < len(body)


def test_the_province_page_keeps_its_regency_table(client, provinsi_user):
    client.force_login(provinsi_user)
    body = client.get(reverse("reports:rakor") + "?region=53").content
    assert b'id="rakor-table"' in body and len(body) < LIMIT, len(body)
