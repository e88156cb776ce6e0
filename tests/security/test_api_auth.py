"""API auth that works for machines (issue 20): a token-authenticated write is never refused for CSRF; a browser
session without the CSRF token is. Run through Django's client with CSRF enforced, as a real server checks it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lindung.accounts.models import ApiToken
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def write_operations() -> list[tuple[str, str]]:
    from lindung.api import api

    schema = api.get_openapi_schema()
    out = []
    for path, ops in schema["paths"].items():
        for method in ops:
            if method in ("post", "put", "patch", "delete"):
                out.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return out


def test_every_write_endpoint_takes_a_token_without_csrf_and_refuses_a_session_without_it():
    user = make_user("bpjs")
    token = ApiToken.issue(user, "uji")
    machine = Client(enforce_csrf_checks=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    operations = write_operations()
    assert len(operations) >= 6
    for method, path in operations:
        sent = getattr(machine, method)(
            path,
            "{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        assert not (sent.status_code == 403 and b"CSRF" in sent.content), (method, path)
        assert sent.status_code != 401, (method, path)
        refused = getattr(browser, method)(path, "{}", content_type="application/json")
        assert refused.status_code == 403 and b"CSRF" in refused.content, (method, path)


def test_a_session_with_its_csrf_token_may_write_and_a_bad_token_never_falls_back_to_the_session():
    user = make_user("bpjs")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/")  # sets the CSRF cookie
    csrf = (
        browser.cookies["csrftoken"].value if "csrftoken" in browser.cookies else None
    )
    if csrf is None:
        from django.middleware.csrf import _get_new_csrf_string

        csrf = _get_new_csrf_string()
        browser.cookies["csrftoken"] = csrf
    quote = browser.post(
        "/api/v1/iuran/quote",
        '{"segment": "bpu", "wage": 1000000, "period": "2026-01", "programmes": ["jkk", "jkm"]}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert quote.status_code == 200, quote.content
    wrong = browser.post(
        "/api/v1/iuran/quote",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Token salah",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert wrong.status_code == 401


def test_the_openapi_page_needs_a_login(client):
    assert client.get("/api/v1/docs").status_code in (302, 401, 403)
    assert client.get("/api/v1/openapi.json").status_code in (302, 401, 403)
    client.force_login(make_user("viewer", ["53"]))
    assert client.get("/api/v1/openapi.json").status_code == 200
