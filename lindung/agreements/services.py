"""PKS and planned actions: every change audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lindung.accounts import audit
from lindung.accounts.models import user_can
from lindung.regions.models import Region

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
    if actor is not None and not user_can(actor, "change", kab.code):
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
    kab = _kabupaten(kabupaten_code)
    if actor is not None and not user_can(actor, "change", kab.code):
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
