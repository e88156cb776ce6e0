"""Reading and writing spreadsheets: XLSX/XLS/ODS through python-calamine, CSV (``,`` ``;`` or tab) through csv, and
HTML tables saved under an ``.xls`` name (what OpenSID's "Unduh" and many web systems send) through lxml's HTML parser.

Rows keep the spreadsheet's own numbering (the first row is 1) so messages point at what the operator sees.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from lxml import etree
from lxml import html as lxml_html
from python_calamine import CalamineWorkbook

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_EXTENSIONS = (".csv", ".txt")
HTML_EXTENSIONS = (".html", ".htm")
MAX_HEADER_SEARCH = 20
# No spreadsheet a village made has a longer cell (Excel's own limit): a CSV with one is refused with its row, and a
# longer text cell of another format is cut to it (such a row is refused by its column's own check).
MAX_CELL_CHARS = 32767


class SpreadsheetError(ValueError):
    """The file cannot be read as a table; the message is Indonesian and fit for one stderr line."""


@dataclass(slots=True)
class Table:
    """A header row and an iterator of ``(row_number, cells)`` below it (see ``read_table``)."""

    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list]]
    #: Rows below the header, blank ones included: an upper bound of the data rows, known before reading them.
    size: int = 0
    #: The non-blank rows above the header, as texts (a title block: "Desa : X", "Kecamatan : Y", the year).
    preamble: list[list[str]] = field(default_factory=list)


def is_blank(cells: Sequence) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _numbered(raw: Iterable[list]) -> Iterator[tuple[int, list]]:
    """Rows numbered from 1, without NUL characters (PostgreSQL cannot store them, text or JSON, nor can XLSX)
    and with no cell longer than ``MAX_CELL_CHARS`` (what Excel itself can hold)."""
    for index, cells in enumerate(raw, start=1):
        yield (
            index,
            [
                _clean_cell(c)
                if type(c) is str and ("\x00" in c or len(c) > MAX_CELL_CHARS)
                else c
                for c in cells
            ],
        )


def _clean_cell(text: str) -> str:
    return text.replace("\x00", "")[:MAX_CELL_CHARS]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_rows(path: Path) -> tuple[Iterator[list], int]:
    text = _decode(path.read_bytes())
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise SpreadsheetError(
            "berkas {} tidak dapat dibaca di baris {}: {}".format(
                path.name,
                reader.line_num,
                "sel lebih dari {:,} karakter".format(MAX_CELL_CHARS).replace(",", ".")
                if "field larger" in str(exc)
                else exc,
            )
        ) from None
    return iter(rows), len(rows)


_HTML_MARKS = (
    b"<html",
    b"<!doctype html",
    b"<table",
    b"<head",
    b"<body",
    b"<meta",
    b"<style",
    b"<div",
)


def is_html(path: Path) -> bool:
    """True when the file is an HTML document, whatever its name: OpenSID's "Unduh" (and many web systems) send an
    HTML table named ``.xls`` so that Excel opens it."""
    with path.open("rb") as fh:
        head = fh.read(2048)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml"):
        text = text[text.find(b"?>") + 2 :].lstrip()
    return text.startswith(_HTML_MARKS)


# Block elements whose text outside a table is a line of its own (a title block: "Desa : X").
_BLOCKS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "div",
        "center",
        "li",
        "pre",
        "caption",
        "section",
        "header",
    }
)
_SKIP = frozenset({"head", "script", "style", "title", "noscript", "template"})


def _html_text(element) -> str:
    """An element's text with ``<br>`` as a space and runs of white space (``&nbsp;`` included) folded."""
    for br in element.iter("br"):
        br.tail = " " + (br.tail or "")
    return " ".join(element.text_content().replace("\xa0", " ").split())


