"""Import a payment file (CSV or XLSX): payer, period or bill number, amount, date, reference.

Every row is validated; valid rows are recorded through ``record_payment`` and invalid ones reported with the
spreadsheet's row number (header = 1) and an Indonesian message. A row already recorded (same payer, date, amount
and reference) is rejected as a duplicate, so a file can be imported twice safely.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lindung.accounts.models import user_can
from lindung.common.spreadsheet import SpreadsheetError, is_blank, read_table

from . import rules
from .models import Payer, Pembayaran, Tagihan

COLUMNS = {
    "payer": ("payer", "pembayar", "kode_pembayar"),
    "period": ("period", "periode", "bulan"),
    "bill": ("bill", "tagihan", "nomor_tagihan", "no_tagihan"),
    "amount": ("amount", "jumlah", "nominal"),
    "date": ("date", "tanggal", "tanggal_bayar"),
    "reference": ("reference", "referensi", "ref"),
}


def _header(row: list) -> dict[str, int]:
    names = [str(c or "").strip().lower().replace(" ", "_") for c in row]
    found = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
    return found


def _cell(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    value = row[index]
    return value.strip() if isinstance(value, str) else value


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"Tanggal tidak valid: {text!r} (pakai YYYY-MM-DD)")


def _period(value) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        return rules.parse_period(value)
    except rules.CaseError as exc:
        raise ValidationError(str(exc)) from exc


def _row(actor, row: list, cols: dict[str, int]) -> dict:
    """Validate one row; returns record_payment arguments or raises (column, message)."""
    from .services import _parse_amount

    bill_no, payer_code = _cell(row, cols.get("bill")), _cell(row, cols.get("payer"))
    tagihan = payer = None
    if bill_no:
        tagihan = (
            Tagihan.objects.select_related("payer").filter(number=str(bill_no)).first()
        )
        if tagihan is None:
            raise _Err("bill", f"Nomor tagihan tidak ditemukan: {bill_no}")
        payer = tagihan.payer
    if payer_code:
        found = Payer.objects.filter(code=str(payer_code)).first()
        if found is None:
            raise _Err("payer", f"Kode pembayar tidak ditemukan: {payer_code}")
        if payer is not None and found.pk != payer.pk:
            raise _Err("payer", f"Tagihan {bill_no} bukan milik pembayar {payer_code}")
        payer = found
    if payer is None:
        raise _Err("payer", "Kode pembayar atau nomor tagihan wajib diisi")
    if actor is not None and not user_can(actor, "pay", payer.region_id):
        raise _Err(
            "payer", f"Anda tidak berwenang mencatat pembayaran untuk {payer.code}"
        )
    period = _cell(row, cols.get("period"))
    if tagihan is None and period:
        try:
            month = _period(period)
        except ValidationError as exc:
            raise _Err("period", exc.messages[0]) from exc
        tagihan = (
            Tagihan.objects.filter(payer=payer, period=month).order_by("id").first()
        )
        if tagihan is None:
            raise _Err(
                "period", f"Tagihan {payer.code} untuk periode {month:%Y-%m} tidak ada"
            )
    try:
        amount = _parse_amount(_cell(row, cols.get("amount")))
    except ValidationError as exc:
        raise _Err("amount", exc.messages[0]) from exc
    try:
        paid_at = _date(_cell(row, cols.get("date")))
    except ValidationError as exc:
        raise _Err("date", exc.messages[0]) from exc
    reference = str(_cell(row, cols.get("reference")) or "")[:100]
    if Pembayaran.objects.filter(
        payer=payer, paid_at=paid_at, amount=amount, reference=reference
    ).exists():
        raise _Err(
            "reference",
            "Pembayaran ini sudah tercatat (pembayar, tanggal, jumlah dan referensi sama)",
        )
    return {
        "payer": payer,
        "amount": amount,
        "paid_at": paid_at,
        "reference": reference,
        "tagihan": tagihan,
    }


class _Err(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def import_payments(*, actor, path) -> dict:
    """Record the payments of a CSV/XLSX file; ``total = accepted + rejected``; errors per spreadsheet row."""
    from .services import record_payment

    path = Path(path)
    if not path.exists():
        raise ValidationError(f"Berkas tidak ditemukan: {path}")
    try:
        # The participant import's reader: file-type and zip-bomb checks, CSV delimiter, title lines, row numbers.
        table = read_table(path, score=lambda header: len(_header(header)))
        rows = [(n, cells) for n, cells in table.rows if not is_blank(cells)]
    except SpreadsheetError as exc:
        raise ValidationError(f"Berkas pembayaran tidak dapat dibaca: {exc}") from exc
    cols = _header(table.header)
    missing = [c for c in ("amount", "date") if c not in cols]
    if missing or ("payer" not in cols and "bill" not in cols):
        raise ValidationError(
            "Kolom wajib: pembayar (payer) atau tagihan (bill), jumlah (amount), tanggal (date)"
        )
    errors, accepted, amount = [], 0, 0
    with transaction.atomic():
        for number, row in rows:
            try:
                args = _row(actor, row, cols)
                record_payment(actor=actor, **args)
            except _Err as exc:
                errors.append(
                    {"row": number, "column": exc.column, "message": exc.message}
                )
                continue
            except (ValidationError, PermissionDenied) as exc:
                message = "; ".join(getattr(exc, "messages", [str(exc)]))
                errors.append({"row": number, "column": "", "message": message})
                continue
            accepted += 1
            amount += args["amount"]
    return {
        "total": len(rows),
        "accepted": accepted,
        "rejected": len(errors),
        "amount": amount,
        "errors": errors,
    }
