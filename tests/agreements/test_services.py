"""Agreement and plan state per regency, and marking a plan done (audited, scoped)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.models import AuditEvent
from lindung.agreements import services
from lindung.agreements.models import PlannedAction

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _pks(code: str, number: str, valid_to: dt.date | None, signed_on=None):
    return services.save_pks(
        actor=None,
        kabupaten_code=code,
        number=number,
        signed_on=signed_on or dt.date(2022, 6, 10),
        scope="both",
        valid_to=valid_to,
    )


def test_an_ended_pks_is_berakhir_until_a_renewal_is_recorded():
    ended = TODAY - dt.timedelta(days=30)
    _pks("53.01", "1/PKS/2022", ended)
    state = services.agreement_states(["53.01", "53.18"], TODAY)
    assert state["53.01"]["pks_status"] == "berakhir"
    assert state["53.01"]["pks_berlaku_sampai"] == ended
    assert "53.18" not in state  # belum ada

    _pks("53.01", "2/PKS/2025", TODAY + dt.timedelta(days=900), signed_on=TODAY)
    state = services.agreement_states(["53.01"], TODAY)
    assert state["53.01"]["pks_status"] == "aktif"
    assert state["53.01"]["pks_nomor"] == "2/PKS/2025"
    # On a date before the renewal was signed, the report still says "berakhir".
    before = services.agreement_states(["53.01"], TODAY - dt.timedelta(days=1))
    assert before["53.01"]["pks_status"] == "berakhir"


def test_the_overdue_plan_is_the_one_shown():
    for days, text in ((-60, "APBD Perubahan"), (30, "Pencairan ADD")):
        services.add_planned_action(
            actor=None,
            kabupaten_code="53.20",
            planned_on=TODAY + dt.timedelta(days=days),
            description=text,
        )
    state = services.plan_states(["53.20"], TODAY)["53.20"]
    assert state["terlambat"] and state["action"].description == "APBD Perubahan"
    services.set_action_done(
        actor=None, action=PlannedAction.objects.get(description="APBD Perubahan")
    )
    state = services.plan_states(["53.20"], TODAY)["53.20"]
    assert not state["terlambat"] and state["action"].description == "Pencairan ADD"


def test_marking_a_plan_done_is_audited_and_scoped(kabupaten_user, viewer_user):
    action = services.add_planned_action(
        actor=None, kabupaten_code="53.01", planned_on=TODAY, description="Sosialisasi"
    )
    with pytest.raises(PermissionDenied):
        services.set_action_done(actor=viewer_user, action=action)
    other = services.add_planned_action(
        actor=None, kabupaten_code="53.18", planned_on=TODAY, description="Lain"
    )
    with pytest.raises(PermissionDenied):
        services.set_action_done(actor=kabupaten_user, action=other)

    done = services.set_action_done(actor=kabupaten_user, action=action)
    assert done.done
    event = AuditEvent.objects.filter(model="agreements.PlannedAction").latest("id")
    assert event.changes == {"done": [False, True]} and event.region_code == "53.01"
    assert event.actor_id == kabupaten_user.pk
    # Again: nothing changes, nothing audited.
    count = AuditEvent.objects.count()
    services.set_action_done(actor=kabupaten_user, action=action)
    assert AuditEvent.objects.count() == count
