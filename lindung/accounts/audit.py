"""Writing audit rows. Services call these inside their own transaction (signals miss bulk writes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models

from lindung.common.events import announce_audit_written

from .models import AuditEvent

# Audit actions that record a read, never a change (NIK unmasking, report downloads).
READ_ONLY_ACTIONS = ("unmask", "export")


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict:
    """Field values of ``obj`` as JSON-able data (foreign keys by id)."""
    return {
        f.attname: _plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields
    }


def diff(old: dict, new: dict) -> dict:
    """Old → new per changed field; a deletion (``new`` empty) keeps every old value."""
    if not new:
        return {k: [v, None] for k, v in old.items()}
    return {
        k: [old.get(k), v]
        for k, v in new.items()
        if old.get(k) != v and k not in ("updated_at", "version")
    }


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    model: str = "",
    object_id: str = "",
    region_code: str = "",
    changes: dict | None = None,
    note: str = "",
) -> AuditEvent:
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        model=model or (obj._meta.label if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        region_code=region_code,
        changes=changes or {},
        note=note[:255],
    )
    if action not in READ_ONLY_ACTIONS:
        announce_audit_written(AuditEvent)
    return event
