"""Cell parsers: one spreadsheet cell → a code or value, or ValueError with an Indonesian message."""

from __future__ import annotations

import math
import re

from lokal import parse_phone, parse_rupiah

from lindung.common.dates import parse_date
from lindung.common.spreadsheet import cell_text

from ..choices import (
    Jabatan,
    Pekerjaan,
    RiskGroup,
    Sex,
    SumberDana,
)
from .columns import normalize_text

_SEX = {
    "l": Sex.L,
    "lk": Sex.L,
    "laki": Sex.L,
    "laki laki": Sex.L,
    "lakilaki": Sex.L,
    "pria": Sex.L,
    "m": Sex.L,
    "male": Sex.L,
    "man": Sex.L,
    "p": Sex.P,
    "pr": Sex.P,
    "perempuan": Sex.P,
    "wanita": Sex.P,
    "f": Sex.P,
    "female": Sex.P,
    "woman": Sex.P,
    "w": Sex.P,
}


def parse_sex(value: object) -> str:
    key = normalize_text(value)
    if key in _SEX:
        return str(_SEX[key])
    raise ValueError("'{}' bukan jenis kelamin (isi L atau P)".format(cell_text(value)))


def _choice_index(choices) -> dict[str, str]:
    index = {}
    for code, label in choices.choices:
        index[normalize_text(code)] = code
        index[normalize_text(label)] = code
    return index


# Local and abbreviated names of positions (Permendagri 84/2015 names; regional names for the same posts).
_JABATAN_EXTRA = {
    "kades": Jabatan.KEPALA_DESA,
    "kepala kampung": Jabatan.KEPALA_DESA,
    "perbekel": Jabatan.KEPALA_DESA,
    "kuwu": Jabatan.KEPALA_DESA,
    "hukum tua": Jabatan.KEPALA_DESA,
    "keuchik": Jabatan.KEPALA_DESA,
    "geuchik": Jabatan.KEPALA_DESA,
    "wali nagari": Jabatan.KEPALA_DESA,
    "pambakal": Jabatan.KEPALA_DESA,
    "lurah desa": Jabatan.KEPALA_DESA,
    "petinggi": Jabatan.KEPALA_DESA,
    "kepala desa": Jabatan.KEPALA_DESA,
    "sekdes": Jabatan.SEKRETARIS_DESA,
    "carik": Jabatan.SEKRETARIS_DESA,
    "sekretaris": Jabatan.SEKRETARIS_DESA,
    "sekretaris kampung": Jabatan.SEKRETARIS_DESA,
    "sekretaris nagari": Jabatan.SEKRETARIS_DESA,
    "kadus": Jabatan.KEPALA_DUSUN,
    "kasun": Jabatan.KEPALA_DUSUN,
    "kepala dusun": Jabatan.KEPALA_DUSUN,
    "kepala kewilayahan": Jabatan.KEPALA_DUSUN,
    "kepala jaga": Jabatan.KEPALA_DUSUN,
    "kepala lingkungan": Jabatan.KEPALA_DUSUN,
    "kepala banjar": Jabatan.KEPALA_DUSUN,
    "kepala jorong": Jabatan.KEPALA_DUSUN,
    "kepala lorong": Jabatan.KEPALA_DUSUN,
    "kelian banjar dinas": Jabatan.KEPALA_DUSUN,
    "kepala wilayah": Jabatan.KEPALA_DUSUN,
    "bpd": Jabatan.ANGGOTA_BPD,
    "anggota bpd": Jabatan.ANGGOTA_BPD,
    "ketua bpd": Jabatan.ANGGOTA_BPD,
    "staf": Jabatan.STAF_DESA,
    "staff": Jabatan.STAF_DESA,
    "staf desa": Jabatan.STAF_DESA,
    "operator desa": Jabatan.STAF_DESA,
}
_JABATAN = {
    **_choice_index(Jabatan),
    **{normalize_text(k): str(v) for k, v in _JABATAN_EXTRA.items()},
}
_URUSAN = (
    ("keuangan", Jabatan.KAUR_KEUANGAN),
    ("perencanaan", Jabatan.KAUR_UMUM_PERENCANAAN),
    ("tata usaha", Jabatan.KAUR_TATA_USAHA),
    ("tu", Jabatan.KAUR_TATA_USAHA),
    ("umum", Jabatan.KAUR_TATA_USAHA),
)
_SEKSI = (
    ("pemerintahan", Jabatan.KASI_PEMERINTAHAN),
    ("pem", Jabatan.KASI_PEMERINTAHAN),
    ("kesejahteraan", Jabatan.KASI_KESEJAHTERAAN),
    ("kesra", Jabatan.KASI_KESEJAHTERAAN),
    ("pelayanan", Jabatan.KASI_PELAYANAN),
    ("yan", Jabatan.KASI_PELAYANAN),
)