def _html_rows(path: Path) -> tuple[Iterator[list], int]:
    """The rows of every table in an HTML document, in document order, and the lines of text outside the tables
    (a title block or a signature written as paragraphs) as rows of one cell.

    Cells spanning several columns (``colspan``) are followed by empty cells and cells spanning several rows
    (``rowspan``) leave an empty cell in the rows below, so every row lines up with the header as a spreadsheet
    program would show it. A row holding another table (a layout table) gives that table's rows instead.
    """

    data = path.read_bytes()
    text = _decode(data)
    if text.lstrip().lower().startswith("<?xml"):
        text = text[text.find("?>") + 2 :]
    try:
        document = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise SpreadsheetError(
            "berkas {} tidak dapat dibaca sebagai tabel HTML: {}".format(path.name, exc)
        ) from None
    rows: list[list] = []
    spans: dict[int, int] = {}  # column → rows still covered by a rowspan from above

    def emit_row(tr) -> None:
        cells: list[str] = []
        column = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while spans.get(column):
                spans[column] -= 1
                cells.append("")
                column += 1
            cells.append(_html_text(cell))
            width = _span(cell.get("colspan"))
            height = _span(cell.get("rowspan"))
            for offset in range(width):
                if offset:
                    cells.append("")
                if height > 1:
                    spans[column + offset] = height - 1
            column += width
        while any(spans.get(c) for c in range(column, max(spans, default=-1) + 1)):
            if spans.get(column):
                spans[column] -= 1
            cells.append("")
            column += 1
        rows.append(cells)

    def structured(element) -> bool:
        return any(
            isinstance(d.tag, str) and (d.tag in _BLOCKS or d.tag in ("table", "tr"))
            for d in element.iterdescendants()
        )

    def flush(buffer: list[str]) -> None:
        line = " ".join("".join(buffer).replace("\xa0", " ").split())
        if line:
            rows.append([line])

    def walk(element) -> None:
        """Text outside tables, one row per line between block boundaries; each table's rows."""
        buffer = [element.text or ""]
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag or tag in _SKIP:
                buffer.append(child.tail or "")
                continue
            if tag == "table":
                flush(buffer)
                spans.clear()
                for tr in child.iter("tr"):
                    if (
                        tr.find(".//table") is None
                    ):  # a layout row: its inner table's rows come on their own
                        emit_row(tr)
                spans.clear()
                buffer = [child.tail or ""]
            elif tag in _BLOCKS or tag == "br" or structured(child):
                flush(buffer)
                if tag != "br":
                    walk(child)
                buffer = [child.tail or ""]
            else:  # inline text: part of the current line
                buffer.append(_html_text(child))
                buffer.append(child.tail or "")
        flush(buffer)

    body = document.find("body")
    walk(body if body is not None else document)
    return iter(rows), len(rows)


def _span(value: str | None) -> int:
    try:
        return min(max(int(str(value).strip()), 1), 1000)
    except (TypeError, ValueError):
        return 1


def csv_delimiter(text: str, sample_size: int = 20000) -> str:
    """``,``, ``;`` or tab: the one that splits the most lines into the same number (> 1) of fields, the wider
    split winning a tie. Title lines above the header (one field whatever the delimiter) and commas inside amounts in
    a ``;`` file ("2.022.200,00") do not mislead it, as they did csv.Sniffer."""
    sample = text[:sample_size]
    if len(text) > sample_size:
        sample = sample[: sample.rfind("\n") + 1] or sample  # no half line at the end
    best, best_key = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        widths = Counter(
            len(row)
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            if len(row) > 1
        )
        if widths:
            width, lines = widths.most_common(1)[0]
            if (lines, width) > best_key:
                best, best_key = delimiter, (lines, width)
    return best


def _workbook_rows(
    path: Path, score: Callable[[list[str]], int] | None = None
) -> tuple[Iterator[list], int]:
    """The first sheet's rows; given ``score`` (see ``read_table``), the sheet whose best header row scores highest,
    so a workbook opening on an instructions or cover sheet is read from its data sheet."""

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        if score is not None and len(workbook.sheet_names) > 1:
            sheets = [sheet] + [
                workbook.get_sheet_by_index(i)
                for i in range(1, len(workbook.sheet_names))
            ]
            scores = [
                _best_header(enumerate(s.iter_rows(), 1), score)[0] for s in sheets
            ]
            sheet = sheets[scores.index(max(scores))]
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several types for damaged files
        raise SpreadsheetError(
            "berkas {} tidak dapat dibaca sebagai spreadsheet: {}".format(
                path.name, exc
            )
        ) from None
    return rows, sheet.height


