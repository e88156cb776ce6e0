from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.accounts.models import AuditEvent
from lindung.participants import services
from lindung.participants.models import Kepesertaan, Peserta, StatusHistory

from .factories import (
    DESA_X,
    DESA_X2,
    DESA_Y,
    make_kepesertaan,
    nik_for,
    perangkat_data,
    rentan_data,
)

pytestmark = pytest.mark.django_db


def test_it_registers_a_perangkat_with_history_and_audit(operator_desa):
    k, outcome = services.register_or_update(actor=operator_desa, data=perangkat_data())
    assert (
        outcome == "inserted"
        and k.status == "terdaftar"
        and k.wage == 2022200
        and k.desa_id == DESA_X
    )
    assert k.history.count() == 1
    assert AuditEvent.objects.filter(
        model="participants.Kepesertaan", object_id=str(k.pk), action="create"
    ).exists()
    assert AuditEvent.objects.filter(
        model="participants.Peserta", action="create"
    ).exists()


def test_same_data_again_is_unchanged_and_a_change_updates_in_place(operator_desa):
    k, _ = services.register_or_update(actor=operator_desa, data=perangkat_data())
    # A second registration of the same NIK shows the person instead of updating it (issue 18).
    with pytest.raises(services.AlreadyRegistered) as again:
        services.register_or_update(actor=operator_desa, data=perangkat_data())
    assert again.value.kepesertaan.pk == k.pk
    assert (
        services.register_or_update(
            actor=operator_desa, data=perangkat_data(kepesertaan_id=k.pk)
        )[1]
        == "unchanged"
    )
    k2, outcome = services.register_or_update(
        actor=operator_desa,
        data=perangkat_data(wage="Rp 2.500.000", kepesertaan_id=k.pk),
    )
    assert (
        outcome == "updated"
        and k2.pk == k.pk
        and k2.wage == 2500000
        and k2.version == k.version + 1
    )
    event = AuditEvent.objects.filter(action="update", object_id=str(k.pk)).get()
    assert event.changes["wage"] == [2022200, 2500000]


def test_it_refuses_invalid_data_with_indonesian_messages(operator_desa):
    with pytest.raises(ValidationError) as exc:
        services.register_or_update(
            actor=operator_desa,
            data=perangkat_data(nik="5.30104E+15", birth_date="31/02/1968"),
        )
    text = " ".join(exc.value.messages)
    assert "NIK" in text and "Tanggal Lahir" in text


def test_same_nik_active_in_another_village_is_a_conflict(bpjs_user):
    make_kepesertaan(bpjs_user)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        services.register_or_update(
            actor=bpjs_user, data=perangkat_data(desa_code=DESA_X2)
        )
    assert Kepesertaan.objects.count() == 1


def test_after_ending_a_membership_the_person_can_register_elsewhere(bpjs_user):
    k = make_kepesertaan(bpjs_user)
    services.end_membership(
        actor=bpjs_user, kepesertaan=k, reason="pindah", ended_on=dt.date.today()
    )
    k2, outcome = services.register_or_update(
        actor=bpjs_user, data=perangkat_data(desa_code=DESA_X2)
    )
    assert (
        outcome == "inserted"
        and k2.peserta_id == k.peserta_id
        and Peserta.objects.count() == 1
    )


def test_operator_cannot_register_outside_their_village(operator_desa):
    with pytest.raises(PermissionDenied):
        services.register_or_update(
            actor=operator_desa,
            data=perangkat_data(desa_code=DESA_Y, nik=nik_for(1, prefix="531801")),
        )
    with pytest.raises(PermissionDenied):
        services.register_or_update(
            actor=operator_desa, data=perangkat_data(desa_code=DESA_X2)
        )


def test_viewer_cannot_register(viewer_user):
    with pytest.raises(PermissionDenied):
        services.register_or_update(actor=viewer_user, data=perangkat_data())


def test_a_stale_edit_is_refused(operator_desa):
    k, _ = services.register_or_update(actor=operator_desa, data=perangkat_data())
    services.register_or_update(
        actor=operator_desa,
        data=perangkat_data(wage="2500000", version=k.version, kepesertaan_id=k.pk),
    )
    with pytest.raises(ValidationError, match="sudah diubah oleh pengguna lain"):
        services.register_or_update(
            actor=operator_desa,
            data=perangkat_data(wage="2600000", version=k.version, kepesertaan_id=k.pk),
        )


def test_status_change_on_a_stale_instance_is_refused(operator_desa):
    k = make_kepesertaan(operator_desa)
    stale = Kepesertaan.objects.get(pk=k.pk)
    services.change_status(actor=operator_desa, kepesertaan=k, status="aktif")
    with pytest.raises(ValidationError, match="sudah diubah"):
        services.change_status(
            actor=operator_desa, kepesertaan=stale, status="nonaktif"
        )


