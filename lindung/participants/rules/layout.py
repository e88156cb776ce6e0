"""What surrounds the rows in the files villages send: the title block above the header, the signature block and
footer below the rows, and the layouts that cannot register anyone (docs/import-formats.md).

Title block lines ("Desa : Bokonusan", "Kecamatan : Semau", "Desa : X Kec : Y Kab : Z") give the village to a
file without a village column. Signature blocks ("MENGETAHUI", "KEPALA DESA …", a name, "NIPD : …") and footers
("Tanggal cetak : …", "Jumlah") are not rows: they are neither counted nor written to the error file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lindung.common.spreadsheet import cell_text, is_blank

from .columns import ColumnMap, normalize_text

_PLACE_WORDS = {
    "desa": "desa",
    "kelurahan": "desa",
    "kel": "desa",
    "desa kelurahan": "desa",
    "kecamatan": "kecamatan",
    "kec": "kecamatan",
    "distrik": "kecamatan",
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "kabupaten kota": "kabupaten",
    "kota": "kabupaten",
    "provinsi": "provinsi",
    "prov": "provinsi",
}
_PLACE = re.compile(
    r"\b(desa\s*/\s*kelurahan|kabupaten\s*/\s*kota|desa|kelurahan|kel|kecamatan|kec|distrik|kabupaten|kab|kota|"
    r"provinsi|prov)\s*\.?\s*:\s*",
    re.IGNORECASE,
)


def title_context(preamble: Iterable[Sequence[str]]) -> dict[str, str]:
    """The places a title block names: {"desa", "kecamatan", "kabupaten", "provinsi"} (those found).

    Each line may be one cell ("Desa : Bokonusan") or several ("Desa", ":", "Bokonusan"), and one line may name
    several places ("Desa : X Kec : Y Kab : Z"). A place word without a colon ("BUKU APARAT PEMERINTAH DESA") is
    a title, not a place.
    """
    found: dict[str, str] = {}
    for cells in preamble:
        line = " ".join(" ".join(cell_text(c) for c in cells if cell_text(c)).split())
        line = re.sub(r"\s+:\s*", " : ", line)
        marks = list(_PLACE.finditer(line))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(line)
            value = line[mark.end() : end].strip(" :,;-")
            key = _PLACE_WORDS.get(normalize_text(mark.group(1)))
            if key and value and key not in found:
                found[key] = value
    return found


_FOOTER = re.compile(
    r"^(?:mengetahui|menyetujui|disahkan|tanggal cetak|tgl cetak|dicetak|dicetak pada|dicetak oleh|printed|"
    r"jumlah|total|keterangan|catatan|ttd|tanda tangan|nipd?|nip|a n|an|pj|plt|kepala desa|kades|sekretaris desa|"
    r"sekdes|kepala|camat|bupati|lurah|pembuat daftar|yang membuat|petugas|operator)\b"
)
_MONTHS = (
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|nopember|november|desember|"
    "january|february|march|may|june|july|august|october|december"
)
# "Bokonusan, 01 Desember 2026" — the place and date above a signature.
_PLACE_DATE = re.compile(r"^[a-z][a-z .'-]*\s\d{1,2}\s(?:" + _MONTHS + r")\s\d{4}$")


def _is_footer_text(text: str) -> bool:
    key = normalize_text(text)
    return bool(key) and bool(_FOOTER.match(key) or _PLACE_DATE.match(key))


class RowFilter:
    """Tells person rows from a file's signature block and footer, row by row in file order.

    A row whose every text is a footer or signature line ("MENGETAHUI", "Tanggal cetak : …", "KEPALA DESA X",
    "NIPD : …", "Jumlah") is not a row, and from there on only a row with something in the NIK column is one (the
    names under a signature are not people to register). Before that, every non-blank row is a person row, so a
    careless row is refused with its reason rather than dropped.
    """

    def __init__(self, mapping: ColumnMap) -> None:
        self.nik_at = mapping.columns.get("nik")
        self.in_footer = False

    def __call__(self, cells: Sequence) -> bool:
        at = self.nik_at
        if at is not None and at < len(cells):
            nik = cells[at]
            if type(nik) is str and len(nik) >= 10 and nik[:2].isdigit():
                return True  # the usual person row, without looking at every cell
        texts = [cell_text(c) for c in cells if not is_blank([c])]
        if not texts:
            return False
        if all(_is_footer_text(t) for t in texts):
            self.in_footer = True
            return False
        if self.in_footer:
            nik = (
                cells[self.nik_at]
                if self.nik_at is not None and self.nik_at < len(cells)
                else None
            )
            return sum(ch.isdigit() for ch in cell_text(nik)) >= 10
        return True


def refusal_for_layout(mapping: ColumnMap, missing: list[str]) -> str | None:
    """A message for a file whose layout is known to lack what registration needs, saying which columns to add."""
    heads = {normalize_text(h) for h in mapping.headers if h}
    if (
        "nik" not in mapping.columns
        and "nipd" in heads
        and "jabatan" in mapping.columns
    ):
        return (
            "Berkas ini Buku Aparat Pemerintah Desa (OpenSID) tanpa kolom NIK: tambahkan kolom NIK (16 digit dari "
            "KTP/KK, format Teks) di samping kolom NAMA lalu unggah ulang; tanpa NIK tidak ada yang dapat didaftarkan"
        )
    if {"kd desa", "nama perangkat"} <= heads or {"kd desa", "kd jabatan"} <= heads:
        return (
            "Berkas ini Ta_Perangkat dari Siskeudes, yang tidak memuat NIK dan tanggal lahir: tambahkan kolom NIK "
            "dan Tanggal Lahir (dari KTP/KK){} lalu unggah ulang; tanpa keduanya tidak ada yang dapat didaftarkan".format(
                ", serta kolom Desa atau pilih wilayah desanya"
                if not mapping.has_village
                else ""
            )
        )
    if missing == ["Kode Desa atau Desa"]:
        return (
            "kolom desa tidak ditemukan dan judul berkas tidak menyebut desa: tambahkan kolom Kode Desa atau Desa, "
            "atau pilih wilayah desa saat mengunggah (CLI: --region KODE_DESA)"
        )
    return None