def _options(choices) -> str:
    return ", ".join(label for _code, label in choices.choices)


def parse_jabatan(value: object) -> str:
    """ "Kaur Keuangan", "KASI PEMERINTAHAN", "Kepala Dusun", "Sekdes", "kaur_keuangan" … → a Jabatan code."""
    key = normalize_text(value)
    if key in _JABATAN:
        return _JABATAN[key]
    words = (
        key.replace("kepala urusan", "kaur")
        .replace("kepala seksi", "kasi")
        .replace("kaur ", "kaur  ")
    )
    words = " ".join(words.split())
    if words.startswith("kaur"):
        rest = " " + words[4:] + " "
        for needle, code in _URUSAN:
            if " " + needle + " " in rest or (len(needle) > 3 and needle in rest):
                return str(code)
    if words.startswith("kasi"):
        rest = " " + words[4:] + " "
        for needle, code in _SEKSI:
            if " " + needle + " " in rest or (len(needle) > 3 and needle in rest):
                return str(code)
    if "bpd" in key.split():
        return str(Jabatan.ANGGOTA_BPD)
    if key.startswith(("kepala dusun", "kadus", "kepala lingkungan")):
        return str(Jabatan.KEPALA_DUSUN)
    raise ValueError(
        "jabatan '{}' tidak dikenal; pilih salah satu: {}".format(
            cell_text(value), _options(Jabatan)
        )
    )


_PEKERJAAN_EXTRA = {
    "tani": Pekerjaan.PETANI,
    "buruh tani": Pekerjaan.PETANI,
    "petani penggarap": Pekerjaan.PETANI,
    "kebun": Pekerjaan.PEKEBUN,
    "ternak": Pekerjaan.PETERNAK,
    "peternak sapi": Pekerjaan.PETERNAK,
    "nelayan tradisional": Pekerjaan.NELAYAN,
    "penangkap ikan": Pekerjaan.NELAYAN,
    "pedagang": Pekerjaan.PEDAGANG_KECIL,
    "pedagang kaki lima": Pekerjaan.PEDAGANG_KECIL,
    "pkl": Pekerjaan.PEDAGANG_KECIL,
    "pedagang keliling": Pekerjaan.PEDAGANG_KECIL,
    "pedagang pasar": Pekerjaan.PEDAGANG_KECIL,
    "penjual": Pekerjaan.PEDAGANG_KECIL,
    "warung": Pekerjaan.PEDAGANG_KECIL,
    "ojol": Pekerjaan.OJEK,
    "ojek online": Pekerjaan.OJEK,
    "ojek pangkalan": Pekerjaan.OJEK,
    "tukang ojek": Pekerjaan.OJEK,
    "pengemudi ojek": Pekerjaan.OJEK,
    "kurir": Pekerjaan.OJEK,
    "pemandu": Pekerjaan.PEMANDU_WISATA,
    "guide": Pekerjaan.PEMANDU_WISATA,
    "tour guide": Pekerjaan.PEMANDU_WISATA,
    "buruh": Pekerjaan.BURUH_HARIAN_LEPAS,
    "bhl": Pekerjaan.BURUH_HARIAN_LEPAS,
    "kuli": Pekerjaan.BURUH_HARIAN_LEPAS,
    "buruh harian": Pekerjaan.BURUH_HARIAN_LEPAS,
    "buruh bangunan": Pekerjaan.BURUH_HARIAN_LEPAS,
    "buruh pelabuhan": Pekerjaan.BURUH_HARIAN_LEPAS,
    "perajin": Pekerjaan.PENGRAJIN,
    "pengrajin tenun": Pekerjaan.PENGRAJIN,
    "penenun": Pekerjaan.PENGRAJIN,
    "lain lain": Pekerjaan.LAINNYA,
    "lain": Pekerjaan.LAINNYA,
}
_PEKERJAAN = {
    **_choice_index(Pekerjaan),
    **{normalize_text(k): str(v) for k, v in _PEKERJAAN_EXTRA.items()},
}


