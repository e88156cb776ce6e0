"""Writing small spreadsheets for import tests."""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from tests.participants.factories import DESA_X, nik_for

HEADER = [
    "No. NIK",
    "Nama Lengkap",
    "Tgl Lahir",
    "L/P",
    "Jabatan",
    "Siltap",
    "Kode Desa",
    "Sumber Dana",
]


def perangkat_row(serial: int, **kw) -> list:
    row = {
        "nik": nik_for(serial),
        "name": "Orang {}".format(serial),
        "birth": "05/08/1968",
        "sex": "L",
        "jabatan": "Kepala Dusun",
        "wage": "Rp 2.022.200",
        "desa": DESA_X,
        "sumber": "ADD",
    }
    row.update(kw)
    return [
        row["nik"],
        row["name"],
        row["birth"],
        row["sex"],
        row["jabatan"],
        row["wage"],
        row["desa"],
        row["sumber"],
    ]


def write_csv(
    path: Path, rows: list[list], header: list[str] = HEADER, delimiter: str = ";"
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: list[list],
    header: list[str] = HEADER,
    start_row: int = 0,
    title: list[str] = (),
) -> Path:
    """Cells are written with their Python types: a float NIK becomes a number cell, as Excel would store it.
    ``title`` lines go in the first column above the header (``start_row`` leaves room for them)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, line in enumerate(title):
        ws.write_string(r, 0, line)
    date_format = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(start_row, 0, header)
    for r, cells in enumerate(rows, start=start_row + 1):
        for c, value in enumerate(cells):
            if value is None:
                continue
            if hasattr(value, "year"):
                ws.write_datetime(r, c, value, date_format)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write(r, c, value)
    wb.close()
    return path


def crash_in_second_chunk(chunk_job):
    """A stand-in for ``services._chunk_job`` whose second chunk fails after writing (a power cut mid-way)."""
    calls = {"n": 0}

    def flaky(batch, chunk, actor, dry_run):
        calls["n"] += 1
        job = chunk_job(batch, chunk, actor, dry_run)
        if calls["n"] != 2:
            return job

        def crash():
            job()
            raise RuntimeError("listrik padam")

        return crash

    return flaky
