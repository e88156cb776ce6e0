"""Admin inside the rules (issue 20): audit rows cannot be changed or deleted by any path, admin writes are
audited by the admin itself, the NIK is masked in the admin, and the demo BPJS officer is staff, not superuser."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.agreements.models import ReportSetting
from tests.participants.factories import make_kepesertaan

pytestmark = pytest.mark.django_db


@pytest.fixture
def bpjs_staff(db):
    from lindung import demo
    from tests.conftest import make_user

    user = make_user("bpjs", staff=True)
    user.groups.add(demo.bpjs_admin_group())
    return user


def test_audit_rows_cannot_be_changed_or_deleted_by_any_path(client, bpjs_staff):
    event = audit.record(actor=None, action="create", model="x.Y", object_id="1")
    event.note = "diubah"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(note="diubah")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).delete()
    client.force_login(bpjs_staff)
    url = reverse("admin:accounts_auditevent_delete", args=[event.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, note="").exists()


def test_an_admin_change_to_a_rule_is_audited_with_old_and_new_values(
    client, bpjs_staff
):
    setting = ReportSetting.objects.create(
        key="uji", value="0.50", valid_from=dt.date(2026, 1, 1), source="uji"
    )
    client.force_login(bpjs_staff)
    url = reverse("admin:agreements_reportsetting_change", args=[setting.pk])
    r = client.post(
        url,
        {
            "key": "uji",
            "value": "0.75",
            "valid_from": "2026-01-01",
            "source": "uji",
            "confirmed": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    event = AuditEvent.objects.get(model="agreements.ReportSetting", action="update")
    assert event.actor == bpjs_staff and event.changes["value"] == ["0.50", "0.75"]


def test_the_admin_shows_the_nik_masked_and_offers_no_write_to_people(
    client, bpjs_staff
):
    k = make_kepesertaan(None)
    client.force_login(bpjs_staff)
    page = client.get(reverse("admin:participants_peserta_change", args=[k.peserta.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert k.peserta.nik not in body and k.peserta.nik[:6] + "•" in body
    listing = client.get(
        reverse("admin:participants_peserta_changelist") + "?q=" + k.peserta.nik
    )
    shown = listing.content.decode()
    for echo in ("q=", "q%3D", 'value="'):  # the search the user typed, echoed back
        shown = shown.replace(echo + k.peserta.nik, "")
    assert listing.status_code == 200 and k.peserta.nik not in shown
    assert 'field-nik_masked">' + k.peserta.nik[:6] + "•" in shown
    assert (
        client.post(
            reverse("admin:participants_peserta_delete", args=[k.peserta.pk]),
            {"post": "yes"},
        ).status_code
        == 403
    )


def test_the_demo_bpjs_officer_is_staff_not_superuser(db):
    from django.contrib.auth import get_user_model

    from lindung import demo

    demo.create_demo_users()
    user = get_user_model().objects.get(username="bpjs")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("agreements.change_reportsetting")
    assert not user.has_perm("accounts.delete_auditevent")
    assert not user.has_perm("contributions.change_pembayaran")
