"""The bill PDF and the bill page say how to pay, the amount in words, the due date and what follows it."""

from __future__ import annotations

import datetime as dt
import io

import lokal
import pytest
from django.core.files.base import ContentFile
from PIL import Image

from lindung.common.format import tanggal
from lindung.contributions.models import Tagihan
from tests.reports.helpers import pdf_text

from .factories import billed, make_branch, make_channel

pytestmark = pytest.mark.django_db
DESA_Y = "53.18.01.2001"
FALLBACK = (
    "Saluran pembayaran belum diatur untuk wilayah ini; hubungi kantor cabang BPJS"
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf(client, bill) -> str:
    response = client.get(f"/iuran/tagihan/{bill.number}/pdf/")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    return _flat(pdf_text(response.content))


def _page(client, bill) -> str:
    response = client.get(f"/iuran/tagihan/{bill.number}/")
    assert response.status_code == 200
    return _flat(response.content.decode())


@pytest.fixture
def kupang():
    kantor = make_branch(regions=("53.01",), name="BPJS Ketenagakerjaan Cabang Kupang")
    make_channel(kantor, account_number="001-777-888", segment="pu")
    make_channel(kantor, kind="payment_code", payment_code="BPJSTK-BPU", segment="bpu")
    return kantor


@pytest.mark.parametrize("render", [_pdf, _page], ids=["pdf", "page"])
def test_a_pu_bill_says_how_to_pay_and_what_a_late_payment_costs(
    render, client, bpjs_user, kupang
):
    bill = billed("perangkat")
    client.force_login(bpjs_user)
    text = render(client, bill)
    assert "BPJS Ketenagakerjaan Cabang Kupang" in text
    assert "Bank NTT" in text and "001-777-888" in text
    assert f"Tulis nomor tagihan {bill.number} pada berita transfer." in text
    assert f"{lokal.terbilang(bill.total)} rupiah" in text.lower()
    assert f"Bayar paling lambat {tanggal(bill.due_date)}." in text
    assert "Setelah jatuh tempo dikenakan denda 2% per bulan keterlambatan" in text
    assert "ditagihkan bersama tagihan berikutnya" in text
    assert "BPJSTK-BPU" not in text and FALLBACK not in text


@pytest.mark.parametrize("render", [_pdf, _page], ids=["pdf", "page"])
def test_a_bpu_bill_says_there_is_no_fine_but_the_membership_lapses(
    render, client, bpjs_user, kupang
):
    bill = billed("rentan")
    client.force_login(bpjs_user)
    text = render(client, bill)
    assert "BPJSTK-BPU" in text and "001-777-888" not in text
    assert f"{lokal.terbilang(bill.total)} rupiah" in text.lower()
    assert f"Bayar paling lambat {tanggal(bill.due_date)}." in text
    assert "Tidak ada denda untuk pembayaran setelah jatuh tempo." in text
    assert (
        "Jika iuran tidak dibayar 3 bulan berturut-turut, kepesertaan menjadi nonaktif."
        in text
    )


@pytest.mark.parametrize("render", [_pdf, _page], ids=["pdf", "page"])
def test_a_region_without_a_branch_gets_the_plain_fallback(
    render, client, bpjs_user, kupang
):
    bill = billed("perangkat", desa_id=DESA_Y)
    client.force_login(bpjs_user)
    text = render(client, bill)
    assert FALLBACK in text
    assert "001-777-888" not in text and "Cabang Kupang" not in text
    assert f"{lokal.terbilang(bill.total)} rupiah" in text.lower()


def test_the_page_shows_what_is_left_after_a_partial_payment(
    client, operator_desa, kupang
):
    bill = billed("perangkat", sumber_dana="dana_desa")
    # How a payment is recorded is another part of issue #19; only what the bill then shows matters here.
    Tagihan.objects.filter(pk=bill.pk).update(paid=1_000)
    bill.refresh_from_db()
    client.force_login(operator_desa)
    left = bill.total - bill.paid
    for text in (_page(client, bill), _pdf(client, bill)):
        assert f"{lokal.terbilang(left)} rupiah" in text.lower()


def test_the_bill_shows_the_channel_in_force_today(client, bpjs_user):
    kantor = make_branch(regions=("53.01",))
    today = dt.date.today()
    make_channel(kantor, account_number="LAMA", valid_to=today - dt.timedelta(days=1))
    make_channel(kantor, account_number="BARU", valid_from=today)
    bill = billed("perangkat")
    client.force_login(bpjs_user)
    for text in (_page(client, bill), _pdf(client, bill)):
        assert "BARU" in text and "LAMA" not in text


def test_the_branch_logo_is_printed_on_the_letterhead(
    client, bpjs_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), (11, 110, 79)).save(buf, format="PNG")
    kantor = make_branch(regions=("53.01",))
    kantor.logo.save("logo.png", ContentFile(buf.getvalue()))
    bill = billed("perangkat")
    client.force_login(bpjs_user)
    response = client.get(f"/iuran/tagihan/{bill.number}/pdf/")
    assert b"/Subtype /Image" in response.content
    assert kantor.name in pdf_text(response.content)
