"""Downloads of lists: exactly the rows the page's filters show, as CSV (``;``, UTF-8 with BOM: what Indonesian Excel
opens) streamed row by row, or XLSX (text cells never formulas). Every download is audited (UU PDP)."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from django.http import FileResponse, StreamingHttpResponse

from lindung.accounts import audit
from lindung.common.spreadsheet import csv_safe, write_xlsx

CSV_DELIMITER = ";"
# XLSX is built whole before it is sent; beyond this many rows the CSV (streamed) is the format for it.
MAX_XLSX_ROWS = 200_000


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    yield "\ufeff" + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([csv_safe("" if v is None else v) for v in row])


def download(
    request,
    *,
    name: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    count: int,
    fmt: str,
    model: str,
    note: str,
    unmasked: bool = False,
):
    """A download response for ``rows`` (an iterator: a large list is never held in memory as CSV), audited as
    an export by the requesting user, with the count and whether NIKs were unmasked."""
    audit.record(
        actor=request.user,
        action="export",
        model=model,
        note=note[:255],
        changes={"rows": count, "format": fmt, "nik_unmasked": unmasked},
    )
    if fmt == "xlsx" and count <= MAX_XLSX_ROWS:
        path = Path(tempfile.mkdtemp()) / (name + ".xlsx")
        write_xlsx(path, list(header), rows)
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response = StreamingHttpResponse(
        _csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="{}.csv"'.format(name)
    return response
