"""The cached rakor report always equals a recomputation, and any audited write invalidates it."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.contributions.models import Tagihan
from lindung.contributions.services import record_payment, run_billing
from lindung.reports import services
from tests.participants.factories import make_kepesertaan

pytestmark = pytest.mark.django_db


def test_cached_report_equals_recomputation_before_and_after_a_payment(provinsi_user):
    today = dt.date.today()
    member = make_kepesertaan()
    run_billing(actor=None, period=today.replace(day=1))
    first = services.rakor_cached(user=provinsi_user, region_code="53", as_of=today)
    assert first == services.rakor(user=provinsi_user, region_code="53", as_of=today)
    assert first["total"]["perangkat_terlindungi"] == 0

    bill = Tagihan.objects.get(lines__kepesertaan=member)
    record_payment(
        actor=None, payer=bill.payer, amount=bill.total, paid_at=today, reference="T1"
    )
    second = services.rakor_cached(user=provinsi_user, region_code="53", as_of=today)
    assert second == services.rakor(user=provinsi_user, region_code="53", as_of=today)
    assert second["total"]["perangkat_terlindungi"] == 1


def test_cache_is_not_shared_between_scopes(operator_desa, operator_desa_y):
    today = dt.date.today()
    make_kepesertaan()
    mine = services.rakor_cached(user=operator_desa, region_code="53", as_of=today)
    other = services.rakor_cached(user=operator_desa_y, region_code="53", as_of=today)
    assert mine["total"]["perangkat_terdaftar"] == 1
    assert other["total"]["perangkat_terdaftar"] == 0


def test_a_regency_office_gets_only_its_own_rows(kabupaten_user):
    today = dt.date.today()
    make_kepesertaan()
    report = services.rakor(user=kabupaten_user, region_code="53", as_of=today)
    assert [r["code"] for r in report["rows"]] == ["53.01"]
    assert all(
        v["code"].startswith("53.01.")
        for v in report["desa_tanpa_perangkat_terlindungi"]
    )
    national = services.rakor(user=None, region_code="53", as_of=today)
    assert len(national["rows"]) == 22


def test_bpjs_queue_totals_are_cached_until_the_next_audited_write(bpjs_user):
    from lindung.reports.dashboards import bpjs_queue

    today = dt.date.today()
    member = make_kepesertaan()
    run_billing(actor=None, period=today.replace(day=1))
    before = bpjs_queue(bpjs_user, today)
    assert (before["unpaid_bills"], before["without_kpj"]) == (1, 1)
    bill = Tagihan.objects.get(lines__kepesertaan=member)
    record_payment(
        actor=None, payer=bill.payer, amount=bill.total, paid_at=today, reference="T1"
    )
    after = bpjs_queue(bpjs_user, today)
    assert (after["unpaid_bills"], after["unpaid_amount"]) == (0, 0)


def test_cache_keys_are_safe_for_memcached_whatever_the_region_typed():
    from django.core.cache.backends.base import memcache_key_warnings

    key = services.cache_key(
        "rakor", "\x0b\u00e3 53\r\n" * 50, "0343-09-04", "bpjs:*", 0
    )
    assert list(memcache_key_warnings(key)) == [] and len(key) < 250
    assert key != services.cache_key("rakor", "53", "0343-09-04", "bpjs:*", 0)