# A spreadsheet may not unpack to more than this (a "zip bomb" of a few KB can unpack to many GB).
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_PACK_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (BIFF in an OLE container)


def check_file_type(path: Path) -> None:
    """Refuse a file whose content is not what its extension says, or that would unpack to too much."""

    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if suffix in (".xlsx", ".ods"):
        if not zipfile.is_zipfile(path):
            raise SpreadsheetError(
                "berkas {} bukan spreadsheet {} yang sah".format(path.name, suffix)
            )
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        packed = max(path.stat().st_size, 1)
        if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_PACK_RATIO:
            raise SpreadsheetError(
                "berkas {} ditolak: isinya membengkak menjadi {:,} byte saat dibuka (kemungkinan zip bomb)".format(
                    path.name, unpacked
                )
            )
    elif suffix == ".xls" and head != OLE_MAGIC and not is_html(path):
        raise SpreadsheetError(
            "berkas {} bukan spreadsheet .xls yang sah".format(path.name)
        )
    elif suffix in CSV_EXTENSIONS and (
        head.startswith(b"MZ") or head.startswith(b"\x7fELF")
    ):
        raise SpreadsheetError("berkas {} adalah program, bukan CSV".format(path.name))


def _open_rows(
    path: str | Path, score: Callable[[list[str]], int] | None = None
) -> tuple[Iterator[tuple[int, list]], int]:
    path = Path(path)
    if not path.is_file():
        raise SpreadsheetError("berkas tidak ditemukan: {}".format(path))
    suffix = path.suffix.lower()
    check_file_type(path)
    if suffix in CSV_EXTENSIONS:
        rows, height = _csv_rows(path)
    elif suffix in HTML_EXTENSIONS or (suffix == ".xls" and is_html(path)):
        rows, height = _html_rows(path)
    elif suffix in SPREADSHEET_EXTENSIONS:
        rows, height = _workbook_rows(path, score)
    else:
        raise SpreadsheetError(
            "jenis berkas {} tidak didukung (pakai .xlsx, .xls, .ods atau .csv)".format(
                suffix or "?"
            )
        )
    return _numbered(rows), height


def read_table(
    path: str | Path, *, score: Callable[[list[str]], int] | None = None
) -> Table:
    """Open ``path`` and find its header row within the first ``MAX_HEADER_SEARCH`` rows.

    Without ``score`` the header is the first non-blank row. With it (how many of a row's texts name a column the
    caller knows), it is the first row scoring highest, so the title lines government spreadsheets carry above the
    header ("DAFTAR PERANGKAT DESA …", the regency, the year) are passed over; when no row scores, the first
    non-blank row. A row numbering the columns (1, 2, 3, … under the header) is not data and is left out.
    """
    rows, height = _open_rows(path, score)
    head = list(itertools.islice(rows, MAX_HEADER_SEARCH))
    _score, found = _best_header(head, score)
    if found is None:
        raise SpreadsheetError("berkas kosong: tidak ada baris judul kolom")
    number, header = found
    below = itertools.chain((row for row in head if row[0] > number), rows)
    # A two-row header is numbered by its lower row: its upper row is not part of the title block.
    preamble = [
        [cell_text(c) for c in cells if not is_blank([c])]
        for n, cells in head
        if n < number - 1 or (n == number - 1 and not _in_header(cells, header))
    ]
    return Table(
        header=header,
        header_row=number,
        rows=_without_numbering(below),
        size=max(height - number, 0),
        preamble=[texts for texts in preamble if texts],
    )


def _in_header(cells: list, header: list[str]) -> bool:
    """True when every text of ``cells`` stands in ``header`` (the upper row of a two-row header)."""
    texts = [cell_text(c) for c in cells if not is_blank([c])]
    return bool(texts) and all(t in header for t in texts)


