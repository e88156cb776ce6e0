"""Reading dates the way Indonesian spreadsheets write them (shared by imports, forms and payments).

Accepted: date/datetime cells, Excel serial numbers, ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``yyyy-mm-dd``
(optionally with a time), and month names in Indonesian or English ("17 Agustus 1985", "17-Agu-1985", "17 Aug 1985").
Two-digit years are refused: the century cannot be known.
"""

from __future__ import annotations

import datetime as dt
import math
import re

# Excel's day 0 is 1899-12-30 (it counts the non-existent 1900-02-29).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials accepted as dates: 1900-01-01 .. 2099-12-31.
_SERIAL_MIN, _SERIAL_MAX = 2, 73415

MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    [
        ("januari", "jan", "january"),
        ("februari", "feb", "pebruari", "peb", "february"),
        ("maret", "mar", "march"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("agustus", "agu", "agt", "ags", "agust", "aug", "august"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nov", "nop", "nopember"),
        ("desember", "des", "dec", "december"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _n

_NUMERIC_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})")
_ISO = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T].*)?")
_NAMED = re.compile(r"(\d{1,2})\s*[\s/.\-]\s*([a-z]+)\.?\s*[\s/.\-,]\s*(\d{2,4})")
_SERIAL = re.compile(r"\d{1,5}(?:\.0+)?")


class DateError(ValueError):
    """A cell that is not a date; the message is Indonesian and names the problem."""


def from_excel_serial(value: float) -> dt.date:
    if (
        not math.isfinite(value)
        or value != int(value)
        or not (_SERIAL_MIN <= value <= _SERIAL_MAX)
    ):
        raise DateError("angka {} bukan tanggal Excel yang wajar".format(_num(value)))
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _build(year: int, month: int, day: int, text: str) -> dt.date:
    if year < 100:
        raise DateError("tahun pada '{}' harus 4 digit".format(text))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError("'{}' bukan tanggal yang ada".format(text)) from None


def parse_date(value: object) -> dt.date:
    """One cell → a date, or DateError with an Indonesian message. Empty cells are the caller's business."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateError("nilai '{}' bukan tanggal".format(value))
    if isinstance(value, int | float):
        return from_excel_serial(value)
    text = str(value).strip()
    if not text:
        raise DateError("tanggal kosong")
    lowered = text.lower()
    if m := _ISO.fullmatch(lowered):
        return _build(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _NUMERIC_DMY.fullmatch(lowered):
        return _build(int(m[3]), int(m[2]), int(m[1]), text)
    if m := _NAMED.fullmatch(lowered):
        month = MONTHS.get(m[2])
        if month is None:
            raise DateError("nama bulan '{}' tidak dikenal".format(m[2]))
        return _build(int(m[3]), month, int(m[1]), text)
    if _SERIAL.fullmatch(lowered):
        return from_excel_serial(float(lowered))
    raise DateError(
        "'{}' bukan tanggal (pakai dd/mm/yyyy, misalnya 17/08/1985)".format(text)
    )
