"""A JKM death claim through the whole workflow in chromium: file with the live quote, upload, verify, approve, pay."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from tests.claims.conftest import PDF, make_member
from tests.conftest import DESA_X, PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, username: str):
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    return page


def _shot(page, name: str) -> None:
    os.makedirs("screenshots", exist_ok=True)
    page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def test_a_death_claim_goes_from_filing_to_payment(
    browser, live_server, coverage, tmp_path
):
    from playwright.sync_api import expect

    from lindung.claims.models import Beasiswa, DocumentRequirement, Klaim
    from lindung.regions.services import load_regions

    load_regions(prefix="53")  # transactional tests start from a flushed database
    operator, officer = make_user("desa", [DESA_X]), make_user("bpjs")
    approver = make_user("bpjs")  # issue 19: the verifier does not approve
    member = make_member(name="Yohanes Browser")
    doc = tmp_path / "dokumen.pdf"
    doc.write_bytes(PDF)

    page = _page(browser, live_server, operator.username)
    page.goto(f"{live_server.url}/klaim/baru/")
    page.fill("input[name=peserta]", member.peserta.nik)
    page.select_option("select[name=event]", "jkm")
    page.fill("input[name=incident_date]", "2026-03-10")
    page.fill("input[name=claim_date]", "2026-04-01")
    page.fill("input[name=claimant_name]", "Maria Browser")
    page.fill("input[name=child0_name]", "Anak Satu")
    page.select_option("select[name=child0_level]", "sd")
    page.fill("input[name=child1_name]", "Anak Dua")
    page.select_option("select[name=child1_level]", "sma")
    # The page's CSP forbids eval, so wait with a locator rather than wait_for_function.
    expect(page.locator("#quote-total")).to_contain_text("42.000.000", timeout=15_000)
    assert "4.500.000" in page.inner_text("#quote")
    _shot(page, "claim_new")
    page.click("button[name=submit]")
    page.wait_for_url(re.compile(r"/klaim/\d+/$"))
    klaim = Klaim.objects.get()
    assert klaim.total == 42_000_000

    for req in DocumentRequirement.objects.filter(event="jkm", required=True):
        page.set_input_files(f"tr[data-doc={req.code}] input[type=file]", str(doc))
        page.click(f"tr[data-doc={req.code}] button[type=submit]")
        page.wait_for_load_state()
    assert (
        klaim.documents.count()
        == DocumentRequirement.objects.filter(event="jkm", required=True).count()
    )
    assert (
        page.locator("button[name=to]").count() == 0
    )  # the village operator does not decide
    _shot(page, "claim_documents")

    page = _page(browser, live_server, officer.username)
    page.goto(f"{live_server.url}/klaim/{klaim.pk}/")
    page.click("button[name=to][value=diverifikasi]")
    page.wait_for_selector("#klaim-status [data-status=diverifikasi]")
    assert page.locator("button[name=to][value=disetujui]").count() == 0

    page = _page(browser, live_server, approver.username)
    page.goto(f"{live_server.url}/klaim/{klaim.pk}/")
    page.click("button[name=to][value=disetujui]")
    page.wait_for_selector("#klaim-status [data-status=disetujui]")
    assert "Kepesertaan diakhiri karena meninggal" in page.inner_text("body")
    page.fill("input[name=payment_reference]", "TRF-BROWSER-1")
    page.fill("input[name=paid_on]", dt.date.today().isoformat())
    page.click("button[name=to][value=dibayar]")
    page.wait_for_selector("#klaim-status [data-status=dibayar]")
    _shot(page, "claim_paid")
    assert "Anak Satu" in page.inner_text("body") and "2025/2026" in page.inner_text(
        "body"
    )
    klaim.refresh_from_db()
    member.refresh_from_db()
    assert klaim.status == "dibayar" and member.status == "berhenti"
    assert (klaim.verified_by, klaim.approved_by) == (officer, approver)
    assert klaim.payment_reference == "TRF-BROWSER-1"
    assert Beasiswa.objects.filter(klaim=klaim).count() == 2
