"""Each demo role's daily use in a browser (issue 21): every menu item opens a page the role may use, every list
downloads (CSV with ``;`` and a BOM, XLSX), the national dashboard stays light, and English mode is English.
Screenshots of each role's dashboard, desktop and phone, both languages, go to ``screenshots/roles/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from lindung import demo
from tests.e2e.helpers import DESKTOP, PHONE, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("screenshots") / "roles"
ROLES = ("desa", "kabupaten", "provinsi", "bpjs", "pemantau")
# Lists and the query that downloads them (the list's own URL with format=…).
LISTS = {
    "participants": "/peserta/unduh/",
    "bills": "/iuran/",
    "payments": "/iuran/pembayaran/",
    "claims": "/klaim/",
    "imports": "/impor/riwayat/",
    "pks": "/pks/",
}
REFUSED = ("Anda tidak dapat membuka halaman ini", "You may not open this page")


def _context(browser, live_server, username: str, lang: str, viewport=DESKTOP):
    return open_as(browser, live_server, username, viewport=viewport, lang=lang)


@pytest.fixture
def ntt_demo(live_server):
    from lindung.regions.services import load_regions

    load_regions(prefix="53")
    demo.load_demo()
    SHOTS.mkdir(parents=True, exist_ok=True)
    return live_server


def test_each_role_menu_downloads_weight_and_both_languages(browser, ntt_demo):
    live_server = ntt_demo
    for role in ROLES:
        for lang in ("id", "en"):
            ctx, page = _context(browser, live_server, role, lang)
            assert page.locator("html").get_attribute("lang") == lang
            page.screenshot(
                path=str(SHOTS / f"{role}-{lang}-desktop.png"), full_page=True
            )
            if lang == "en":
                text = page.inner_text("main")
                for word in (
                    "Sebagian terlindungi",
                    "Belum ada PKS",
                    "Laki-laki",
                    "Warna:",
                ):
                    assert word not in text, (role, word)
            # Every menu item opens a page this role may use.
            links = page.eval_on_selector_all(
                "header nav a", "els => els.map(e => e.getAttribute('href'))"
            )
            assert links, role
            for href in links:
                response = page.goto(live_server.url + href)
                assert response.status < 400, (role, href, response.status)
                assert not any(r in page.content() for r in REFUSED), (role, href)
            ctx.close()
            ctx, page = _context(browser, live_server, role, lang, viewport=PHONE)
            page.screenshot(
                path=str(SHOTS / f"{role}-{lang}-phone.png"), full_page=True
            )
            ctx.close()


def test_every_list_downloads_as_the_filters_show_it(browser, ntt_demo):
    live_server = ntt_demo
    ctx, page = _context(browser, live_server, "bpjs", "id")
    for name, url in LISTS.items():
        for fmt in ("csv", "xlsx"):
            response = page.request.get(f"{live_server.url}{url}?format={fmt}")
            assert response.status == 200, (name, fmt)
            assert "attachment" in response.headers["content-disposition"], (name, fmt)
            body = response.body()
            if fmt == "csv":
                assert body.startswith("\ufeff".encode()), name
                assert b";" in body.splitlines()[0], name
            else:
                assert body[:2] == b"PK", name  # a zip container: XLSX
    # The link on the page downloads through the browser too, with the page's filters.
    page.goto(f"{live_server.url}/iuran/?state=unpaid")
    with page.expect_download() as download:
        page.click("#dl-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Nomor Tagihan;")
    assert "Dibayar sebagian" not in text and "Lunas" not in text
    # The national dashboard stays light: summarised by province, compressed.
    response = page.request.get(
        f"{live_server.url}/", headers={"Accept-Encoding": "gzip"}
    )
    assert len(response.body()) < 100_000
    ctx.close()
