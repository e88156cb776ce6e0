"""Browser tests with Debian's chromium driven by Playwright against a live server."""

from __future__ import annotations

import os

import pytest

from tests.e2e.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    ctx = browser.new_context()
    pg = ctx.new_page()
    yield pg
    ctx.close()


def test_operator_logs_in_and_switches_to_english(page, live_server):
    from lindung.regions.services import load_regions
    from tests.conftest import make_user

    load_regions(prefix="53")
    user = make_user("desa", ["53.01.04.2003"])
    login(page, live_server, user.username)
    assert "Dasbor" in page.content()  # Indonesian by default
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "Log out" in page.content()
    os.makedirs("screenshots", exist_ok=True)
    page.screenshot(path="screenshots/home.png", full_page=True)
