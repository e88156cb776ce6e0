"""The same rows as XLSX, XLS (Excel 97–2003), ODS (LibreOffice) and CSV import alike: same outcomes, same rows."""

from __future__ import annotations

import pytest

from lindung.imports import services

from .helpers import HEADER, perangkat_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    perangkat_row(1),
    perangkat_row(2, birth="31/02/1968"),  # row 3: no such date
    perangkat_row(3, jabatan="Kades", wage=""),  # a missing wage is a warning
    perangkat_row(1),  # row 5: duplicate of row 2
]


def write_xls(path, rows, header=HEADER):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Data")
    for r, cells in enumerate([header, *rows]):
        for c, value in enumerate(cells):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path, rows, header=HEADER):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Data")
    for cells in [header, *rows]:
        tr = TableRow()
        for value in cells:
            if isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


WRITERS = {
    "xlsx": write_xlsx,
    "xls": write_xls,
    "ods": write_ods,
    "csv": write_csv,
}


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_each_format_imports_the_same_rows(tmp_path, suffix):
    path = WRITERS[suffix](tmp_path / "perangkat.{}".format(suffix), ROWS)
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    assert (batch.total, batch.inserted, batch.rejected, batch.warnings) == (4, 2, 2, 1)
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (3, "Tgl Lahir"),
        (5, "No. NIK"),
    ]
    again = services.run_import(actor=None, path=path, kind="perangkat")
    assert (again.unchanged, again.rejected) == (2, 2)


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_a_nik_stored_as_a_number_is_refused_in_xls_and_ods(tmp_path, suffix):
    row = perangkat_row(1)
    row[0] = float(row[0])  # what a NIK typed into a number cell becomes
    path = WRITERS[suffix](tmp_path / "angka.{}".format(suffix), [row])
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    assert batch.rejected == 1 and "Teks" in batch.errors[0]["message"]


def test_a_workbook_opening_on_an_instructions_sheet_is_read_from_its_data_sheet(
    tmp_path,
):
    import xlsxwriter

    path = tmp_path / "dengan_petunjuk.xlsx"
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("Petunjuk")
    notes.write_column(
        0, 0, ["PETUNJUK PENGISIAN", "Isi NIK sebagai teks.", "Jabatan sesuai daftar."]
    )
    data = book.add_worksheet("Data")
    for r, cells in enumerate([HEADER, *ROWS]):
        data.write_row(r, 0, cells)
    book.close()
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    assert (batch.total, batch.inserted, batch.rejected) == (4, 2, 2)
    assert [e["row"] for e in batch.errors] == [3, 5]


def test_a_two_row_header_with_merged_cells_imports(tmp_path):
    """ "No. NIK" … merged down two rows, "Wilayah" merged across above "Kode Desa" and "Sumber Dana"."""
    import xlsxwriter

    path = tmp_path / "dua_baris.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "DAFTAR PERANGKAT DESA")
    for c, text in enumerate(HEADER[:6]):
        sheet.merge_range(1, c, 2, c, text)
    sheet.merge_range(1, 6, 1, 7, "Wilayah dan pembiayaan")
    sheet.write_row(2, 6, HEADER[6:])
    for r, cells in enumerate(ROWS, start=3):
        sheet.write_row(r, 0, cells)
    book.close()
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    assert (batch.total, batch.inserted, batch.rejected) == (4, 2, 2)
    assert [e["row"] for e in batch.errors] == [5, 7]
