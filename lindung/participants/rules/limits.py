"""Age limits for participants: versioned rows in ``data/age_limits.json`` (see docs/regulations.md §2.4, "Age limits")."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

AGE_LIMITS_FILE = Path(__file__).resolve().parent.parent / "data" / "age_limits.json"


@dataclass(frozen=True, slots=True)
class AgeLimit:
    kind: str
    min_age: int | None
    max_age: int | None  # the oldest age allowed
    under_age: int | None  # or: must be under this age ("di bawah 65 tahun")
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str
    certainty: str


@lru_cache(maxsize=1)
def age_limits() -> tuple[AgeLimit, ...]:
    data = json.loads(AGE_LIMITS_FILE.read_text(encoding="utf-8"))
    return tuple(
        AgeLimit(
            kind=row["kind"],
            min_age=row.get("min_age"),
            max_age=row.get("max_age"),
            under_age=row.get("under_age"),
            valid_from=dt.date.fromisoformat(row["valid_from"]),
            valid_to=dt.date.fromisoformat(row["valid_to"])
            if row.get("valid_to")
            else None,
            basis=row.get("basis", ""),
            certainty=row.get("certainty", ""),
        )
        for row in data["limits"]
    )


def limit_for(kind: str, day: dt.date) -> AgeLimit | None:
    """The limit row in force for ``kind`` on ``day`` (None when none is recorded)."""
    found = [
        r
        for r in age_limits()
        if r.kind == kind
        and r.valid_from <= day
        and (r.valid_to is None or day <= r.valid_to)
    ]
    return max(found, key=lambda r: r.valid_from) if found else None


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return (
        day.year
        - birth_date.year
        - ((day.month, day.day) < (birth_date.month, birth_date.day))
    )


_UNSET = object()


def age_problem(
    kind: str, birth_date: dt.date, day: dt.date, limit: object = _UNSET
) -> str | None:
    """Why a person born on ``birth_date`` cannot be registered as ``kind`` on ``day``, or None. ``limit``: the
    row in force (an ``AgeLimit`` or None), when the caller looked it up once for many people."""
    if birth_date > day:
        return "tanggal lahir {} belum terjadi (setelah hari ini)".format(
            birth_date.strftime("%d-%m-%Y")
        )
    if limit is _UNSET:
        limit = limit_for(kind, day)
    if limit is None:
        return None
    age = age_on(birth_date, day)
    if limit.min_age is not None and age < limit.min_age:
        return "umur {} tahun, di bawah batas minimal {} tahun untuk peserta; anak tidak didaftarkan sebagai pekerja".format(
            age, limit.min_age
        )
    if limit.max_age is not None and age > limit.max_age:
        return "umur {} tahun, di atas batas maksimal {} tahun untuk peserta bukan penerima upah".format(
            age, limit.max_age
        )
    if limit.under_age is not None and age >= limit.under_age:
        return "umur {} tahun, di atas batas maksimal: peserta bukan penerima upah harus berumur di bawah {} tahun saat mendaftar".format(
            age, limit.under_age
        )
    return None
