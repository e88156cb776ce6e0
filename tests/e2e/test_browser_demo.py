"""Browser journeys on the NTT demo: each role's dashboard, the participant list, an upload, the rakor PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from lindung import demo
from tests.e2e.helpers import open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("screenshots")


def test_demo_roles_dashboards_and_rakor_pdf(browser, live_server):
    from lindung.regions.services import load_regions

    load_regions(prefix="53")
    demo.load_demo()
    SHOTS.mkdir(exist_ok=True)

    ctx, page = open_as(browser, live_server, "provinsi")
    body = page.content()
    assert "19.629" in body  # perangkat protected in NTT
    assert "7.031" in body and "5.353" in body
    assert (
        page.locator("svg.map rect[fill='#c0392b']").count() == 2
    )  # Sabu Raijua and Sumba Barat Daya in red
    page.screenshot(path=str(SHOTS / "dashboard-provinsi.png"), full_page=True)
    page.goto(f"{live_server.url}/laporan/rakor/?region=53")
    with page.expect_download() as download:
        page.click("#dl-pdf")
    path = download.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    ctx.close()

    ctx, page = open_as(browser, live_server, "kabupaten")
    assert "Sumba Barat Daya" in page.content()
    assert page.locator("#village-table tr.red").count() > 0
    page.screenshot(path=str(SHOTS / "dashboard-kabupaten.png"), full_page=True)
    ctx.close()

    ctx, page = open_as(
        browser, live_server, "desa", viewport={"width": 390, "height": 844}
    )
    assert "Bokonusan" in page.content()
    page.screenshot(path=str(SHOTS / "dashboard-desa-phone.png"), full_page=True)
    ctx.close()

    ctx, page = open_as(browser, live_server, "bpjs")
    assert page.locator("#bpjs-queue").count() == 1
    page.screenshot(path=str(SHOTS / "dashboard-bpjs.png"), full_page=True)
    ctx.close()

    ctx, page = open_as(browser, live_server, "pemantau")
    assert "19.629" in page.content()
    ctx.close()


def test_filter_participants_and_upload_a_spreadsheet(browser, live_server, tmp_path):
    import subprocess
    import sys

    from lindung.participants.models import Kepesertaan
    from lindung.regions.services import load_regions
    from tests.conftest import make_user

    load_regions(prefix="53")
    demo.load_demo()
    target = (
        Kepesertaan.objects.filter(desa__code__startswith="53.18.")
        .select_related("peserta")
        .first()
    )

    ctx, page = open_as(browser, live_server, "kabupaten")
    page.goto(f"{live_server.url}/peserta/")
    before = page.locator("#rows tbody tr").count()
    page.fill("input[name=q]", target.peserta.name)
    page.wait_for_function(
        "n => document.querySelectorAll('#rows tbody tr').length < n",
        arg=before,
        timeout=10_000,
    )
    names = page.locator("#rows tbody tr").all_inner_texts()
    assert names and all(target.peserta.name in row for row in names)
    page.screenshot(path=str(SHOTS / "peserta-filter.png"), full_page=True)
    ctx.close()

    sheet = tmp_path / "rentan.csv"
    subprocess.run(
        [
            sys.executable,
            "bench/gen_spreadsheet.py",
            "--rows",
            "300",
            "--kind",
            "rentan",
            "--out",
            str(sheet),
        ],
        check=True,
        capture_output=True,
    )
    user = make_user(
        "kabupaten", ["53.01"]
    )  # rows outside Kab. Kupang are rejected with a reason
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    from tests.conftest import PASSWORD

    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/impor/")
    page.set_input_files("input[name=file]", str(sheet))
    page.select_option("select[name=kind]", "rentan")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    page.click("form[action*='mulai'] button[type=submit]")
    page.wait_for_selector("#progress [aria-valuenow='100']", timeout=60_000)
    body = page.locator("#progress").inner_text()
    assert "300" in body
    page.screenshot(path=str(SHOTS / "impor-selesai.png"), full_page=True)
    ctx.close()
