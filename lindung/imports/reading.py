"""Import step 1, reading: open the file, find the village it is for, check each row's scope."""

from __future__ import annotations

from pathlib import Path

from lindung.accounts.models import region_scope
from lindung.common.spreadsheet import (
    is_blank,
    read_table,
)
from lindung.participants import rules
from lindung.participants.services import village_index
from lindung.regions.models import Region

from .cleaning import Row as _Row
from .models import ImportBatch

# The sample row of the downloadable template; refused if uploaded unchanged.
SAMPLE_NIK = "5301045708850001"


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, required columns missing, bad arguments)."""


def _allowed_villages(actor, index: rules.VillageIndex) -> set[str] | None:
    """Village codes the actor may change, or None for all (the system, superusers, national BPJS)."""
    if actor is None:
        return None
    q = region_scope(actor, "code", "change")
    if q is None:
        return None
    return set(Region.objects.filter(level=4).filter(q).values_list("code", flat=True))


def _open(batch: ImportBatch | None, path: Path, kind: str, region_code: str | None):
    """The table and its column mapping, with the village a file without a village column takes from its title
    block or from the chosen desa; a file without the required columns fails as a whole."""
    table = read_table(path, score=rules.header_score)
    mapping = rules.map_header(table.header)
    context = _village_context(table, mapping, region_code)
    mapping.fixed.update(context)
    missing = mapping.missing(kind)
    if missing:
        raise ImportFileError(
            rules.refusal_for_layout(mapping, missing)
            or "kolom wajib tidak ditemukan: {} (judul kolom ada di baris {})".format(
                ", ".join(missing), table.header_row
            )
        )
    if batch is not None:
        batch.header = mapping.headers
        batch.columns = {name: mapping.label(name) for name in mapping.fields}
        batch.save(update_fields=["columns"])
    return table, mapping


def _village_context(
    table, mapping: rules.ColumnMap, region_code: str | None
) -> dict[str, str]:
    """The village every row of the file shares, as row values: the title block's "Desa : X" (with its
    kecamatan and kabupaten), or the chosen region when it is a desa. A title block naming another desa than the
    chosen one refuses the file. Empty when the rows name their village themselves or nothing names one."""
    title = rules.title_context(table.preamble)
    chosen = region_code if region_code and region_code.count(".") == 3 else None
    if title.get("desa"):
        place = {
            "desa": title["desa"],
            "kecamatan": title.get("kecamatan", ""),
            "kabupaten": title.get("kabupaten", ""),
        }
        if chosen:
            index = village_index(within=region_code)
            try:
                village = index.resolve(
                    code="",
                    name=place["desa"],
                    kecamatan=place["kecamatan"],
                    kabupaten=place["kabupaten"],
                )
            except rules.VillageError:
                raise ImportFileError(
                    "judul berkas menyebut Desa {}, tetapi wilayah yang dipilih adalah {}: pilih desa yang sesuai "
                    "atau periksa berkasnya".format(title["desa"], _region_name(chosen))
                ) from None
            return {"desa_code": village.code} if not mapping.has_village else {}
        if not mapping.has_village:
            return place
        return {}
    if chosen and not mapping.has_village:
        return {"desa_code": chosen}
    return {}


def _region_name(code: str) -> str:
    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return "{} ({})".format(name, code) if name else code


def _title_village(table, mapping: rules.ColumnMap, cleaner, region_code) -> str | None:
    """The desa a title block names, when the rows also carry a village column (to check they agree)."""
    title = rules.title_context(table.preamble)
    if not title.get("desa") or not mapping.has_village or "desa_code" in mapping.fixed:
        return None
    result = rules.RowResult(row=0)
    village = cleaner._village(
        {
            "desa": title["desa"],
            "kecamatan": title.get("kecamatan", ""),
            "kabupaten": title.get("kabupaten", ""),
        },
        result,
    )
    if village is None:
        raise ImportFileError(
            "desa di judul berkas (Desa : {}) tidak dikenali: {}".format(
                title["desa"], "; ".join(m for _c, m in result.errors)
            )
        )
    return village.code


def _check_rows_agree(path: Path, mapping, cleaner, desa: str) -> None:
    """A file whose title block names one desa and whose rows name another is refused whole, with the row."""
    table = read_table(path, score=rules.header_score)
    person_row = rules.RowFilter(mapping)
    for number, cells in table.rows:
        if is_blank(cells) or not person_row(cells):
            continue
        result = rules.RowResult(row=number)
        values = mapping.values(cells)
        if all(is_blank([values.get(f)]) for f in ("desa_code", "desa")):
            continue
        village = cleaner._village(values, result)
        if village is not None and village.code != desa:
            raise ImportFileError(
                "baris {} menyebut desa {}, tetapi judul berkas menyebut desa {}: satu berkas untuk satu desa; "
                "perbaiki baris itu atau judul berkasnya".format(
                    number, village.describe(), _region_name(desa)
                )
            )


def _check_row_scope(
    row: _Row,
    allowed: set[str] | None,
    first_row_of: dict[str, int],
    labels: dict[str, str],
) -> None:
    record = row.record
    nik_label = labels.get("nik", "NIK")
    if record.nik == SAMPLE_NIK:
        row.errors.append((nik_label, "ini baris contoh dari templat; hapus baris ini"))
    elif allowed is not None and record.desa not in allowed:
        column = labels.get("desa_code") or labels.get("desa") or "Desa"
        row.errors.append(
            (column, "desa {} di luar wilayah kewenangan Anda".format(record.desa))
        )
    elif record.dismissed or row.skip is not None:
        pass  # a past term or a row passed over: the same person may stand again in the book, sitting
    elif record.nik in first_row_of:
        row.errors.append(
            (
                nik_label,
                "NIK sama dengan baris {} di berkas ini".format(
                    first_row_of[record.nik]
                ),
            )
        )
    else:
        first_row_of[record.nik] = row.row
    if row.errors:
        row.record = None
