"""Shared fixtures: NTT regions loaded once per test database, one user per role and region."""

from __future__ import annotations

import itertools

import pytest

from lindung.accounts.services import create_user

PASSWORD = "rahasia-uji-123"
DESA_X = "53.01.04.2003"  # Bokonusan, Semau, Kab. Kupang
DESA_Y = "53.18.01.2001"  # a desa in Sumba Barat Daya
_seq = itertools.count()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from lindung.regions.services import load_regions

    with django_db_blocker.unblock():
        load_regions(prefix="53")


def make_user(role: str, regions: list[str] | None = None, **kw):
    return create_user(
        username=f"{role}{next(_seq)}",
        password=PASSWORD,
        role=role,
        regions=regions or [],
        **kw,
    )


@pytest.fixture
def bpjs_user(db):
    return make_user("bpjs")


@pytest.fixture
def provinsi_user(db):
    return make_user("provinsi", ["53"])


@pytest.fixture
def kabupaten_user(db):
    return make_user("kabupaten", ["53.01"])


@pytest.fixture
def operator_desa(db):
    return make_user("desa", [DESA_X])


@pytest.fixture
def operator_desa_y(db):
    return make_user("desa", [DESA_Y])


@pytest.fixture
def viewer_user(db):
    return make_user("viewer", ["53"])


def _reload_reference_data() -> None:
    """Put back what migrations and the session fixture load, after a transactional test flushed it."""
    import importlib

    from django.apps import apps

    from lindung.regions.models import Region

    if not Region.objects.filter(code="53").exists():
        from lindung.regions.services import load_regions

        load_regions(prefix="53")
    for app, migration, model in (
        ("contributions", "0002_rules_data", "Tariff"),
        ("agreements", "0002_default_settings", "ReportSetting"),
    ):
        if not apps.get_model(app, model).objects.exists():
            importlib.import_module(f"lindung.{app}.migrations.{migration}").load(
                apps, None
            )
    # A later data migration of a table the loop already found filled (issue #18: the protection threshold).
    if (
        not apps.get_model("agreements", "ReportSetting")
        .objects.filter(key="ambang_desa_terlindungi")
        .exists()
    ):
        importlib.import_module(
            "lindung.agreements.migrations.0003_protection_threshold"
        ).load(apps, None)
    from lindung.claims import seed
    from lindung.claims.models import BenefitTable, DocumentRequirement, ScholarshipRate

    if not BenefitTable.objects.exists():
        seed.load(BenefitTable, ScholarshipRate, DocumentRequirement)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (browser, fuzzing) end with a flush that also empties the reference tables."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db or request.node.get_closest_marker("django_db"):
        request.getfixturevalue(
            "transactional_db" if _is_transactional(request) else "db"
        )
        _reload_reference_data()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        bool(marker and marker.kwargs.get("transaction"))
        or "transactional_db" in request.fixturenames
        or ("live_server" in request.fixturenames)
    )


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (a browser download is not possible here)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's ORM calls from the test body are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Reports are cached by data version; ids repeat across rolled-back tests, so start each test empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
