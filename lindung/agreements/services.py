"""PKS and planned actions: every change audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lindung.accounts import audit
from lindung.accounts.models import actor_may
from lindung.regions.models import Region

from . import rules
from .models import PKS, PlannedAction


def _kabupaten(code: str) -> Region:
    region = Region.objects.filter(code=code, level=2).first()
    if region is None:
        raise ValidationError(f"Kabupaten/kota dengan kode {code} tidak ditemukan.")
    return region


def save_pks(
    *,
    actor,
    kabupaten_code: str,
    number: str,
    signed_on: dt.date,
    scope: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    notes: str = "",
    document=None,
) -> PKS:
    """Record (or update by number) a PKS of a kabupaten/kota."""
    kab = _kabupaten(kabupaten_code)
    if not actor_may(actor, "agreement", kab.code):
        raise PermissionDenied("Anda tidak berwenang mengubah PKS wilayah ini.")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError("Tanggal akhir berlaku sebelum tanggal mulai.")
    with transaction.atomic():
        pks, created = PKS.objects.get_or_create(
            kabupaten=kab, number=number, defaults={"signed_on": signed_on}
        )
        old = audit.snapshot(pks)
        pks.signed_on, pks.scope, pks.valid_from, pks.valid_to, pks.notes = (
            signed_on,
            scope,
            valid_from or signed_on,
            valid_to,
            notes,
        )
        if document is not None:
            pks.document = document
        pks.full_clean(exclude=["document"])
        pks.save()
        audit.record(
            actor=actor,
            action="create" if created else "update",
            obj=pks,
            region_code=kab.code,
            changes=audit.diff(old, audit.snapshot(pks)),
        )
    return pks


def add_planned_action(
    *,
    actor,
    kabupaten_code: str,
    planned_on: dt.date,
    description: str,
    scope: str = "both",
) -> PlannedAction:
    """Record a step a regency plans (e.g. "dianggarkan pada APBD Perubahan"); overdue once its date passes
    undone."""
    kab = _kabupaten(kabupaten_code)
    if not actor_may(actor, "agreement", kab.code):
        raise PermissionDenied("Anda tidak berwenang untuk wilayah ini.")
    if not description.strip():
        raise ValidationError("Uraian rencana tindak lanjut wajib diisi.")
    with transaction.atomic():
        action = PlannedAction.objects.create(
            kabupaten=kab,
            planned_on=planned_on,
            description=description.strip(),
            scope=scope,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor,
            action="create",
            obj=action,
            region_code=kab.code,
            changes={
                "description": [None, action.description],
                "planned_on": [None, str(planned_on)],
            },
        )
    return action


def set_action_done(
    *, actor, action: PlannedAction, done: bool = True
) -> PlannedAction:
    """Mark a planned action done (or not done again); audited. Until it is done and past its date it is overdue
    on every screen and report (issue #18)."""
    if not actor_may(actor, "agreement", action.kabupaten_id):
        raise PermissionDenied("Anda tidak berwenang untuk wilayah ini.")
    with transaction.atomic():
        action = PlannedAction.objects.select_for_update().get(pk=action.pk)
        if action.done == done:
            return action
        old = action.done
        action.done = done
        action.save(update_fields=["done"])
        audit.record(
            actor=actor,
            action="update",
            obj=action,
            region_code=action.kabupaten_id,
            changes={"done": [old, done]},
        )
    return action


def agreement_states(kab_codes: list[str], as_of: dt.date) -> dict[str, dict]:
    """Per kabupaten/kota: ``pks_status``, ``pks_berlaku_sampai`` (the latest agreement's end date or None) and
    ``pks_nomor``, from the agreements signed by ``as_of``. A regency without one is missing from the result
    (``belum_ada``)."""
    by_kab: dict[str, list[PKS]] = {}
    for p in PKS.objects.filter(kabupaten_id__in=kab_codes, signed_on__lte=as_of).only(
        "kabupaten_id", "number", "signed_on", "valid_from", "valid_to"
    ):
        by_kab.setdefault(p.kabupaten_id, []).append(p)
    out = {}
    for code, agreements in by_kab.items():
        latest = rules.latest_agreement(agreements)
        out[code] = {
            "pks_status": rules.pks_status(
                signed=True, valid_to=latest.valid_to, as_of=as_of
            ),
            "pks_berlaku_sampai": latest.valid_to,
            "pks_nomor": latest.number,
        }
    return out


def plan_states(kab_codes: list[str], as_of: dt.date) -> dict[str, dict]:
    """Per kabupaten/kota: the planned action to show and whether one is overdue. The one shown is the latest
    overdue action when there is one (the promise the meeting must follow up), else the latest one planned."""
    out: dict[str, dict] = {}
    for a in PlannedAction.objects.filter(
        kabupaten_id__in=kab_codes, done=False
    ).order_by("-planned_on", "-id"):
        overdue = rules.action_overdue(
            planned_on=a.planned_on, done=a.done, as_of=as_of
        )
        state = out.setdefault(a.kabupaten_id, {"action": a, "terlambat": False})
        if overdue and not state["terlambat"]:
            state.update(action=a, terlambat=True)
    return out
