"""NIK checks (UU 23/2006 as amended by UU 24/2013; docs/regulations.md §6) on top of lokal-id's ``parse_nik``.

NIK = PP KK CC DDMMYY SSSS: province, regency, kecamatan as issued, birth date with day + 40 for women, serial.
The century is not encoded, so it is taken from the birth date the operator typed. Spreadsheet damage (a NIK typed
into a number cell becomes 5.30101E+15 or loses its last digit) is detected and refused: lost digits are never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lokal import parse_nik

_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?\s*[eE]\s*[+-]?\d+")
_DECIMAL = re.compile(r"\d{6,}[.,]\d+")
_SEPARATORS = re.compile(r"[\s.\-]")

AS_TEXT = "format kolom NIK sebagai Teks lalu ketik/tempel ulang NIK dari KTP"
ZEROED = (
    "NIK berakhir 0 pada sebagian besar baris berkas ini: digit terakhirnya kemungkinan dibulatkan menjadi 0 "
    "oleh Excel (angka hanya disimpan 15 digit); " + AS_TEXT
)
# OpenSID's privacy setting prints a NIK with most digits replaced (e.g. "5301XXXXXXXXX0001", 17 characters).
MASKED = "NIK disamarkan (sebagian digit diganti X/*): unduh ulang dari OpenSID dengan NIK lengkap, atau isi NIK dari KTP/KK"
_MASKED = re.compile(r"[0-9]*[Xx*][0-9Xx*]*", re.ASCII)
# OpenSID gives a resident without a NIK a temporary one: "0" + the village's code + a serial. No province code
# starts with 0, so no real NIK does.
TEMPORARY = "NIK sementara {} dari sistem desa, bukan NIK Dukcapil: isi NIK dari KTP/KK"
# A column is taken as cut by Excel when it holds at least this many NIKs and at least this share end in 0.
ZEROED_MIN_VALUES = 10
ZEROED_SHARE = 0.5


@dataclass(slots=True)
class NikCheck:
    """The outcome of checking one NIK: normalised digits, errors (refuse) and warnings (accept, show)."""

    nik: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sex: str | None = None
    birth_date: dt.date | None = None
    district_code: str | None = None
    serial: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def nik_from_cell(value: object) -> tuple[str | None, str | None]:
    """Normalise a spreadsheet cell to NIK text, or explain why the cell was damaged by the spreadsheet.

    Returns ``(text, None)`` or ``(None, message)``. Numeric cells are always refused: Excel keeps 15 significant
    digits, so a 16-digit number has already lost its last digit.
    """
    if value is None:
        return None, "NIK kosong"
    if (
        type(value) is str
        and len(value) == 16
        and value.isascii()
        and value.isdigit()
        and value[0] != "0"
    ):
        return value, None  # the usual case, without the damage checks below
    if isinstance(value, bool):
        return None, "NIK tidak valid"
    if isinstance(value, float | int):
        shown = (
            "{:.6g}".format(value)
            if isinstance(value, float) and value >= 1e15
            else str(value)
        )
        return (
            None,
            "NIK terbaca sebagai angka ({}), digit terakhir bisa hilang; {}".format(
                shown, AS_TEXT
            ),
        )
    text = str(value).strip().lstrip("'").strip()
    if not text:
        return None, "NIK kosong"
    if _SCIENTIFIC.fullmatch(text):
        return None, "NIK berbentuk notasi ilmiah ({}), digit sudah hilang; {}".format(
            text, AS_TEXT
        )
    if _DECIMAL.fullmatch(text):
        return None, "NIK berbentuk angka desimal ({}); {}".format(text, AS_TEXT)
    digits = _SEPARATORS.sub("", text)
    if _MASKED.fullmatch(digits):
        return None, MASKED
    if len(digits) == 16 and digits.isdigit() and digits[0] == "0":
        return None, TEMPORARY.format(digits)
    return digits, None


def zeroed_column(values: Iterable[object]) -> bool:
    """True when a column of NIK cells looks cut to 15 digits by Excel and saved as text (a CSV export of a number
    column): the 16th digit became 0. About a tenth of real NIKs end in 0, so half or more of at least
    ``ZEROED_MIN_VALUES`` is no chance (below 0.2%). Each cut NIK cannot be told from a real one; the file can."""
    texts = (v.strip() for v in values if type(v) is str)
    niks = [v for v in texts if len(v) == 16 and v.isdigit()]
    if len(niks) < ZEROED_MIN_VALUES:
        return False
    return sum(v[-1] == "0" for v in niks) >= ZEROED_SHARE * len(niks)


MASK_VISIBLE = 6


def mask(nik: str | None) -> str:
    """A NIK as every page, export, API answer and message shows it to a role that has not unmasked it (UU PDP):
    the first six digits (province, regency, kecamatan as issued), the rest hidden.

    The birth date (DDMMYY, day + 40 for women) and the serial are hidden together. Pages show the birth date and
    sex, so the six date digits could be rebuilt from them, but the four serial digits cannot be taken from
    anything shown: the full NIK stays unknown. (The old mask showed the first four and the last four digits, and
    with the desa, birth date and sex shown beside it, every NIK could be rebuilt.) Two people in one list are
    told apart by name and birth date, not by the NIK."""
    if not nik:
        return ""
    text = str(nik)
    if len(text) <= MASK_VISIBLE:
        return "•" * len(text)
    return text[:MASK_VISIBLE] + "•" * (len(text) - MASK_VISIBLE)


def _sex_label(code: str) -> str:
    return "perempuan" if code == "P" else "laki-laki"


def check_nik(
    value: object,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    domicile_code: str | None = None,
) -> NikCheck:
    """Check a NIK cell; cross-check it with the given birth date and sex (mismatch = error) and domicile (warning).

    ``domicile_code`` is the dotted code of the desa/kelurahan the person is registered in.
    """
    out = NikCheck()
    text, problem = nik_from_cell(value)
    if problem:
        out.errors.append(problem)
        return out
    info = parse_nik(text)
    if info.nik is None:
        out.errors.append("NIK harus 16 digit angka (tertulis '{}')".format(text))
        return out
    out.nik, out.serial, out.district_code = info.nik, info.serial, info.district_code
    for issue in info.errors:
        if issue.code == "birth_date" and birth_date is not None:
            continue  # re-checked below with the century of the typed birth date
        out.errors.append(_message(issue.code, info))
    _check_birth(out, info.nik, birth_date)
    if out.sex and sex and sex != out.sex:
        out.errors.append(
            "jenis kelamin di NIK ({}) tidak sama dengan jenis kelamin yang diisi ({})".format(
                _sex_label(out.sex), _sex_label(sex)
            )
        )
    if domicile_code and out.district_code and not out.errors:
        if not (domicile_code + ".").startswith(out.district_code + "."):
            out.warnings.append(
                "NIK diterbitkan di kecamatan {}, bukan kecamatan domisili {}".format(
                    out.district_code, domicile_code.rsplit(".", 1)[0]
                )
            )
    return out


def _message(code: str, info) -> str:
    if code == "province":
        return "kode provinsi NIK '{}' tidak dikenal".format(info.province_code)
    if code == "wilayah":
        return "kode kabupaten/kecamatan pada NIK tidak boleh 00"
    if code == "serial":
        return "nomor urut NIK (4 digit terakhir) tidak boleh 0000"
    if code == "birth_date":
        return "tanggal lahir di dalam NIK ({}) tidak valid".format(info.nik[6:12])
    return "NIK tidak valid"


def _check_birth(out: NikCheck, nik: str, birth_date: dt.date | None) -> None:
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    if birth_date is None:
        info = parse_nik(nik)
        out.sex = info.gender
        out.birth_date = (
            dt.date.fromisoformat(info.birth_date) if info.birth_date else None
        )
        return
    year = birth_date.year - birth_date.year % 100 + yy
    try:
        encoded = dt.date(year, month, day) if day >= 1 else None
    except ValueError:
        encoded = None
    if encoded is None:
        out.errors.append(
            "tanggal lahir di dalam NIK ({}) tidak valid".format(nik[6:12])
        )
        return
    out.sex, out.birth_date = sex, encoded
    if encoded != birth_date:
        out.errors.append(
            "tanggal lahir di NIK ({}) tidak sama dengan tanggal lahir yang diisi ({})".format(
                encoded.strftime("%d-%m-%y"), birth_date.strftime("%d-%m-%Y")
            )
        )
