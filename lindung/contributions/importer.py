"""Import a payment file (CSV, XLSX, XLS, ODS) on the BPJS side (issue 19, docs/payments.md).

A row names its payer by what people have: the bill number printed on the bill (``Nomor Tagihan``), or the payer's
name and region (``Pembayar`` + ``Wilayah``, e.g. "Pemerintah Desa Bokonusan" + "Bokonusan, Semau, Kupang"); the
internal payer code still works. Amount (Indonesian writing), date and bank reference are required.

Rows are checked and written in chunks of ``CHUNK_ROWS``, each chunk its own short transaction, so a large file
never holds the database's write lock for long; the ``PembayaranImport`` row carries the progress. A row whose
reference the payer already used (in this file or before) is refused naming the first, so importing the same file
again changes nothing. Refused rows come back in an XLSX error file (cells written as text, never formulas).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lindung.accounts.models import actor_may
from lindung.common.spreadsheet import (
    SpreadsheetError,
    cell_text,
    is_blank,
    read_table,
    write_xlsx,
)
from lindung.regions.models import Region

from . import rules
from .models import Payer, PembayaranImport, Tagihan
from .payments import parse_amount, record_payment

CHUNK_ROWS = 100
MAX_STORED_ERRORS = 200
COLUMNS = {
    "bill": ("bill", "tagihan", "nomor_tagihan", "no_tagihan", "no._tagihan"),
    "payer": ("pembayar", "nama_pembayar", "payer_name", "payer", "nama"),
    "code": ("kode_pembayar", "payer_code"),
    "region": ("wilayah", "region", "desa", "desa/kelurahan", "kode_wilayah"),
    "period": ("period", "periode", "bulan"),
    "amount": ("amount", "jumlah", "nominal", "jumlah_(rp)", "jumlah_bayar"),
    "date": ("date", "tanggal", "tanggal_bayar", "tgl_bayar"),
    "reference": (
        "reference",
        "referensi",
        "ref",
        "no_referensi",
        "nomor_referensi",
        "referensi_bank",
    ),
}
TEMPLATE_HEADER = [
    "Nomor Tagihan",
    "Pembayar",
    "Wilayah",
    "Periode",
    "Jumlah",
    "Tanggal Bayar",
    "Referensi Bank",
]
ERROR_COLUMN, ROW_COLUMN = "Kesalahan", "Baris"
_CODE = re.compile(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$")
_TYPE_WORDS = re.compile(
    r"^(pemerintah\s+)?(desa|kelurahan|kecamatan|kec\.|kabupaten|kab\.|kota|provinsi)\s+",
    re.I,
)


class _Err(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _key(text: str) -> str:
    return str(text or "").strip().lower().replace(" ", "_")


def _header(row: list) -> dict[str, int]:
    names = [_key(c) for c in row]
    found: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases and i not in found.values():
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
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        "Tanggal tidak valid: {!r} (pakai DD-MM-YYYY atau YYYY-MM-DD)".format(text)
    )


def _plain_name(text: str) -> str:
    text = " ".join(str(text or "").lower().replace("(apbd)", "").split())
    return _TYPE_WORDS.sub("", text).strip()


def _region(value) -> Region:
    """A region by its Kemendagri code, or by name with its kecamatan/kabupaten after commas."""
    text = cell_text(value)
    if _CODE.match(text):
        region = Region.objects.filter(code=text).first()
        if region is None:
            raise _Err("region", "Kode wilayah tidak ditemukan: {}".format(text))
        return region
    parts = [_plain_name(p) for p in text.split(",") if p.strip()]
    if not parts:
        raise _Err("region", "Wilayah wajib diisi bersama nama pembayar")
    candidates = list(Region.objects.filter(name__iexact=parts[0]))
    for part in parts[1:]:
        parents = set(
            Region.objects.filter(name__iexact=part).values_list("code", flat=True)
        )
        candidates = [
            r for r in candidates if any(r.code.startswith(p + ".") for p in parents)
        ]
    if not candidates:
        raise _Err("region", "Wilayah tidak ditemukan: {}".format(text))
    if len(candidates) > 1:
        raise _Err(
            "region",
            'Ada {} wilayah bernama {}: tambahkan kecamatan dan kabupaten ("{}, Kecamatan, Kabupaten") '
            "atau kode wilayah".format(len(candidates), text, text),
        )
    return candidates[0]


def _payer_by_name(name, region_value) -> Payer:
    if region_value in (None, ""):
        raise _Err("region", "Wilayah wajib diisi bersama nama pembayar")
    region = _region(region_value)
    candidates = list(Payer.objects.filter(region=region))
    wanted = _plain_name(name)
    exact = [p for p in candidates if _plain_name(p.name) == wanted]
    found = exact or [p for p in candidates if wanted and wanted in _plain_name(p.name)]
    if not found:
        raise _Err(
            "payer",
            "Pembayar {} di {} tidak ditemukan (belum pernah ditagih)".format(
                name, region.name
            ),
        )
    if len(found) > 1:
        raise _Err(
            "payer",
            "Nama pembayar {} cocok dengan {} pembayar di {}: pakai nomor tagihan".format(
                name, len(found), region.name
            ),
        )
    return found[0]


def _payer(row: list, cols: dict[str, int]) -> tuple[Payer, Tagihan | None]:
    bill_no = cell_text(_cell(row, cols.get("bill")))
    code = cell_text(_cell(row, cols.get("code")))
    name = cell_text(_cell(row, cols.get("payer")))
    tagihan = payer = None
    if bill_no:
        tagihan = Tagihan.objects.select_related("payer").filter(number=bill_no).first()
        if tagihan is None:
            raise _Err("bill", "Nomor tagihan tidak ditemukan: {}".format(bill_no))
        payer = tagihan.payer
    elif code or (name and "region" not in cols):
        # No Wilayah column: the Pembayar column holds payer codes (files made before issue 19).
        code = code or name
        payer = Payer.objects.filter(code=code).first()
        if payer is None:
            raise _Err("payer", "Kode pembayar tidak ditemukan: {}".format(code))
    elif name:
        payer = _payer_by_name(name, _cell(row, cols.get("region")))
    else:
        raise _Err(
            "bill", "Nomor tagihan, atau nama pembayar dan wilayahnya, wajib diisi"
        )
    return payer, tagihan


def _row(row: list, cols: dict[str, int]) -> dict:
    """One row's ``record_payment`` arguments, or ``_Err`` naming the column."""
    payer, tagihan = _payer(row, cols)
    period = _cell(row, cols.get("period"))
    if tagihan is None and period not in (None, ""):
        try:
            month = (
                period.replace(day=1)
                if isinstance(period, dt.date)
                else rules.parse_period(cell_text(period))
            )
        except rules.CaseError as exc:
            raise _Err("period", str(exc)) from exc
        if isinstance(month, dt.datetime):
            month = month.date()
        tagihan = (
            Tagihan.objects.filter(payer=payer, period=month).order_by("id").first()
        )
        if tagihan is None:
            raise _Err(
                "period",
                "Tagihan {} untuk periode {:%Y-%m} tidak ada".format(payer.name, month),
            )
    try:
        amount = parse_amount(_cell(row, cols.get("amount")))
    except ValidationError as exc:
        raise _Err("amount", exc.messages[0]) from exc
    try:
        paid_at = _date(_cell(row, cols.get("date")))
    except ValidationError as exc:
        raise _Err("date", exc.messages[0]) from exc
    reference = " ".join(cell_text(_cell(row, cols.get("reference"))).split())[:100]
    if not reference:
        raise _Err("reference", "Nomor referensi bank wajib diisi")
    return {
        "payer": payer,
        "amount": amount,
        "paid_at": paid_at,
        "reference": reference,
        "tagihan": tagihan,
    }


