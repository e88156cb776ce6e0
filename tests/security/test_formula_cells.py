"""Spreadsheet output neutralised (issue 20): a cell starting with =, +, -, @, tab or CR is written as text in every
XLSX and CSV Lindung produces (error files, exports, reports)."""

from __future__ import annotations

import zipfile

import pytest

from lindung.common.spreadsheet import FORMULA_START, csv_safe, write_xlsx
from lindung.imports import services
from tests.imports.helpers import HEADER, perangkat_row, write_csv

pytestmark = pytest.mark.django_db
EVIL = [
    '=HYPERLINK("http://contoh.invalid","klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


def _formulas(path) -> str:
    with zipfile.ZipFile(path) as xlsx:
        return "".join(
            xlsx.read(name).decode()
            for name in xlsx.namelist()
            if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"
        )


def test_the_error_file_keeps_formula_like_headers_and_cells_as_text(tmp_path):
    header = [*HEADER, EVIL[0]]
    rows = [perangkat_row(1, name=EVIL[1], wage="abc") + [EVIL[3]]]
    batch = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "f.csv", rows, header=header),
        kind="perangkat",
    )
    sheet = _formulas(services.error_file_path(batch))
    assert "<f>" not in sheet and "HYPERLINK" in sheet


def test_every_writer_neutralises_formula_starts(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", EVIL, [EVIL])
    assert "<f>" not in _formulas(path)
    for value in EVIL:
        assert value.startswith(FORMULA_START) and csv_safe(value).startswith("'")
    assert csv_safe(-5) == -5 and csv_safe("Kupang") == "Kupang"


def test_the_rakor_csv_and_xlsx_write_a_typed_plan_as_text(tmp_path):
    import datetime as dt

    from lindung.agreements.models import PlannedAction
    from lindung.reports import exports
    from lindung.reports.services import rakor

    PlannedAction.objects.create(
        kabupaten_id="53.01", planned_on=dt.date(2026, 1, 5), description=EVIL[0]
    )
    report = rakor(user=None, region_code="53", as_of=dt.date(2026, 6, 1))
    text = exports.to_csv(report).decode("utf-8-sig")
    assert (
        "'=HYPERLINK" in text
        and ";=HYPERLINK" not in text
        and ",=HYPERLINK" not in text
    )
    path = tmp_path / "r.xlsx"
    path.write_bytes(exports.to_xlsx(report))
    sheets = _formulas(path)
    assert "HYPERLINK" in sheets and "<f>" not in sheets