def test_end_membership_writes_status_history_and_audit(bpjs_user):
    k = make_kepesertaan(bpjs_user, registered_on="02/01/2026")
    services.end_membership(
        actor=bpjs_user, kepesertaan=k, reason="meninggal", ended_on=dt.date(2026, 5, 1)
    )
    k.refresh_from_db()
    assert (k.status, k.stop_reason, k.ended_on) == (
        "berhenti",
        "meninggal",
        dt.date(2026, 5, 1),
    )
    assert StatusHistory.objects.filter(
        kepesertaan=k, status="berhenti", reason="Meninggal"
    ).exists()
    assert AuditEvent.objects.filter(action="transition", object_id=str(k.pk)).exists()
    with pytest.raises(ValidationError, match="sudah berhenti"):
        services.end_membership(
            actor=bpjs_user,
            kepesertaan=k,
            reason="meninggal",
            ended_on=dt.date(2026, 5, 1),
        )


def test_end_membership_as_the_system_with_free_text_reason():
    # The claims app ends a membership on the incident date, which may precede the registry entry date.
    k = make_kepesertaan()
    services.end_membership(
        actor=None, kepesertaan=k, reason="Klaim JKM diputus", ended_on=dt.date.today()
    )
    assert k.stop_reason == "lainnya" and k.history.last().reason == "Klaim JKM diputus"


@pytest.mark.parametrize(
    "path,ok",
    [(["aktif", "nonaktif", "aktif"], True), (["nonaktif", "terdaftar"], False)],
)
def test_status_transitions(operator_desa, path, ok):
    k = make_kepesertaan(operator_desa)
    if ok:
        for status in path:
            services.change_status(actor=operator_desa, kepesertaan=k, status=status)
        assert k.history.count() == 1 + len(path)
    else:
        services.change_status(actor=operator_desa, kepesertaan=k, status=path[0])
        with pytest.raises(ValidationError):
            services.change_status(actor=operator_desa, kepesertaan=k, status=path[1])


def test_set_kpj_validates_digits_warns_on_length_and_refuses_duplicates(bpjs_user):
    k = make_kepesertaan(bpjs_user)
    assert (
        services.set_kpj(actor=bpjs_user, kepesertaan=k, kpj="12345678901")[1] is None
    )
    k2 = make_kepesertaan(bpjs_user, serial=2, jabatan="Kasi Pelayanan")
    assert (
        "11 digit"
        in services.set_kpj(actor=bpjs_user, kepesertaan=k2, kpj="123456789")[1]
    )
    with pytest.raises(ValidationError):
        services.set_kpj(actor=bpjs_user, kepesertaan=k2, kpj="12A")
    with pytest.raises(ValidationError, match="sudah dipakai"):
        services.set_kpj(actor=bpjs_user, kepesertaan=k2, kpj="12345678901")


def test_only_one_kepala_desa_per_desa(bpjs_user):
    make_kepesertaan(bpjs_user, jabatan="Kepala Desa", wage="2426640")
    with pytest.raises(ValidationError, match="sudah punya Kepala Desa"):
        make_kepesertaan(bpjs_user, serial=2, jabatan="Kades")
    make_kepesertaan(bpjs_user, serial=3, jabatan="Kepala Dusun")
    make_kepesertaan(bpjs_user, serial=4, jabatan="Kepala Dusun")


def test_unmask_writes_an_audit_row_and_viewers_may_not(operator_desa, viewer_user):
    k = make_kepesertaan(operator_desa)
    assert services.unmask_nik(actor=operator_desa, kepesertaan=k) == k.peserta.nik
    assert AuditEvent.objects.filter(action="unmask", actor=operator_desa).count() == 1
    with pytest.raises(PermissionDenied):
        services.unmask_nik(actor=viewer_user, kepesertaan=k)


def test_rentan_registration(operator_desa):
    k, outcome = services.register_or_update(
        actor=operator_desa, data=rentan_data(wage="")
    )
    assert (
        outcome == "inserted"
        and k.kind == "rentan"
        and k.pekerjaan == "petani"
        and k.wage is None
    )


def test_visible_to_scopes_memberships(operator_desa, operator_desa_y, kabupaten_user):
    k = make_kepesertaan()
    assert list(Kepesertaan.objects.visible_to(operator_desa)) == [k]
    assert list(Kepesertaan.objects.visible_to(kabupaten_user)) == [k]
    assert not Kepesertaan.objects.visible_to(operator_desa_y).exists()


def test_a_blank_field_in_the_form_clears_the_stored_value(operator_desa):
    k, _ = services.register_or_update(
        actor=operator_desa, data=perangkat_data(phone="081234567890")
    )
    assert k.peserta.phone == "081234567890"
    services.register_or_update(
        actor=operator_desa,
        data=perangkat_data(phone="", version=k.version, kepesertaan_id=k.pk),
    )
    k.peserta.refresh_from_db()
    assert k.peserta.phone == ""


def test_editing_an_ended_membership_does_not_register_it_again(bpjs_user):
    k = make_kepesertaan(bpjs_user)
    services.end_membership(
        actor=bpjs_user, kepesertaan=k, reason="pindah", ended_on=dt.date.today()
    )
    with pytest.raises(ValidationError, match="sudah berhenti"):
        services.register_or_update(
            actor=bpjs_user, data=perangkat_data(wage="2500000", kepesertaan_id=k.pk)
        )
    assert Kepesertaan.objects.count() == 1
