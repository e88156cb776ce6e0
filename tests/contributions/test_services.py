"""Billing, payments, late fees, coverage and status (docs/regulations.md §3, figure 21) through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.accounts.models import AuditEvent
from lindung.contributions import services
from lindung.contributions.models import (
    Denda,
    IuranSetting,
    Payer,
    Tagihan,
    TagihanLine,
)
from lindung.participants.models import StatusHistory

from .factories import DESA_X, DESA_Y, make_kepesertaan, record

pytestmark = pytest.mark.django_db
JAN, FEB, MAR, APR, MAY, JUN = (dt.date(2025, m, 1) for m in range(1, 7))


def bill(period, **kw):
    return services.run_billing(actor=None, period=period, **kw)


def payer_of(k) -> Payer:
    return services.payer_for_kepesertaan(k)


def pay(k, amount, on, **kw):
    return record(payer_of(k), amount, on, **kw)


def test_it_bills_one_bill_per_payer_and_segment_with_a_line_per_membership():
    officials = [make_kepesertaan(kind="perangkat") for _ in range(3)]
    rentan_dd = make_kepesertaan(sumber_dana="dana_desa")
    apbd = [make_kepesertaan(sumber_dana="apbd_kabupaten") for _ in range(2)]
    own = make_kepesertaan()
    result = bill(JAN)
    assert result["lines"] == 7 and result["bills"] == 4
    desa_pu = Tagihan.objects.get(payer__code=f"desa-{DESA_X}", segment="pu")
    assert desa_pu.total == 3 * 10_920 and desa_pu.due_date == dt.date(2025, 2, 17)
    assert (
        Tagihan.objects.get(payer__code=f"desa-{DESA_X}", segment="bpu").total == 16_800
    )
    kab = Tagihan.objects.get(payer__code="kabupaten-53.01")
    assert (
        kab.total == 2 * 16_800
        and kab.payer.region_id == "53.01"
        and kab.due_date == dt.date(2025, 1, 15)
    )
    assert payer_of(own).kind == "self" and payer_of(own).peserta_id == own.peserta_id
    line = TagihanLine.objects.get(kepesertaan=officials[0])
    assert (line.jkk, line.jkm, line.total, line.base) == (
        4_853,
        6_067,
        10_920,
        2_022_200,
    )
    assert set(line.rules) == {"jkk", "jkm"} and line.rules["jkk"]["tariff"]
    assert {rentan_dd.pk, *(a.pk for a in apbd)} <= set(
        TagihanLine.objects.values_list("kepesertaan_id", flat=True)
    )
    assert AuditEvent.objects.filter(action="billing").count() == 1


def test_billing_twice_creates_nothing_new_and_late_members_get_a_supplementary_bill():
    make_kepesertaan(kind="perangkat")
    assert bill(JAN)["lines"] == 1
    assert bill(JAN) | {"lines": 0} == bill(JAN) and bill(JAN)["bills"] == 0
    make_kepesertaan(kind="perangkat", registered_on=dt.date(2025, 1, 20))
    make_kepesertaan(
        kind="perangkat", registered_on=dt.date(2025, 2, 3)
    )  # not yet a member in January
    again = bill(JAN)
    assert again["lines"] == 1 and again["supplementary"] == 1
    bills = list(Tagihan.objects.filter(period=JAN).order_by("id"))
    assert [b.supplementary for b in bills] == [False, True] and bills[
        0
    ].number != bills[1].number


def test_it_skips_stopped_and_ended_memberships_and_limits_to_a_region():
    make_kepesertaan(status="berhenti")
    make_kepesertaan(ended_on=dt.date(2024, 12, 31))
    make_kepesertaan(desa_id=DESA_Y)
    make_kepesertaan()
    assert bill(JAN, region_code="53.01")["lines"] == 1
    assert bill(JAN)["lines"] == 1


def test_pp_50_2025_relief_and_missing_income_on_bills():
    ojek = make_kepesertaan(pekerjaan="ojek", registered_on=dt.date(2026, 1, 1))
    petani = make_kepesertaan(wage=None, registered_on=dt.date(2026, 1, 1))
    result = bill(dt.date(2026, 1, 1))
    assert result["missing_wage"] == 1
    assert TagihanLine.objects.get(kepesertaan=ojek).total == 8_400
    line = TagihanLine.objects.get(kepesertaan=petani)
    assert line.total == 16_800 and line.base == 1_000_000


def test_partial_payment_covers_lines_oldest_first_and_over_payment_becomes_credit():
    a, b = (
        make_kepesertaan(sumber_dana="dana_desa"),
        make_kepesertaan(sumber_dana="dana_desa"),
    )
    bill(JAN)
    payment = pay(a, 20_000, dt.date(2025, 1, 10))
    assert payment.unallocated == 0
    jan = Tagihan.objects.get(period=JAN)
    assert (jan.paid, jan.state, jan.paid_on) == (20_000, "partial", None)
    assert services.coverage_on(a, dt.date(2025, 1, 20)) and not services.coverage_on(
        b, dt.date(2025, 1, 20)
    )
    pay(a, 30_000, dt.date(2025, 1, 12))
    jan.refresh_from_db()
    assert (jan.state, jan.paid_on) == ("paid", dt.date(2025, 1, 12))
    assert services.payer_credit(payer_of(a)) == 30_000 - 13_600
    assert services.coverage_on(b, dt.date(2025, 1, 31))
    bill(FEB)  # the credit pays February in part at billing time
    feb = Tagihan.objects.get(period=FEB)
    assert feb.paid == 16_400 and services.payer_credit(payer_of(a)) == 0
    assert [services.coverage_on(k, FEB) for k in (a, b)] == [False, False]
    pay(a, 17_200, dt.date(2025, 2, 14))
    assert [services.coverage_on(k, FEB) for k in (a, b)] == [True, True]
    assert services.contribution_months(a, FEB) == 2 and services.paid_through(
        a, FEB
    ) == dt.date(2025, 2, 28)


def test_payment_for_a_named_bill_goes_there_first():
    k = make_kepesertaan()
    bill(JAN)
    bill(FEB)
    feb = Tagihan.objects.get(period=FEB)
    # Dated within February's period: a named bill is not paid before its period (issue 18).
    pay(k, 16_800, dt.date(2025, 2, 3), tagihan=feb)
    assert (
        Tagihan.objects.get(period=FEB).state == "paid"
        and Tagihan.objects.get(period=JAN).state == "unpaid"
    )


def test_it_rejects_bad_payments_and_other_regions(
    operator_desa_y, operator_desa, bpjs_user
):
    # Issue 19: a village operator no longer records money directly (it reports; BPJS confirms).
    k = make_kepesertaan(sumber_dana="dana_desa")
    bill(JAN)
    with pytest.raises(ValidationError):
        pay(k, 0, JAN)
    for actor in (operator_desa_y, operator_desa):
        with pytest.raises(PermissionDenied):
            record(payer_of(k), 100, JAN, actor=actor)
    assert record(payer_of(k), 100, JAN, actor=bpjs_user).amount == 100


def test_pu_late_fee_goes_on_the_next_bill():
    k = make_kepesertaan(
        kind="perangkat", wage=2_022_200, jht=True, jp=True
    )  # 10,920 + 115,265 + 60,666
    bill(JAN)
    jan = Tagihan.objects.get(period=JAN)
    assert jan.total == 186_851 and jan.due_date == dt.date(2025, 2, 17)
    pay(k, jan.total, dt.date(2025, 4, 10))  # 2 started months late
    fine = Denda.objects.get()
    assert (fine.months, fine.amount, fine.charged_on) == (
        2,
        round(186_851 * 0.04),
        None,
    )
    bill(FEB)
    feb = Tagihan.objects.get(period=FEB)
    assert feb.denda_total == fine.amount and feb.total == 186_851 + fine.amount
    assert Denda.objects.get().charged_on_id == feb.pk


def test_bpu_pays_no_late_fee():
    k = make_kepesertaan()
    bill(JAN)
    pay(k, 16_800, dt.date(2025, 5, 1))
    assert not Denda.objects.exists()


def test_pu_arrears_rule_of_figure_21(bpjs_user):
    k = make_kepesertaan(kind="perangkat")
    for month in (JAN, FEB, MAR, APR, MAY):
        bill(month)
    pay(k, 10_920, dt.date(2025, 2, 10))  # January on time
    payer = payer_of(k)
    # Accident on 20 April: Feb (due 17 Mar) and — not yet — Mar (due 15 Apr) are past due → 2 months behind.
    assert services.arrears_months(payer, dt.date(2025, 4, 20)) == 2
    assert services.arrears_months(k, dt.date(2025, 4, 20)) == 2
    # 20 June: Feb, Mar, Apr, May past due → 4 months behind: the employer pays the benefit first.
    assert services.arrears_months(k, dt.date(2025, 6, 20)) == 4


def test_bpu_lapse_and_cover_of_figure_21(bpjs_user):
    k = make_kepesertaan()
    for month in (JAN, FEB, MAR, APR, MAY, JUN):
        bill(month)
    for month in (JAN, FEB, MAR):
        pay(k, 16_800, month.replace(day=10))
    assert (
        services.refresh_status(actor=bpjs_user, as_of=dt.date(2025, 3, 20))["aktif"]
        == 1
    )
    assert (
        services.refresh_status(actor=bpjs_user, as_of=dt.date(2025, 5, 20))["nonaktif"]
        == 0
    )
    result = services.refresh_status(actor=bpjs_user, as_of=dt.date(2025, 6, 20))
    k.refresh_from_db()
    assert result["nonaktif"] == 1 and k.status == "nonaktif"
    assert list(
        StatusHistory.objects.filter(kepesertaan=k).values_list("status", flat=True)
    ) == ["aktif", "nonaktif"]
    assert (
        AuditEvent.objects.filter(
            model="participants.Kepesertaan", object_id=str(k.pk)
        ).count()
        == 2
    )
    assert not services.coverage_on(
        k, dt.date(2025, 6, 10)
    ) and not services.coverage_on(k, dt.date(2025, 4, 10))
    assert k.pk not in set(services.covered_ids(dt.date(2025, 4, 10)))
    strip = services.coverage_strip(k, JUN, months=6)
    assert [s["covered"] for s in strip] == [True, True, True, False, False, False]
    # The grace setting: a month inside the window but unpaid is covered (April and May, not June).
    IuranSetting.objects.update(grace_covered=True)
    assert services.coverage_on(k, dt.date(2025, 4, 10)) and services.coverage_on(
        k, dt.date(2025, 5, 10)
    )
    assert not services.coverage_on(k, dt.date(2025, 6, 10))
    assert k.pk in set(services.covered_ids(dt.date(2025, 5, 10)))
    assert k.pk not in set(services.covered_ids(dt.date(2025, 6, 10)))


def test_back_paying_does_not_restore_cover_unless_the_setting_allows_it(bpjs_user):
    k = make_kepesertaan()
    for month in (JAN, FEB, MAR):
        bill(month)
    pay(
        k, 3 * 16_800, dt.date(2025, 3, 10)
    )  # January and February paid late, March on time
    assert [s["covered"] for s in services.coverage_strip(k, MAR, months=3)] == [
        False,
        False,
        True,
    ]
    assert services.contribution_months(k, MAR) == 3
    IuranSetting.objects.update(retroactive_cover=True)
    assert [s["covered"] for s in services.coverage_strip(k, MAR, months=3)] == [
        True,
        True,
        True,
    ]
    assert k.pk in set(services.covered_ids(JAN))


def test_reinstatement_when_paying_again(bpjs_user):
    k = make_kepesertaan(status="nonaktif")
    bill(JUN)
    pay(k, 16_800, dt.date(2025, 6, 5))
    assert (
        services.refresh_status(actor=bpjs_user, as_of=dt.date(2025, 6, 6))["aktif"]
        == 1
    )
    k.refresh_from_db()
    assert k.status == "aktif"


def test_pu_is_aktif_when_last_month_is_paid(bpjs_user):
    k = make_kepesertaan(kind="perangkat")
    bill(JAN)
    pay(k, 10_920, dt.date(2025, 2, 10))
    assert services.refresh_status(actor=None, as_of=dt.date(2025, 2, 11))["aktif"] == 1


def test_covered_ids_is_a_queryset_usable_in_filters():
    from lindung.participants.models import Kepesertaan

    a, b = make_kepesertaan(), make_kepesertaan()
    bill(JAN)
    pay(a, 16_800, dt.date(2025, 1, 5))
    assert list(
        Kepesertaan.objects.filter(id__in=services.covered_ids(dt.date(2025, 1, 31)))
    ) == [a]
    assert b.pk not in set(services.covered_ids(dt.date(2025, 1, 31)))


def test_billing_needs_the_bill_permission(operator_desa, bpjs_user):
    make_kepesertaan()
    with pytest.raises(PermissionDenied):
        services.run_billing(actor=operator_desa, period=JAN)
    assert services.run_billing(actor=bpjs_user, period=JAN)["lines"] == 1


def test_budget_projection_figure_7(kabupaten_user, operator_desa_y):
    from lindung.participants.models import Kepesertaan

    make_kepesertaan(kind="perangkat", wage=2_426_640, jabatan="kepala_desa")
    make_kepesertaan(kind="perangkat", wage=2_224_420, jabatan="sekretaris_desa")
    for _ in range(7):
        make_kepesertaan(kind="perangkat", wage=2_022_200)
    make_kepesertaan(desa_id=DESA_Y, sumber_dana="apbd_kabupaten")
    rows = services.budget_projection(user=kabupaten_user, year=2025, region_code=None)
    desa = next(r for r in rows if r["level"] == "desa" and r["code"] == DESA_X)
    assert (desa["participants"], desa["monthly"], desa["annual"], desa["funding"]) == (
        9,
        101_556,
        1_218_672,
        "add",
    )
    assert {r["code"] for r in rows} == {
        DESA_X,
        "53.01",
    }  # the other regency is not visible
    bill(JAN)
    pay(
        Kepesertaan.objects.filter(jabatan="kepala_desa").get(),
        50_000,
        dt.date(2025, 2, 1),
    )
    desa = next(
        r
        for r in services.budget_projection(user=None, year=2025, region_code=DESA_X)
        if r["level"] == "desa"
    )
    assert (desa["billed"], desa["paid"], desa["owed"]) == (101_556, 50_000, 51_556)
    assert (
        services.budget_projection(user=operator_desa_y, year=2025, region_code=DESA_X)
        == []
    )


def test_budget_projection_is_cached_until_the_next_audited_write():
    make_kepesertaan(kind="perangkat", wage=2_022_200)
    first = services.budget_projection(user=None, year=2025, region_code=DESA_X)
    make_kepesertaan(
        kind="perangkat", wage=2_022_200
    )  # not through a service: no audit event
    assert services.budget_projection(user=None, year=2025, region_code=DESA_X) == first
    bill(JAN)  # audited
    again = services.budget_projection(user=None, year=2025, region_code=DESA_X)
    assert [r["participants"] for r in first if r["level"] == "desa"] == [1]
    assert [r["participants"] for r in again if r["level"] == "desa"] == [2]


def test_budget_projection_figure_10_and_relief_months():
    for _ in range(3):
        make_kepesertaan(sumber_dana="apbd_kabupaten")
    make_kepesertaan(sumber_dana="self")
    rows = services.budget_projection(user=None, year=2026, region_code="53.01")
    kab = {r["funding"]: r for r in rows if r["level"] == "kabupaten"}
    assert (
        kab["apbd_kabupaten"]["annual"] == 3 * 16_800 * 12
    )  # APBD is excluded from PP 50/2025
    assert kab["self"]["annual"] == 3 * 16_800 + 9 * 8_400  # April–December 2026 at 50%


def test_quote_iuran_raises_validation_error_in_indonesian():
    with pytest.raises(ValidationError, match="Segmen"):
        services.quote_iuran({"segment": "x"})
    with pytest.raises(ValidationError, match="Kasus ke-2"):
        services.quote_many(
            [
                {
                    "segment": "bpu",
                    "wage": 1_000_000,
                    "period": "2025-01",
                    "programmes": ["jkk"],
                },
                {},
            ]
        )


def test_bulk_write_keeps_special_characters_in_payer_names():
    from .factories import make_peserta

    k = make_kepesertaan(peserta=make_peserta(name="Siti\\Nur\tAini\nB"))
    bill(JAN)
    assert payer_of(k).name == "Siti\\Nur\tAini\nB"
