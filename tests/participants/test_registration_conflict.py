"""One registration never overwrites another, and a change of name, birth date or sex is shown before it is saved
(issue 18): on the form, the API and the service alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.accounts.models import AuditEvent
from lindung.participants import services
from lindung.participants.models import Kepesertaan, Peserta

from .factories import DESA_Y, make_kepesertaan, nik_for, perangkat_data

pytestmark = pytest.mark.django_db
URL = "/api/v1/participants/"


def form_data(**overrides) -> dict:
    """perangkat_data as the web form posts it (choice codes)."""
    return {
        **perangkat_data(**overrides),
        "jabatan": "kaur_keuangan",
        "sumber_dana": "add",
        "risk_group": "sangat_rendah",
        **{k: v for k, v in overrides.items() if k in ("jabatan", "sumber_dana")},
    }


def test_registering_a_registered_nik_shows_the_person_and_changes_nothing(
    client, operator_desa
):
    k = make_kepesertaan(operator_desa)
    client.force_login(operator_desa)
    page = client.post(
        reverse("participants:add"),
        form_data(name="Nama Lain", wage="9000000"),
    )
    body = page.content.decode()
    assert page.status_code == 200 and 'id="already-registered"' in body
    assert (
        reverse("participants:edit", args=[k.pk]) in body and "Yohanes Contoh" in body
    )
    block = body[
        body.index('id="already-registered"') : body.index(
            "<form", body.index('id="already-registered"')
        )
    ]
    assert k.peserta.nik not in block  # the person is shown with the NIK masked
    k.refresh_from_db()
    k.peserta.refresh_from_db()
    assert (k.peserta.name, k.wage, k.version) == ("Yohanes Contoh", 2022200, 1)

    api = client.post(
        URL, perangkat_data(wage="9000000"), content_type="application/json"
    )
    assert api.status_code == 409 and api.json()["detail"]["kepesertaan_id"] == k.pk
    assert Kepesertaan.objects.get().wage == 2022200


def test_outside_the_scope_a_conflict_names_nothing(operator_desa, operator_desa_y):
    make_kepesertaan(operator_desa)
    with pytest.raises(services.AlreadyRegistered) as exc:
        services.register_or_update(
            actor=operator_desa_y,
            data=perangkat_data(desa_code=DESA_Y),
        )
    assert exc.value.kepesertaan is None
    assert exc.value.messages == [services.ELSEWHERE]
    assert "Bokonusan" not in exc.value.messages[0]


def test_a_name_change_is_shown_old_to_new_and_saved_only_when_confirmed(
    client, operator_desa
):
    k = make_kepesertaan(operator_desa)
    client.force_login(operator_desa)
    url = reverse("participants:edit", args=[k.pk])
    form = {**form_data(name="Yohanes Kontoh"), "version": k.version}
    first = client.post(url, form)
    body = first.content.decode()
    assert first.status_code == 200 and 'id="identity-changes"' in body
    assert "Yohanes Contoh" in body and "Yohanes Kontoh" in body
    assert Peserta.objects.get().name == "Yohanes Contoh"
    assert 'name="confirm_identity"' in body
    assert k.peserta.nik not in body  # the edit form shows the NIK masked too
    confirmed = client.post(url, {**form, "confirm_identity": "1"})
    assert confirmed.status_code == 302
    assert Peserta.objects.get().name == "Yohanes Kontoh"
    event = AuditEvent.objects.filter(action="update", changes__has_key="name").get()
    assert event.changes["name"] == ["Yohanes Contoh", "Yohanes Kontoh"]


def test_the_api_asks_to_confirm_an_identity_change(client, operator_desa):
    k = make_kepesertaan(operator_desa)
    client.force_login(operator_desa)
    data = {**perangkat_data(name="Yohanes Kontoh"), "version": k.version}
    refused = client.put(f"{URL}{k.pk}", data, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["detail"]["changes"] == [
        {
            "field": "name",
            "label": "Nama",
            "old": "Yohanes Contoh",
            "new": "Yohanes Kontoh",
        }
    ]
    saved = client.put(
        f"{URL}{k.pk}",
        {**data, "confirm_identity": True},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["outcome"] == "updated"


def test_a_birth_date_contradicting_the_nik_is_refused_even_when_confirmed(
    operator_desa,
):
    k = make_kepesertaan(operator_desa)
    with pytest.raises(services.ValidationError, match="tanggal lahir di NIK"):
        services.register_or_update(
            actor=operator_desa,
            data=perangkat_data(
                birth_date="06/08/1968", kepesertaan_id=k.pk, confirm_identity=True
            ),
        )


def test_a_birth_date_in_the_future_is_refused_on_the_form_and_the_api(
    client, operator_desa
):
    client.force_login(operator_desa)
    future = perangkat_data(nik=nik_for(7, yy=30), birth_date="05/08/2030")
    page = client.post(
        reverse("participants:add"),
        form_data(nik=nik_for(7, yy=30), birth_date="05/08/2030"),
    )
    assert page.status_code == 200 and "belum terjadi" in page.content.decode()
    api = client.post(URL, future, content_type="application/json")
    assert api.status_code == 400 and "belum terjadi" in api.json()["message"]
    assert not Kepesertaan.objects.exists()
