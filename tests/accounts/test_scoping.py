from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lindung.accounts.models import region_scope, user_can
from lindung.accounts.services import create_user
from lindung.participants.models import Kepesertaan, Peserta
from tests.conftest import DESA_X, DESA_Y, make_user


def _member(nik: str, desa: str) -> Kepesertaan:
    p = Peserta.objects.create(
        nik=nik, name="Uji", birth_date=dt.date(1980, 1, 1), sex="L"
    )
    return Kepesertaan.objects.create(
        peserta=p,
        kind="rentan",
        desa_id=desa,
        pekerjaan="petani",
        sumber_dana="dana_desa",
        registered_on=dt.date(2026, 1, 1),
    )


@pytest.fixture
def two_villages(db):
    return _member("5301040101800001", DESA_X), _member("5318010101800001", DESA_Y)


def test_village_operator_sees_only_own_desa(two_villages, operator_desa):
    x, y = two_villages
    visible = set(Kepesertaan.objects.visible_to(operator_desa))
    assert x in visible and y not in visible


def test_regency_office_sees_its_kabupaten_only(two_villages, kabupaten_user):
    x, y = two_villages
    assert list(Kepesertaan.objects.visible_to(kabupaten_user)) == [x]


def test_province_and_national_bpjs_see_both(two_villages, provinsi_user, bpjs_user):
    assert Kepesertaan.objects.visible_to(provinsi_user).count() == 2
    assert Kepesertaan.objects.visible_to(bpjs_user).count() == 2


def test_branch_bpjs_officer_is_limited_to_its_kabupaten(two_villages):
    branch = make_user("bpjs", ["53.18"])
    assert [k.desa_id for k in Kepesertaan.objects.visible_to(branch)] == [DESA_Y]


def test_viewer_can_read_but_not_change(two_villages, viewer_user):
    assert Kepesertaan.objects.visible_to(viewer_user).count() == 2
    assert Kepesertaan.objects.visible_to(viewer_user, action="change").count() == 0
    assert not user_can(viewer_user, "change", DESA_X)


def test_prefix_does_not_leak_to_sibling_codes(db):
    # "53.1" must not match "53.18": prefixes are whole segments.
    from lindung.regions.models import Region

    q = region_scope(make_user("kabupaten", ["53.01"]), "code")
    seen = set(Region.objects.filter(q).values_list("code", flat=True))
    assert "53.01" in seen and "53.01.04.2003" in seen
    assert all(c == "53.01" or c.startswith("53.01.") for c in seen)
    assert not {"53.10", "53.18", "53.18.01.2001"} & seen


def test_anonymous_user_sees_nothing(two_villages):
    from django.contrib.auth.models import AnonymousUser

    assert Kepesertaan.objects.visible_to(AnonymousUser()).count() == 0


@pytest.mark.parametrize(
    ("role", "regions"),
    [("desa", ["53.01"]), ("kabupaten", [DESA_X]), ("provinsi", [])],
)
def test_roles_must_sit_at_their_level(db, role, regions):
    with pytest.raises(ValidationError):
        create_user(username="x", password="p" * 12, role=role, regions=regions)


def test_login_page_is_indonesian_with_english_switch(client):
    body = client.get("/accounts/login/").content.decode()
    assert "Masuk" in body and 'value="en"' in body
