"""Browser helpers shared by the browser tests: logging in through the real login form."""

from __future__ import annotations

from lindung import demo
from tests.conftest import PASSWORD

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


def open_as(browser, live_server, username: str, *, viewport=None, lang=None):
    """A new browser context (downloads accepted) logged in as a demo user; ``lang`` sets the language cookie."""
    ctx = browser.new_context(accept_downloads=True, viewport=viewport or DESKTOP)
    if lang:
        host = live_server.url.split("//", 1)[1].split(":")[0]
        ctx.add_cookies(
            [{"name": "django_language", "value": lang, "domain": host, "path": "/"}]
        )
    page = ctx.new_page()
    login(page, live_server, username, demo.DEMO_PASSWORD)
    return ctx, page