def _read(path: Path):
    try:
        # The participant import's reader: file-type and zip-bomb checks, CSV delimiter, title lines, row numbers.
        table = read_table(path, score=lambda header: len(_header(header)))
        rows = [(n, cells) for n, cells in table.rows if not is_blank(cells)]
    except SpreadsheetError as exc:
        raise ValidationError(
            "Berkas pembayaran tidak dapat dibaca: {}".format(exc)
        ) from exc
    cols = _header(table.header)
    missing = [c for c in ("amount", "date", "reference") if c not in cols]
    if missing or not ({"bill", "payer", "code"} & set(cols)):
        raise ValidationError(
            "Kolom wajib: Nomor Tagihan (atau Pembayar dan Wilayah), Jumlah, Tanggal Bayar, Referensi Bank. "
            "Unduh templatnya dari halaman rekonsiliasi."
        )
    return list(table.header), rows, cols


def import_payments(*, actor, path, batch: PembayaranImport | None = None) -> dict:
    """Record the payments of a file; ``total = accepted + rejected``; errors per spreadsheet row (header = 1).

    The permission is checked before the file is read; each chunk of rows is one transaction."""
    if not actor_may(actor, "record_payment"):
        raise PermissionDenied("Hanya petugas BPJS yang mengimpor berkas pembayaran.")
    path = Path(path)
    if not path.exists():
        raise ValidationError("Berkas tidak ditemukan: {}".format(path))
    if batch is None:
        batch = PembayaranImport.objects.create(
            filename=path.name[:255],
            actor=actor if getattr(actor, "pk", None) else None,
        )
    try:
        header, rows, cols = _read(path)
    except ValidationError as exc:
        _fail(batch, "; ".join(exc.messages))
        raise
    batch.state, batch.total, batch.message = (
        PembayaranImport.State.RUNNING,
        len(rows),
        "Berjalan…",
    )
    batch.save(update_fields=["state", "total", "message"])
    seen: dict[tuple[int, str], int] = {}
    errors, refused = [], []
    for start in range(0, len(rows), CHUNK_ROWS):
        part = rows[start : start + CHUNK_ROWS]
        with transaction.atomic():
            for number, cells in part:
                try:
                    args = _row(cells, cols)
                    key = (args["payer"].pk, args["reference"])
                    if key in seen:
                        raise _Err(
                            "reference",
                            "Baris ini sama dengan baris {} (referensi {}): tidak dicatat dua kali".format(
                                seen[key], args["reference"]
                            ),
                        )
                    # A line of BPJS's bank statement is money received: the file is the confirmation, the
                    # sanity limit still applies.
                    record_payment(actor=actor, confirm=True, **args)
                    seen[key] = number
                except _Err as exc:
                    errors.append(
                        {"row": number, "column": exc.column, "message": exc.message}
                    )
                    refused.append(cells)
                    continue
                except (ValidationError, PermissionDenied) as exc:
                    message = "; ".join(getattr(exc, "messages", None) or [str(exc)])
                    errors.append({"row": number, "column": "", "message": message})
                    refused.append(cells)
                    continue
                batch.accepted += 1
                batch.amount += args["amount"]
        batch.processed = min(start + CHUNK_ROWS, len(rows))
        batch.rejected = len(errors)
        batch.save(update_fields=["processed", "accepted", "rejected", "amount"])
    _finish(batch, header, errors, refused)
    return {**batch.summary(), "errors": errors}


