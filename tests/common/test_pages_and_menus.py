"""Every role sees what it can do (issue 21): menu items by permission, refusals and missing pages inside the site
layout with a way back, and a refusal logged as one line."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_menu_shows_import_only_to_roles_that_may_import(
    client, operator_desa, viewer_user, provinsi_user
):
    client.force_login(operator_desa)
    assert reverse("imports:upload") in client.get(reverse("home")).content.decode()
    for user in (viewer_user, provinsi_user):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert reverse("imports:upload") not in page
        assert reverse("participants:list") in page


def test_a_refusal_is_a_page_in_the_layout_with_a_way_back(client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(reverse("imports:upload"))
    body = page.content.decode()
    assert page.status_code == 403
    assert 'class="top"' in body and reverse("home") in body
    assert "Kembali ke dasbor" in body or "Back to the dashboard" in body


def test_a_missing_page_is_in_the_layout_too(client, viewer_user):
    client.force_login(viewer_user)
    page = client.get("/peserta/999999999/")
    assert page.status_code == 404 and 'class="top"' in page.content.decode()


def test_a_refusal_is_logged_as_one_line(client, viewer_user, caplog):
    from lindung.common.logs import OneLineRefusals

    client.force_login(viewer_user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(reverse("imports:upload"))
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(OneLineRefusals().filter(r) for r in records)
    assert all(r.exc_info is None for r in records)


def test_pks_forms_appear_only_for_roles_that_may_save_them(
    client, operator_desa, viewer_user, kabupaten_user
):
    for user, shown in (
        (operator_desa, False),
        (viewer_user, False),
        (kabupaten_user, True),
    ):
        client.force_login(user)
        page = client.get(reverse("agreements:list")).content.decode()
        assert ('id="pks-form"' in page) is shown, user


def test_the_province_watches_and_does_not_register(client, provinsi_user):
    client.force_login(provinsi_user)
    assert client.get(reverse("participants:add")).status_code == 403
    assert (
        reverse("participants:add")
        not in client.get(reverse("participants:list")).content.decode()
    )


def test_dates_and_percentages_follow_the_language():
    import datetime as dt

    from django.utils import translation

    from lindung.common.templatetags.lindung import persen, rate_percent, tanggal

    day = dt.date(2026, 8, 17)
    with translation.override("id"):
        assert (tanggal(day), persen(69.6), rate_percent("0.0054")) == (
            "17 Agustus 2026",
            "69,6%",
            "0,54 %",
        )
    with translation.override("en"):
        assert (tanggal(day), persen(69.6), rate_percent("0.0054")) == (
            "17 August 2026",
            "69.6%",
            "0.54 %",
        )


def test_a_village_region_page_shows_the_village(client, operator_desa):
    client.force_login(operator_desa)
    page = client.get(
        reverse("regions:detail", args=["53.01.04.2003"])
    ).content.decode()
    assert 'id="village"' in page and "Bokonusan" in page
    assert "regions load" not in page and "belum dimuat" not in page