def _best_header(
    rows: Iterable[tuple[int, list]], score: Callable[[list[str]], int] | None
) -> tuple[int, tuple[int, list[str]] | None]:
    """(score, (row number, texts)) of the header among the first ``MAX_HEADER_SEARCH`` numbered rows: the first
    non-blank row, or with ``score`` the first scoring highest.

    A header on two rows (merged cells: "Alamat" above "Desa | Kecamatan | Kabupaten", "NIK" merged down) is read as
    one, numbered by its lower row, when it names more columns than either row alone.
    """
    best: tuple[int, tuple[int, list[str]] | None] = (-1, None)
    above: tuple[int, list[str]] | None = None  # the non-blank row just above
    for number, cells in itertools.islice(rows, MAX_HEADER_SEARCH):
        if is_blank(cells):
            above = None
            continue
        header = [cell_text(c) for c in cells]
        options = [header]
        if score is not None and above is not None and above[0] == number - 1:
            options.append(_two_rows(above[1], header))
        for texts in options:
            points = score(texts) if score is not None else 0
            if points > best[0]:
                best = (points, (number, texts))
        if score is None:
            break
        above = (number, header)
    return (max(best[0], 0), best[1])


def _two_rows(upper: list[str], lower: list[str]) -> list[str]:
    """A two-row header as one: each column's lower text, or the upper one where the lower cell is empty."""
    width = max(len(upper), len(lower))
    upper, lower = (
        upper + [""] * (width - len(upper)),
        lower + [""] * (width - len(lower)),
    )
    return [low or up for up, low in zip(upper, lower, strict=True)]


def _without_numbering(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """``rows`` without a column-numbering row ("1", "2", "3", … or "(1)", "(2)", …) right under the header."""
    for number, cells in rows:
        if is_blank(cells):
            yield number, cells
            continue
        texts = [cell_text(c).strip("()") for c in cells if not is_blank([c])]
        if len(texts) < 3 or texts != [str(i) for i in range(1, len(texts) + 1)]:
            yield number, cells
        break
    yield from rows


def cell_text(value: object) -> str:
    """A cell as text: integral floats lose their ``.0`` (calamine gives floats for number cells)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


# A cell starting with one of these is a formula (or a DDE payload) to Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XlsxWriter options for every workbook Lindung writes: text stays text, never a formula or a link, whatever it
# starts with (an uploaded "=HYPERLINK(…)" header, a plan typed as "=cmd|…").
SAFE_WORKBOOK = {"strings_to_formulas": False, "strings_to_urls": False}


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet program runs: text starting with ``FORMULA_START`` gets a leading
    apostrophe, which Excel shows as text (numbers, including negative ones, are left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_xlsx(
    path: str | Path,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    text_columns: Sequence[int] = (),
    sheet_name: str = "Data",
    more_sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]] = (),
) -> Path:
    """Write a simple XLSX (bold header, frozen first row). ``text_columns`` are written as text cells;
    ``more_sheets`` are further (name, header, rows) sheets after the first."""

    path = Path(path)
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            **SAFE_WORKBOOK,
            "constant_memory": True,
            "strings_to_numbers": False,
            "default_date_format": "dd/mm/yyyy",
            "nan_inf_to_errors": True,
        },
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4"})
    text = workbook.add_format({"num_format": "@"})
    for name, head, body in ((sheet_name, header, rows), *more_sheets):
        _write_sheet(workbook.add_worksheet(name), head, body, text_columns, bold, text)
        text_columns = ()
    workbook.close()
    return path


def _write_sheet(sheet, header, rows, text_columns, bold, text) -> None:
    for col in text_columns:
        sheet.set_column(col, col, 20, text)
    sheet.write_row(0, 0, list(header), bold)
    sheet.freeze_panes(1, 0)
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells):
            if c in text_columns:
                sheet.write_string(
                    r, c, cell_text(value) if not isinstance(value, str) else value
                )
            elif value is None or value == "":
                continue
            elif type(value) is str:
                # Text stays text: never a formula ("=…" from an uploaded file) nor a URL, and no type sniffing
                # (this loop writes every refused row of a large import).
                sheet.write_string(r, c, value)
            elif value is None:
                continue
            else:
                try:
                    sheet.write(r, c, value)
                except TypeError:  # a cell type XlsxWriter cannot write: keep its text
                    sheet.write_string(r, c, str(value))
