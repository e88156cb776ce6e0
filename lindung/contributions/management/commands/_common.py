"""Helpers shared by the contribution commands: one-line Indonesian errors, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from lindung.contributions import rules
from lindung.regions.models import Region


@contextmanager
def bad_input_as_command_error():
    try:
        yield
    except (ValidationError, PermissionDenied) as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        raise CommandError(" ".join("; ".join(messages).split())) from exc


def parse_month(value: str) -> dt.date:
    try:
        return rules.parse_period(value)
    except rules.CaseError as exc:
        raise CommandError(str(exc)) from exc


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise CommandError(
            f"Tanggal harus berbentuk YYYY-MM-DD, bukan {value!r}"
        ) from exc


def check_region(code: str | None) -> str | None:

    if code and not Region.objects.filter(code=code).exists():
        raise CommandError(f"Kode wilayah tidak ditemukan: {code}")
    return code


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
