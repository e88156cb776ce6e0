"""Finding the header row: title lines above it are passed over, a column-numbering row under it is not data."""

from __future__ import annotations

import csv

import pytest

from lindung.common.spreadsheet import SpreadsheetError, csv_delimiter, read_table
from lindung.participants.rules import header_score


def _csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    return path


HEADER = ["No", "NIK", "Nama", "Tgl Lahir", "L/P", "Jabatan", "Kode Desa"]
DATA = ["1", "5301041708850001", "Yohanes", "17/08/1985", "L", "Kades", "53.01"]


def test_title_lines_above_the_header_are_passed_over(tmp_path):
    path = _csv(
        tmp_path / "t.csv",
        [
            ["DAFTAR PERANGKAT DESA KABUPATEN KUPANG"],
            ["TAHUN ANGGARAN 2026", "", "Dinas PMD"],
            [],
            HEADER,
            DATA,
        ],
    )
    table = read_table(path, score=header_score)
    assert table.header == HEADER and table.header_row == 4
    assert [(n, cells[1]) for n, cells in table.rows] == [(5, DATA[1])]


def test_without_a_score_the_first_non_blank_row_is_the_header(tmp_path):
    path = _csv(tmp_path / "t.csv", [[], ["Judul"], HEADER, DATA])
    table = read_table(path)
    assert table.header == ["Judul"] and table.header_row == 2


def test_no_row_naming_a_column_falls_back_to_the_first_non_blank_row(tmp_path):
    path = _csv(tmp_path / "t.csv", [[], ["Judul"], ["apa", "ini"], ["1", "2"]])
    table = read_table(path, score=header_score)
    assert table.header == ["Judul"] and table.header_row == 2


@pytest.mark.parametrize(
    "numbering", [["1", "2", "3", "4", "5", "6", "7"], ["(1)", "(2)", "(3)", "", ""]]
)
def test_a_column_numbering_row_under_the_header_is_not_data(tmp_path, numbering):
    path = _csv(tmp_path / "t.csv", [HEADER, numbering, DATA, ["2", "3", "4"]])
    table = read_table(path, score=header_score)
    # Only the row right under the header is a numbering row; further down, "2 3 4" is data (and refused later).
    assert [n for n, _cells in table.rows] == [3, 4]


def test_a_short_first_row_of_numbers_stays_data(tmp_path):
    path = _csv(tmp_path / "t.csv", [HEADER, ["1", "2"], DATA])
    assert [n for n, _c in read_table(path, score=header_score).rows] == [2, 3]


def test_an_empty_file_has_no_header(tmp_path):
    path = _csv(tmp_path / "t.csv", [[], [""]])
    with pytest.raises(SpreadsheetError, match="tidak ada baris judul"):
        read_table(path, score=header_score)


@pytest.mark.parametrize(
    "text,delimiter",
    [
        # commas inside amounts of a ";" file
        ("NIK;Nama;Siltap\n1;Ani;2.022.200,00\n2;Budi;1.500.000,50\n", ";"),
        # ";" inside a quoted name of a "," file
        ('NIK,Nama,Siltap\n1,"Ani; Ina",2000000\n2,Budi,1500000\n', ","),
        ("NIK\tNama\tSiltap\n1\tAni, S.Pd\t2000000\n", "\t"),
        # title lines above the header
        ("DAFTAR PERANGKAT DESA\nTAHUN 2026\n\nNIK;Nama;Desa\n1;Ani;Otan\n", ";"),
        ("NIK\n1\n2\n", ","),  # one column: nothing to split
    ],
)
def test_csv_delimiter(text, delimiter):
    assert csv_delimiter(text) == delimiter


def test_csv_delimiter_ignores_a_half_line_at_the_end_of_its_sample():
    text = "NIK;Nama;Desa\n" + "1;Ani;Otan\n" * 5 + "2,3,4,5,6,7,8"
    assert csv_delimiter(text, sample_size=len(text) - 3) == ";"


def test_a_header_on_two_rows_is_read_as_one(tmp_path):
    path = _csv(
        tmp_path / "t.csv",
        [
            ["DAFTAR PERANGKAT DESA"],
            ["No", "NIK", "Nama", "Tgl Lahir", "Jabatan", "Alamat", "", ""],
            ["", "", "", "", "", "Desa", "Kecamatan", "Kabupaten"],
            [
                "1",
                "5301041708850001",
                "Yohanes",
                "17/08/1985",
                "Kades",
                "Otan",
                "Semau",
                "Kupang",
            ],
        ],
    )
    table = read_table(path, score=header_score)
    assert table.header_row == 3
    assert table.header == [
        "No",
        "NIK",
        "Nama",
        "Tgl Lahir",
        "Jabatan",
        "Desa",
        "Kecamatan",
        "Kabupaten",
    ]
    assert [n for n, _c in table.rows] == [4]


def test_a_one_row_header_is_not_merged_with_its_first_data_row(tmp_path):
    path = _csv(tmp_path / "t.csv", [HEADER, ["", *DATA[1:]], DATA])
    table = read_table(path, score=header_score)
    assert table.header == HEADER and [n for n, _c in table.rows] == [2, 3]
