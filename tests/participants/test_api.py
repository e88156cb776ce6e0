from __future__ import annotations

import pytest

from lindung.accounts.models import AuditEvent

from .factories import DESA_Y, make_kepesertaan, nik_for, perangkat_data

pytestmark = pytest.mark.django_db
URL = "/api/v1/participants/"


def test_list_is_scoped_paginated_and_masked(client, operator_desa):
    k = make_kepesertaan()
    make_kepesertaan(serial=7, desa_code=DESA_Y, nik=nik_for(7, prefix="531801"))
    client.force_login(operator_desa)
    data = client.get(URL).json()
    assert (
        data["count"] == 1
        and data["items"][0]["id"] == k.pk
        and "•" in data["items"][0]["nik"]
    )
    assert client.get(URL, {"kind": "rentan"}).json()["count"] == 0


def test_detail_unmask_is_audited_and_other_regions_are_404(
    client, operator_desa, operator_desa_y
):
    k = make_kepesertaan()
    client.force_login(operator_desa)
    assert client.get(f"{URL}{k.pk}", {"unmask": "true"}).json()["nik"] == k.peserta.nik
    assert AuditEvent.objects.filter(action="unmask").count() == 1
    client.force_login(operator_desa_y)
    assert client.get(f"{URL}{k.pk}").status_code == 404


def test_create_update_and_errors(client, operator_desa):
    client.force_login(operator_desa)
    created = client.post(URL, perangkat_data(), content_type="application/json")
    assert created.status_code == 201 and created.json()["outcome"] == "inserted"
    body = created.json()["kepesertaan"]
    updated = client.put(
        f"{URL}{body['id']}",
        {**perangkat_data(wage="2500000"), "version": body["version"]},
        content_type="application/json",
    )
    assert (
        updated.status_code == 200 and updated.json()["kepesertaan"]["wage"] == 2500000
    )
    stale = client.put(
        f"{URL}{body['id']}",
        {**perangkat_data(wage="2600000"), "version": body["version"]},
        content_type="application/json",
    )
    assert stale.status_code == 400 and "sudah diubah" in stale.json()["message"]
    outside = client.post(
        URL,
        perangkat_data(serial=3, desa_code=DESA_Y, nik=nik_for(3, prefix="531801")),
        content_type="application/json",
    )
    assert outside.status_code == 403


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401


def test_the_list_is_paginated_in_the_database(
    client, operator_desa, django_assert_max_num_queries
):
    from .factories import make_kepesertaan as make

    for i in range(1, 13):
        make(operator_desa, serial=i, nik=nik_for(i), name="Orang {}".format(i))
    client.force_login(operator_desa)
    with django_assert_max_num_queries(12):
        page = client.get(URL + "?page_size=2").json()
    assert page["count"] == 12 and len(page["items"]) == 2
    assert all(
        "•" in item["nik"] and item["name"].startswith("Orang")
        for item in page["items"]
    )
