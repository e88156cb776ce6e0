"""Which branch serves a payer, channels by date and segment, and the payment block of a bill."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import lokal
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from lindung.branches import services
from lindung.branches.demo import load_demo_branches
from lindung.branches.models import ServiceArea
from lindung.common.format import rupiah, tanggal
from lindung.contributions.models import LateFeeRule

from .factories import billed, make_branch, make_channel

pytestmark = pytest.mark.django_db
DESA_Y = "53.18.01.2001"


def _payment(bill, **kw) -> dict:
    with translation.override("id"):
        return services.bill_payment(bill, **kw)


def test_the_regency_branch_wins_over_the_province_branch():
    province = make_branch(regions=("53",))
    kupang = make_branch(regions=("53.01",))
    assert services.branch_for_region("53.01.04.2003") == kupang
    assert services.branch_for_region("53.18.01.2001") == province
    assert services.branch_for_region("53") == province
    assert services.branch_for_region("51.71") is None


def test_a_region_has_one_branch_only():
    make_branch(regions=("53.01",))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_branch(regions=("53.01",))


def test_an_inactive_branch_serves_nobody():
    make_branch(regions=("53.01",), active=False)
    assert services.branch_for_region("53.01.04.2003") is None


def test_channels_are_versioned_by_date():
    kantor = make_branch()
    make_channel(kantor, account_number="111", valid_to=dt.date(2025, 6, 30))
    make_channel(kantor, account_number="222", valid_from=dt.date(2025, 7, 1))
    bill = billed()
    before = _payment(bill, on=dt.date(2025, 6, 30))["channels"]
    after = _payment(bill, on=dt.date(2025, 7, 1))["channels"]
    assert [c["number"] for c in before] == ["111"]
    assert [c["number"] for c in after] == ["222"]
    assert _payment(bill, on=dt.date(2024, 12, 31))["missing"]


def test_channels_follow_the_bill_segment():
    kantor = make_branch()
    make_channel(kantor, account_number="PU-ONLY", segment="pu")
    make_channel(kantor, kind="payment_code", payment_code="BPU-ONLY", segment="bpu")
    make_channel(kantor, account_number="BOTH")
    pu = [c["number"] for c in _payment(billed("perangkat"))["channels"]]
    bpu = [c["number"] for c in _payment(billed("rentan"))["channels"]]
    assert sorted(pu) == ["BOTH", "PU-ONLY"] and sorted(bpu) == ["BOTH", "BPU-ONLY"]


def test_a_virtual_account_is_the_prefix_and_the_payer_id():
    kantor = make_branch()
    make_channel(kantor, kind="virtual_account", va_prefix="88899", account_number="")
    bill = billed()
    (channel,) = _payment(bill)["channels"]
    assert channel["number"] == f"88899{bill.payer_id:011d}"
    assert channel["number_label"] == "Nomor virtual account"


def test_no_branch_gives_the_plain_fallback_and_no_channel():
    make_branch(regions=("53.01",))
    payment = _payment(billed(desa_id=DESA_Y))
    assert payment["kantor"] is None and payment["channels"] == []
    assert payment["missing"].startswith(
        "Saluran pembayaran belum diatur untuk wilayah ini; hubungi kantor cabang BPJS"
    )


def test_a_branch_without_channels_keeps_its_letterhead_and_says_so():
    kantor = make_branch()
    payment = _payment(billed())
    assert payment["kantor"] == kantor and payment["missing"]


def test_amount_in_words_matches_the_figure():
    payment = _payment(billed())
    assert (
        payment["total_words"].lower() == f"{lokal.terbilang(payment['total'])} rupiah"
    )


def test_pu_late_fee_comes_from_the_late_fee_rule():
    bill = billed()
    fee = int((Decimal(bill.iuran_total) * Decimal("0.02")).quantize(0, ROUND_HALF_UP))
    text = " ".join(_payment(bill)["after_due"])
    assert "denda 2% per bulan keterlambatan" in text
    assert f"({rupiah(fee)} per bulan untuk tagihan ini)" in text
    day = bill.due_date + dt.timedelta(days=1)
    assert f"dibayar {tanggal(day)}, denda {rupiah(fee)}" in text
    assert "nonaktif" not in text


def test_a_new_late_fee_rule_row_changes_what_the_bill_says():
    LateFeeRule.objects.filter(segment="pu").update(valid_to=dt.date(2024, 12, 31))
    LateFeeRule.objects.create(
        segment="pu",
        deadline_day=15,
        deadline_month_offset=1,
        rate_per_month=Decimal("0.03"),
        valid_from=dt.date(2025, 1, 1),
    )
    assert "denda 3% per bulan" in " ".join(_payment(billed())["after_due"])


def test_bpu_has_no_fine_and_lapses_after_the_set_months():
    bill = billed("rentan")
    text = " ".join(_payment(bill)["after_due"])
    assert "Tidak ada denda" in text
    assert "tidak dibayar 3 bulan berturut-turut, kepesertaan menjadi nonaktif" in text
    assert "lunas paling lambat 31 Januari 2025" in text


def test_the_demo_branch_serves_ntt_and_loads_once():
    kantor = load_demo_branches()
    load_demo_branches()
    assert ServiceArea.objects.filter(kantor=kantor).count() == 1 + 22
    assert kantor.channels.count() == 3
    assert services.branch_for_region("53.20.01.2001") == kantor


def test_the_admin_lists_and_edits_branches_with_their_channels(admin_client):
    kantor = make_branch()
    make_channel(kantor)
    assert admin_client.get("/admin/branches/kantorcabang/").status_code == 200
    page = admin_client.get(f"/admin/branches/kantorcabang/{kantor.pk}/change/")
    assert page.status_code == 200 and b"001-777-888" in page.content
    assert admin_client.get("/admin/branches/paymentchannel/").status_code == 200


def test_a_channel_needs_the_number_of_its_kind():
    kantor = make_branch()
    channel = make_channel(kantor, kind="virtual_account", va_prefix="")
    with pytest.raises(ValidationError, match="va_prefix"):
        channel.full_clean()
