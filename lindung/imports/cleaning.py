"""An import file as a stream of validated row chunks: read with calamine, each row through ``RowCleaner``.

Chunks are validated, compared and written one after the other, so memory holds one chunk of records (plus the
refused rows for the error file), not the whole file. Validating in worker processes was measured and dropped:
sending the records back (pickle) cost as much as validating them (2.3 s against 2.9 s per 100,000 rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lindung.common.nik import ZEROED, zeroed_column
from lindung.common.spreadsheet import Table, is_blank
from lindung.participants import rules


@dataclass(slots=True)
class Row:
    """One data row of the file and where it ended up."""

    row: int
    cells: list
    record: rules.Record | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    outcome: str = ""
    decision: rules.Decision | None = None
    existing: rules.Existing | None = None
    peserta_id: int | None = None
    #: (column, reason) for a row deliberately not registered (see ``rules.RowResult.skip``).
    skip: tuple[str, str] | None = None
    #: The active membership this row's dismissal decree ends (its registry state), when it ends one.
    ends: dict | None = None


def cleaned_chunks(
    table: Table,
    mapping: rules.ColumnMap,
    cleaner: rules.RowCleaner,
    *,
    size: int,
) -> Iterator[list[Row]]:
    """The table's person rows, validated, in chunks of ``size`` and in file order: blank rows, and the signature
    block and footer below the rows (``rules.RowFilter``), are not rows."""
    nik_at = mapping.columns.get("nik")
    for chunk in _raw_chunks(table.rows, size, rules.RowFilter(mapping)):
        rows = [
            _row(number, cells, cleaner(mapping.values(cells), number))
            for number, cells in chunk
        ]
        if nik_at is not None:
            niks = [
                cells[nik_at] if nik_at < len(cells) else None for _n, cells in chunk
            ]
            if zeroed_column(niks):
                _refuse_zeroed(rows, niks, cleaner.labels["nik"])
        yield rows


def _refuse_zeroed(rows: list[Row], niks: list, label: str) -> None:
    """In a NIK column cut by Excel, every NIK ending in 0 may have lost its last digit: refused, not guessed."""
    for row, nik in zip(rows, niks, strict=True):
        if type(nik) is str and nik.strip().endswith("0"):
            row.record = None
            row.errors.insert(0, (label, ZEROED))


def _raw_chunks(
    rows: Iterable[tuple[int, list]], size: int, person_row: rules.RowFilter
) -> Iterator[list[tuple[int, list]]]:
    chunk: list[tuple[int, list]] = []
    for number, cells in rows:
        first = cells[0] if cells else None
        # A first cell with content settles it without looking at the rest (most rows).
        if not (
            (type(first) is str and first and not first.isspace())
            or (first is not None and type(first) is not str)
        ) and is_blank(cells):
            continue
        if not person_row(cells):
            continue
        chunk.append((number, cells))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _row(number: int, cells: list, result: rules.RowResult) -> Row:
    return Row(
        row=number,
        cells=cells,
        record=result.record,
        errors=result.errors,
        warnings=result.warnings,
        skip=result.skip,
    )