def _fail(batch: PembayaranImport, message: str) -> None:
    batch.state, batch.message = PembayaranImport.State.FAILED, message
    batch.finished_at = timezone.now()
    batch.save(update_fields=["state", "message", "finished_at"])


def _finish(batch: PembayaranImport, header: list, errors: list, refused: list) -> None:
    if errors:
        relative = "pembayaran/impor/kesalahan_{}.xlsx".format(batch.pk)
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        width = len(header)
        lines = [
            [
                *(list(cells) + [""] * (width - len(cells)))[:width],
                e["message"],
                e["row"],
            ]
            for cells, e in zip(refused, errors, strict=True)
        ]
        write_xlsx(
            target,
            [*[cell_text(h) for h in header], ERROR_COLUMN, ROW_COLUMN],
            lines,
            text_columns=range(width + 1),
        )
        batch.error_file.name = relative
    batch.errors = errors[:MAX_STORED_ERRORS]
    batch.state, batch.finished_at = PembayaranImport.State.DONE, timezone.now()
    batch.message = "Selesai: {} diterima, {} ditolak.".format(
        batch.accepted, batch.rejected
    )
    batch.save()


def build_template(path: Path) -> Path:
    """The payment file template: the columns people fill in, one example row of each way to name the payer."""
    return write_xlsx(
        path,
        TEMPLATE_HEADER,
        [
            ["202601-PU-12-1", "", "", "", "349.632", "05-02-2026", "TRX0001"],
            [
                "",
                "Pemerintah Desa Bokonusan",
                "Bokonusan, Semau, Kupang",
                "2026-01",
                "349.632",
                "05-02-2026",
                "TRX0002",
            ],
        ],
        text_columns=range(len(TEMPLATE_HEADER)),
    )


def error_file_path(batch: PembayaranImport) -> Path | None:
    return (
        Path(settings.MEDIA_ROOT) / batch.error_file.name if batch.error_file else None
    )


def visible_imports(user):
    """A user sees the payment imports they started; superusers see all."""
    qs = PembayaranImport.objects.all()
    return qs if user.is_superuser else qs.filter(Q(actor=user))
