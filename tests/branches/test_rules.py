"""Pure rules for paying a bill: Lindung's virtual-account numbers and the after-due sentences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from lindung.branches import rules


@pytest.mark.parametrize(
    ("prefix", "payer_id", "length", "expected"),
    [
        ("88899", 42, 16, "8889900000000042"),
        ("12345678", 7, 12, "123456780007"),
        ("9", 123456, 4, "9123456"),  # a long id is never cut
    ],
)
def test_it_makes_a_virtual_account_from_prefix_and_payer_id(
    prefix, payer_id, length, expected
):
    assert rules.virtual_account(prefix, payer_id, length) == expected
    assert rules.payer_id_from_virtual_account(expected, prefix) == payer_id


def test_it_reads_no_payer_from_another_prefix():
    assert rules.payer_id_from_virtual_account("7770000000000042", "88899") is None


@pytest.mark.parametrize(
    ("rate", "text"),
    [(Decimal("0.02"), "2"), (Decimal("0.005"), "0,5"), (Decimal("0.02000"), "2")],
)
def test_it_writes_the_rate_as_an_indonesian_percentage(rate, text):
    assert rules.percent_text(rate) == text


def test_it_says_no_fine_when_the_rate_is_zero():
    with translation.override("id"):
        out = rules.late_fee_sentences(rate=Decimal(0), per_month=0, examples=[])
    assert out == ["Tidak ada denda untuk pembayaran setelah jatuh tempo."]


def test_it_gives_the_fee_per_month_and_examples():
    with translation.override("id"):
        out = " ".join(
            rules.late_fee_sentences(
                rate=Decimal("0.02"),
                per_month=7_000,
                examples=[
                    (dt.date(2025, 2, 18), 7_000),
                    (dt.date(2025, 3, 18), 14_000),
                ],
            )
        )
    assert "denda 2% per bulan keterlambatan" in out
    assert "(Rp7.000 per bulan untuk tagihan ini)" in out
    assert "dibayar 18 Februari 2025, denda Rp7.000" in out
    assert "dibayar 18 Maret 2025, denda Rp14.000" in out


def test_bpu_lapse_follows_the_settings():
    kw = dict(
        segment="bpu",
        period=dt.date(2025, 1, 1),
        month_end=dt.date(2025, 1, 31),
        grace_covered=False,
        retroactive_cover=False,
    )
    with translation.override("id"):
        three = " ".join(rules.lapse_sentences(lapse_months=3, **kw))
        six = " ".join(rules.lapse_sentences(lapse_months=6, **kw))
        pu = rules.lapse_sentences(**{**kw, "segment": "pu"}, lapse_months=3)
    assert "tidak dibayar 3 bulan berturut-turut, kepesertaan menjadi nonaktif" in three
    assert "lunas paling lambat 31 Januari 2025" in three
    assert "6 bulan berturut-turut" in six
    assert pu == []