def parse_pekerjaan(value: object) -> str:
    key = normalize_text(value)
    if key in _PEKERJAAN:
        return _PEKERJAAN[key]
    raise ValueError(
        "pekerjaan '{}' tidak dikenal; pilih salah satu: {}".format(
            cell_text(value), _options(Pekerjaan)
        )
    )


_SUMBER_EXTRA = {
    "dd": SumberDana.DANA_DESA,
    "dana desa": SumberDana.DANA_DESA,
    "alokasi dana desa": SumberDana.ADD,
    "add": SumberDana.ADD,
    "apbdes": SumberDana.APBDES,
    "apb desa": SumberDana.APBDES,
    "apbdesa": SumberDana.APBDES,
    "apbd kab": SumberDana.APBD_KABUPATEN,
    "apbd kabupaten": SumberDana.APBD_KABUPATEN,
    "apbd kota": SumberDana.APBD_KABUPATEN,
    "apbd kab kota": SumberDana.APBD_KABUPATEN,
    "apbd kabupaten kota": SumberDana.APBD_KABUPATEN,
    "apbd ii": SumberDana.APBD_KABUPATEN,
    "apbd 2": SumberDana.APBD_KABUPATEN,
    "pemkab": SumberDana.APBD_KABUPATEN,
    "pemkot": SumberDana.APBD_KABUPATEN,
    "apbd prov": SumberDana.APBD_PROVINSI,
    "apbd provinsi": SumberDana.APBD_PROVINSI,
    "apbd i": SumberDana.APBD_PROVINSI,
    "apbd 1": SumberDana.APBD_PROVINSI,
    "pemprov": SumberDana.APBD_PROVINSI,
    "apbn": SumberDana.APBN,
    "csr": SumberDana.CSR,
    "baznas": SumberDana.BAZNAS,
    "zakat": SumberDana.BAZNAS,
    "mandiri": SumberDana.SELF,
    "sendiri": SumberDana.SELF,
    "pribadi": SumberDana.SELF,
    "self": SumberDana.SELF,
    "lainnya": SumberDana.OTHER,
    "lain lain": SumberDana.OTHER,
    "other": SumberDana.OTHER,
}
_SUMBER = {
    **_choice_index(SumberDana),
    **{normalize_text(k): str(v) for k, v in _SUMBER_EXTRA.items()},
}


def parse_sumber_dana(value: object) -> str:
    """ "Dana Desa", "APBD Kab", "APBD Kabupaten Kupang", "apbd_provinsi" … → a SumberDana code."""
    key = normalize_text(value)
    if key in _SUMBER:
        return _SUMBER[key]
    for prefix, code in (
        ("apbd kab", SumberDana.APBD_KABUPATEN),
        ("apbd kota", SumberDana.APBD_KABUPATEN),
        ("apbd prov", SumberDana.APBD_PROVINSI),
        ("csr", SumberDana.CSR),
        ("baznas", SumberDana.BAZNAS),
        ("dana desa", SumberDana.DANA_DESA),
    ):
        if key.startswith(prefix):
            return str(code)
    if key == "apbd":
        raise ValueError(
            "sumber dana 'APBD' kurang jelas: tulis APBD Kabupaten/Kota atau APBD Provinsi"
        )
    raise ValueError(
        "sumber dana '{}' tidak dikenal; pilih salah satu: {}".format(
            cell_text(value), _options(SumberDana)
        )
    )


