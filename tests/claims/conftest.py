"""Claim fixtures: members in the two test villages and the contributions app's coverage functions."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import types

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_member  # noqa: F401 (the claim tests import it from here)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name: str = "surat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class Coverage:
    """Stands in for the contributions app's answers, per membership (default: covered, 40 months paid)."""

    def __init__(self) -> None:
        self.covered: dict[int, bool] = {}
        self.months: dict[int, int] = {}
        self.arrears: dict[int, int] = {}
        self.calls: list[tuple[str, int, dt.date]] = []

    def coverage_on(self, kepesertaan, day):
        self.calls.append(("coverage_on", kepesertaan.pk, day))
        return self.covered.get(kepesertaan.pk, True)

    def contribution_months(self, kepesertaan, until):
        self.calls.append(("contribution_months", kepesertaan.pk, until))
        return self.months.get(kepesertaan.pk, 40)

    def arrears_months(self, kepesertaan, day):
        return self.arrears.get(kepesertaan.pk, 0)


@pytest.fixture(autouse=True)
def _benefit_tables(request):
    """Reload the data-migration rows when a transactional test (e.g. a browser test) flushed them."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not (uses_db or request.node.get_closest_marker("django_db")):
        return
    from lindung.claims import seed
    from lindung.claims.models import BenefitTable, DocumentRequirement, ScholarshipRate

    if not BenefitTable.objects.exists():
        seed.load(BenefitTable, ScholarshipRate, DocumentRequirement)


@pytest.fixture
def coverage(monkeypatch) -> Coverage:
    """Patch lindung.contributions.services' coverage functions (the module is written by another issue)."""
    try:
        module = importlib.import_module("lindung.contributions.services")
    except ImportError:
        module = types.ModuleType("lindung.contributions.services")
        monkeypatch.setitem(sys.modules, "lindung.contributions.services", module)
    fake = Coverage()
    for name in ("coverage_on", "contribution_months", "arrears_months"):
        monkeypatch.setattr(module, name, getattr(fake, name), raising=False)
    return fake
