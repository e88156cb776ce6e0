"""Import step 4, reporting: the batch's counters and error file, the preview before a start, the downloadable
template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.utils import timezone

from lindung.common import uploads
from lindung.common.spreadsheet import (
    SAFE_WORKBOOK,
    cell_text,
    is_blank,
    read_table,
    write_xlsx,
)
from lindung.participants import rules
from lindung.participants.choices import (
    Jabatan,
    Kind,
    Pekerjaan,
    RiskGroup,
    SumberDana,
)
from lindung.participants.services import village_index

from .cleaning import Row as _Row
from .models import ImportBatch
from .reading import SAMPLE_NIK, ImportFileError, _region_name, _village_context

ERROR_COLUMN = "Keterangan kesalahan"
ROW_COLUMN = "Baris asal"


def _finish(batch: ImportBatch, rejected: list[_Row]) -> None:
    batch.total = batch.processed  # every non-blank row, now that all were read
    warnings = getattr(batch, "all_warnings", [])
    if rejected or warnings:
        relative = "imports/errors/impor_{}_kesalahan.xlsx".format(batch.pk)
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_error_file(target, list(getattr(batch, "header", [])), rejected, warnings)
        batch.error_file.name = relative
    batch.state, batch.finished_at = ImportBatch.State.DONE, timezone.now()
    batch.message = (
        "Uji coba selesai: tidak ada yang disimpan." if batch.dry_run else "Selesai."
    )
    batch.save()


WARNING_SHEET = ("Peringatan", ["Baris asal", "Kolom", "Peringatan"])


def write_error_file(
    path: Path, header: list[str], rejected: Iterable, warnings: Iterable[dict] = ()
) -> Path:
    """The original cells of every refused or skipped row, then why (Indonesian, naming the column) and the source
    row."""
    width = len(header)
    lines = []
    for r in rejected:
        cells = list(r.cells) + [""] * (width - len(r.cells))
        reason = "; ".join(
            "{}: {}".format(column, message) for column, message in r.errors
        )
        if getattr(r, "outcome", "") == "skipped":
            reason = "Dilewati (tidak didaftarkan): " + reason
        lines.append([*cells[: max(width, len(r.cells))], reason, r.row])
    warning_rows = [[w["row"], w["column"], w["message"]] for w in warnings]
    return write_xlsx(
        path,
        [*header, ERROR_COLUMN, ROW_COLUMN],
        lines,
        more_sheets=[(WARNING_SHEET[0], WARNING_SHEET[1], warning_rows)]
        if warning_rows
        else (),
    )


PREVIEW_EXPIRES_AFTER = dt.timedelta(days=1)


def purge_expired(now=None) -> dict:
    """The daily retention job: delete the uploaded sheet and the error file of imports older than
    ``LINDUNG_FILE_RETENTION_DAYS``, and expire previews never started (older than a day: their sheet is deleted
    and the batch says so). The batch rows and their counts stay; only the files with personal data go."""
    now = now or timezone.now()
    expired_previews = 0
    for batch in ImportBatch.objects.filter(
        state=ImportBatch.State.PENDING, created_at__lt=now - PREVIEW_EXPIRES_AFTER
    ):
        uploads.delete_files(batch.file, batch.error_file)
        batch.state, batch.finished_at = ImportBatch.State.FAILED, now
        batch.message = "Pratinjau kedaluwarsa: impor tidak dimulai dalam sehari; berkasnya dihapus."
        batch.save(
            update_fields=["state", "finished_at", "message", "file", "error_file"]
        )
        expired_previews += 1
    cutoff = now - dt.timedelta(days=settings.LINDUNG_FILE_RETENTION_DAYS)
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(
        file="", error_file=""
    )
    purged = 0
    for batch in old:
        uploads.delete_files(batch.file, batch.error_file)
        batch.save(update_fields=["file", "error_file"])
        purged += 1
    return {"previews_expired": expired_previews, "files_deleted": purged}


def error_file_path(batch: ImportBatch) -> Path | None:
    return (
        Path(settings.MEDIA_ROOT) / batch.error_file.name if batch.error_file else None
    )


def summary(batch: ImportBatch, *, all_errors: bool = True) -> dict:
    """docs/interfaces.md shape: total, inserted, updated, unchanged, rejected, errors[{row, column, message}]."""
    data = batch.summary()
    if all_errors and getattr(batch, "all_errors", None) is not None:
        data["errors"] = batch.all_errors
    return data


def preview(path, *, kind: str, region_code: str | None = None, limit: int = 5) -> dict:
    """What the import will understand, shown before it starts: each header with the field it fills (or
    "diabaikan"), the village taken from the title block or the chosen desa, what is missing, and the first person
    rows. Raises ImportFileError for a file the import would refuse as a whole."""
    table = read_table(path, score=rules.header_score)
    mapping = rules.map_header(table.header)
    mapping.fixed.update(_village_context(table, mapping, region_code))
    by_column = {i: name for name, i in mapping.columns.items()}
    columns = [
        {
            "header": header,
            "field": rules.LABELS[by_column[i]] if i in by_column else None,
        }
        for i, header in enumerate(mapping.headers)
        if header
    ]
    person_row = rules.RowFilter(mapping)
    rows = []
    for number, cells in table.rows:
        if is_blank(cells) or not person_row(cells):
            continue
        rows.append({"row": number, "cells": [cell_text(c) for c in cells]})
        if len(rows) >= limit:
            break
    missing = mapping.missing(kind) if kind in Kind.values else []
    return {
        "header": mapping.headers,
        "columns": columns,
        "mapping": {
            rules.LABELS[name]: mapping.headers[i]
            for name, i in mapping.columns.items()
        },
        "missing": missing,
        "refusal": rules.refusal_for_layout(mapping, missing) if missing else None,
        "ignored": mapping.ignored,
        "village": _describe_context(mapping.fixed, region_code),
        "title": rules.title_context(table.preamble),
        "rows": rows,
    }


def _describe_context(fixed: dict, region_code: str | None) -> str | None:
    """The village every row takes from outside the rows, as the operator will read it."""
    if "desa_code" in fixed:
        return _region_name(str(fixed["desa_code"]))
    if fixed.get("desa"):
        index = village_index(within=region_code)
        try:
            return index.resolve(
                code="",
                name=fixed["desa"],
                kecamatan=fixed.get("kecamatan", ""),
                kabupaten=fixed.get("kabupaten", ""),
            ).describe()
        except rules.VillageError as exc:
            return "{} — {}".format(fixed["desa"], exc)
    return None


TEMPLATE_COLUMNS: dict[str, list[tuple[str, str]]] = {
    Kind.PERANGKAT: [
        ("nik", SAMPLE_NIK),
        ("name", "Maria Contoh"),
        ("birth_date", "17/08/1985"),
        ("sex", "P"),
        ("jabatan", "Kaur Keuangan"),
        ("wage", 2022200),
        ("start_of_term", "02/01/2020"),
        ("desa_code", "53.01.04.2003"),
        ("desa", "Bokonusan"),
        ("kecamatan", "Semau"),
        ("kabupaten", "Kabupaten Kupang"),
        ("sumber_dana", "Alokasi Dana Desa (ADD)"),
        ("phone", "081234567890"),
        ("kpj", ""),
        ("jht", "Tidak"),
        ("jp", "Tidak"),
    ],
    Kind.RENTAN: [
        ("nik", SAMPLE_NIK),
        ("name", "Maria Contoh"),
        ("birth_date", "17/08/1985"),
        ("sex", "P"),
        ("pekerjaan", "Petani"),
        ("wage", 1000000),
        ("desa_code", "53.01.04.2003"),
        ("desa", "Bokonusan"),
        ("kecamatan", "Semau"),
        ("kabupaten", "Kabupaten Kupang"),
        ("sumber_dana", "Dana Desa"),
        ("phone", "081234567890"),
        ("kpj", ""),
        ("jht", "Tidak"),
    ],
}
TEMPLATE_LABELS = {"wage": {Kind.PERANGKAT: "Siltap", Kind.RENTAN: "Penghasilan"}}


def build_template(kind: str, path) -> Path:
    """An XLSX with the columns for ``kind``, one sample row, NIK/KPJ/HP as text and dropdowns for the choices."""
    if kind not in Kind.values:
        raise ImportFileError(
            "jenis peserta harus 'perangkat' atau 'rentan', bukan '{}'".format(kind)
        )
    path = Path(path)
    columns = TEMPLATE_COLUMNS[kind]
    workbook = xlsxwriter.Workbook(str(path), SAFE_WORKBOOK)
    sheet = workbook.add_worksheet("Peserta")
    lists = workbook.add_worksheet("Pilihan")
    head = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    sample = workbook.add_format(
        {"italic": True, "font_color": "#777777", "num_format": "@"}
    )
    options = {
        "sex": ["L", "P"],
        "jabatan": Jabatan.labels,
        "pekerjaan": Pekerjaan.labels,
        "sumber_dana": SumberDana.labels,
        "jht": ["Ya", "Tidak"],
        "jp": ["Ya", "Tidak"],
        "risk_group": RiskGroup.labels,
    }
    list_col = 0
    for col, (name, value) in enumerate(columns):
        label = TEMPLATE_LABELS.get(name, {}).get(kind, rules.LABELS[name])
        sheet.write_string(0, col, label, head)
        sheet.set_column(col, col, max(14, len(label) + 4), text)
        sheet.write_string(1, col, cell_text(value), sample)
        if name in options:
            values = [str(v) for v in options[name]]
            lists.write_string(0, list_col, label, head)
            lists.write_column(1, list_col, values)
            ref = "=Pilihan!${0}$2:${0}${1}".format(
                xlsxwriter.utility.xl_col_to_name(list_col), len(values) + 1
            )
            sheet.data_validation(
                1,
                col,
                100000,
                col,
                {"validate": "list", "source": ref, "error_type": "warning"},
            )
            list_col += 1
    sheet.write_comment(
        1,
        0,
        "Baris contoh: ganti atau hapus sebelum mengunggah. Kolom NIK berformat Teks "
        "agar 16 digit tidak berubah.",
    )
    sheet.freeze_panes(1, 0)
    workbook.close()
    return path