def parse_money(value: object) -> int:
    """ "Rp 2.022.200", "2,022,200", 2022200.0 → 2022200 (integer Rupiah)."""
    if isinstance(value, bool):
        raise ValueError("nilai uang tidak valid")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value != int(value):
            raise ValueError("nilai uang {} tidak boleh pecahan rupiah".format(value))
        amount = int(value)
    else:
        try:
            parsed = parse_rupiah(cell_text(value))
        except Exception:
            parsed = None
        if parsed is None or parsed.approximate:
            raise ValueError("'{}' bukan nilai rupiah".format(cell_text(value)))
        amount = int(parsed.amount)
    if amount <= 0:
        raise ValueError("nilai rupiah harus lebih dari 0")
    if amount > MAX_MONEY:
        raise ValueError(
            "nilai rupiah {} terlalu besar untuk penghasilan bulanan".format(amount)
        )
    return amount


# Sanity bound for a monthly wage cell (a typo, not a rule): far above any siltap or declared income.
MAX_MONEY = 10**12

_YES = {"ya", "y", "yes", "1", "true", "x", "v", "ikut", "iya", "benar"}
_NO = {"tidak", "t", "no", "n", "0", "false", "", "tdk", "-", "belum"}


def parse_bool(value: object) -> bool:
    key = (
        normalize_text(value)
        if not isinstance(value, bool)
        else ("ya" if value else "tidak")
    )
    if key in _YES or value == "✓":
        return True
    if key in _NO:
        return False
    raise ValueError("'{}' harus Ya atau Tidak".format(cell_text(value)))


def parse_kpj(value: object) -> tuple[str, str | None]:
    """KPJ card number: digits only (REGULATIONS.md §6); length other than 11 is a warning, not a refusal."""
    text = cell_text(value).replace(" ", "").replace("-", "").replace(".", "")
    if not text:
        return "", None
    if not text.isdigit():
        raise ValueError("KPJ '{}' hanya boleh berisi angka".format(cell_text(value)))
    if len(text) > 15:
        raise ValueError("KPJ '{}' terlalu panjang (lebih dari 15 digit)".format(text))
    warning = (
        None
        if len(text) == 11
        else "KPJ {} berisi {} digit, biasanya 11 digit".format(text, len(text))
    )
    return text, warning


_MOBILE = re.compile(r"08[1-9]\d{7,10}")


def parse_phone_cell(value: object) -> tuple[str, str | None]:
    text = cell_text(value)
    if not text:
        return "", None
    if text.isdigit() and text.startswith("8"):
        text = "0" + text  # a number cell drops the leading zero
    if _MOBILE.fullmatch(text):
        return text, None  # the common case, without the full parser
    info = parse_phone(text)
    if info.valid and info.national:
        return info.national.replace("-", ""), None
    digits = re.sub(r"[^\d+]", "", text)[:20]
    return digits, "nomor HP '{}' tampaknya tidak valid".format(text)


_RISK = _choice_index(RiskGroup)


def parse_risk_group(value: object) -> str:
    key = normalize_text(value)
    if key in _RISK:
        return _RISK[key]
    raise ValueError(
        "kelompok risiko '{}' tidak dikenal; pilih salah satu: {}".format(
            cell_text(value), _options(RiskGroup)
        )
    )


def parse_birth_date(value: object) -> object:
    """A birth date cell, also from a "Tempat, Tanggal Lahir" column ("Kupang, 17-08-1985"): the date after the
    last comma when the whole cell is not a date. The message is the whole cell's."""
    try:
        return parse_date(value)
    except ValueError:
        if isinstance(value, str) and "," in value:
            try:
                return parse_date(value.rsplit(",", 1)[1])
            except ValueError:
                pass
        raise
