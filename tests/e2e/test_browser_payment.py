"""A village payment in the browser (issue 19): the operator reports it with its bank reference, which changes no
coverage; a BPJS officer confirms it; the member is then protected for the month."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.contributions import services
from lindung.contributions.models import Pembayaran, Tagihan
from tests.conftest import make_user
from tests.contributions.factories import make_kepesertaan
from tests.e2e.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_then_confirm_then_covered(browser, live_server, tmp_path):
    today = dt.date.today()
    operator = make_user("desa", ["53.01.04.2003"])
    officer = make_user("bpjs")
    k = make_kepesertaan(sumber_dana="dana_desa", registered_on=today.replace(day=1))
    services.run_billing(actor=None, period=today.replace(day=1))
    bill = Tagihan.objects.get(lines__kepesertaan=k)
    proof = tmp_path / "bukti.pdf"
    proof.write_bytes(b"%PDF-1.4 bukti transfer\n%%EOF\n")

    ctx = browser.new_context()
    page = ctx.new_page()
    login(page, live_server, operator.username)
    page.goto(f"{live_server.url}/iuran/tagihan/{bill.number}/")
    page.fill("input[name=amount]", "{:,}".format(bill.total).replace(",", "."))
    page.fill("input[name=paid_at]", today.isoformat())
    page.fill("input[name=reference]", "TRF-DESA-0001")
    if page.locator("input[name=proof]").count():
        page.set_input_files("input[name=proof]", str(proof))
    page.click("form[action$='/bayar/'] button[type=submit]")
    page.wait_for_load_state()
    payment = Pembayaran.objects.get()
    assert payment.reference == "TRF-DESA-0001"
    assert not services.coverage_on(k, today)  # a report changes no coverage
    ctx.close()

    ctx = browser.new_context()
    page = ctx.new_page()
    login(page, live_server, officer.username)
    page.goto(f"{live_server.url}/iuran/pembayaran/{payment.pk}/")
    page.click("form[action$='/konfirmasi/'] button[type=submit]")
    page.wait_for_load_state()
    ctx.close()
    payment.refresh_from_db()
    bill.refresh_from_db()
    assert bill.paid == bill.total
    assert services.coverage_on(k, today)
