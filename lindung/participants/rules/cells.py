"""Cell parsers: one spreadsheet cell → a code or value, or ValueError with an Indonesian message.

A cell that is readable but names someone Lindung does not register (a Pj. Kepala Desa, a student, a civil servant)
raises ``Skip``: the row is passed over with that reason, not refused as a mistake.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from functools import lru_cache
from pathlib import Path

from django.utils import translation
from lokal import parse_phone, parse_rupiah

from lindung.common.dates import parse_date
from lindung.common.format import indonesian
from lindung.common.spreadsheet import cell_text

from ..choices import (
    Jabatan,
    Pekerjaan,
    RiskGroup,
    Sex,
    SumberDana,
)
from .columns import normalize_text


class Skip(ValueError):
    """The cell is understood, and the row is deliberately not registered as an active participant."""


_SEX = {
    "1": Sex.L,  # OpenSID's export and SIAK: 1 laki-laki, 2 perempuan
    "2": Sex.P,
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


class _Index:
    """A lookup built on first use: choice labels are translated, and translations exist only once Django's apps
    are loaded (this module is imported before)."""

    def __init__(self, build):
        self._build, self._data = build, None

    def _map(self) -> dict[str, str]:
        if self._data is None:
            self._data = self._build()
        return self._data

    def __contains__(self, key) -> bool:
        return key in self._map()

    def __getitem__(self, key) -> str:
        return self._map()[key]

    def get(self, key, default=None):
        return self._map().get(key, default)


def _choice_index(choices) -> dict[str, str]:
    """Codes by code and by label in both languages (files carry the Indonesian words; English ones are read too)."""
    index = {}
    for code, label in choices.choices:
        index[normalize_text(code)] = code
        for lang in ("en", "id"):
            with translation.override(lang):
                index[normalize_text(str(label))] = code
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
_JABATAN = _Index(
    lambda: {
        **_choice_index(Jabatan),
        **{normalize_text(k): str(v) for k, v in _JABATAN_EXTRA.items()},
    }
)
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
    return ", ".join(indonesian(label) for _code, label in choices.choices)


# Titles from before Permendagri 84/2015 (PP 72/2005 era), still typed by villages, mapped to today's post where one
# fits: pemerintahan moved from the kaur to a kasi; pembangunan, ekonomi and kesra to the kasi kesejahteraan; the
# bendahara's work to the kaur keuangan.
_OLD_TITLES = {
    "kaur pemerintahan": Jabatan.KASI_PEMERINTAHAN,
    "kaur pem": Jabatan.KASI_PEMERINTAHAN,
    "kaur pembangunan": Jabatan.KASI_KESEJAHTERAAN,
    "kaur ekbang": Jabatan.KASI_KESEJAHTERAAN,
    "kaur ekonomi pembangunan": Jabatan.KASI_KESEJAHTERAAN,
    "kaur ekonomi dan pembangunan": Jabatan.KASI_KESEJAHTERAAN,
    "kaur kesra": Jabatan.KASI_KESEJAHTERAAN,
    "kaur kesejahteraan": Jabatan.KASI_KESEJAHTERAAN,
    "kaur kesejahteraan rakyat": Jabatan.KASI_KESEJAHTERAAN,
    "kaur umum": Jabatan.KAUR_TATA_USAHA,
    "kasi pembangunan": Jabatan.KASI_KESEJAHTERAAN,
    "kasi ekbang": Jabatan.KASI_KESEJAHTERAAN,
    "kasi ekonomi pembangunan": Jabatan.KASI_KESEJAHTERAAN,
    "kasi trantib": Jabatan.KASI_PEMERINTAHAN,
    "bendahara": Jabatan.KAUR_KEUANGAN,
    "bendahara desa": Jabatan.KAUR_KEUANGAN,
    "bendaharawan": Jabatan.KAUR_KEUANGAN,
    "bendaharawan desa": Jabatan.KAUR_KEUANGAN,
    "kepala urusan pemerintahan": Jabatan.KASI_PEMERINTAHAN,
    "kepala urusan pembangunan": Jabatan.KASI_KESEJAHTERAAN,
}
_OLD_TITLES_INDEX = {normalize_text(k): str(v) for k, v in _OLD_TITLES.items()}
# "Plt." (pelaksana tugas) and "Plh." (pelaksana harian) are sitting officials acting in a post: the post counts.
_ACTING = re.compile(r"^(?:plt|plh|pelaksana tugas|pelaksana harian)\s+")
# "Pj." / "Penjabat" / "Pjs." Kepala Desa: a civil servant the bupati appoints until an election (UU 6/2014 Pasal 40
# and 47), not perangkat desa.
_ACTING_HEAD = re.compile(
    r"^(?:pj|pjs|penjabat|pejabat sementara|penjabat sementara)\s+(.+)$"
)
PJ_KEPALA_DESA = "{} adalah ASN yang ditunjuk bupati/wali kota, bukan perangkat desa; tidak didaftarkan dari berkas ini"


def parse_jabatan(value: object) -> str:
    """ "Kaur Keuangan", "KASI PEMERINTAHAN", "Kepala Dusun", "Sekdes", "kaur_keuangan", "Plt. Sekretaris Desa",
    "Staf Pelayanan", "Bendahara Desa" … → a Jabatan code. "Pj. Kepala Desa" raises ``Skip``."""
    key = normalize_text(value)
    if key in _JABATAN:
        return _JABATAN[key]
    head = _ACTING_HEAD.match(key)
    if head and _JABATAN.get(head.group(1)) == Jabatan.KEPALA_DESA:
        raise Skip(PJ_KEPALA_DESA.format(cell_text(value)))
    acting = _ACTING.match(key)
    if acting and key[acting.end() :]:
        return parse_jabatan(key[acting.end() :])
    if key in _OLD_TITLES_INDEX:
        return _OLD_TITLES_INDEX[key]
    if key.startswith(("staf ", "staff ")):
        return str(Jabatan.STAF_DESA)
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
_PEKERJAAN = _Index(
    lambda: {
        **_choice_index(Pekerjaan),
        **{normalize_text(k): str(v) for k, v in _PEKERJAAN_EXTRA.items()},
    }
)


DUKCAPIL_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "dukcapil_pekerjaan.json"
)


@lru_cache(maxsize=1)
def dukcapil_occupations() -> dict[str, dict]:
    """The Dukcapil occupation list (SIAK, as OpenSID ships it): normalised code and name → its entry, each entry
    mapped to a Lindung occupation (``lindung``) or marked not vulnerable work (``not_vulnerable``, the reason)."""
    data = json.loads(DUKCAPIL_FILE.read_text(encoding="utf-8"))
    index: dict[str, dict] = {}
    for entry in data["codes"]:
        index[str(int(entry["code"]))] = entry
        index.setdefault(normalize_text(entry["name"]), entry)
    return index


def parse_pekerjaan(value: object) -> str:
    """A Lindung occupation ("Petani", "ojek"), a Dukcapil occupation name ("PETANI/PEKEBUN") or code ("9", as
    OpenSID exports ``pekerjaan_id``) → a Pekerjaan code. Not vulnerable work (students, civil servants, …) raises
    ``Skip``."""
    key = normalize_text(value)
    if key in _PEKERJAAN:
        return _PEKERJAAN[key]
    entry = dukcapil_occupations().get(key.lstrip("0") if key.isdigit() else key)
    if entry is not None:
        if entry.get("lindung"):
            return str(entry["lindung"])
        raise Skip("bukan pekerja rentan: {}".format(entry["name"]))
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
_SUMBER = _Index(
    lambda: {
        **_choice_index(SumberDana),
        **{normalize_text(k): str(v) for k, v in _SUMBER_EXTRA.items()},
    }
)


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
    """KPJ card number: digits only (docs/regulations.md §6); length other than 11 is a warning, not a refusal."""
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


_RISK = _Index(lambda: _choice_index(RiskGroup))


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


# --------------------------------------------------------------------------------------------------------------
# Decrees of appointment and dismissal, and academic titles in names.
# --------------------------------------------------------------------------------------------------------------

_NO_VALUE = frozenset({"", "-", "--", "0", "tidak ada", "belum ada", "n a", "na"})
_DATE_IN_TEXT = re.compile(
    r"(?<![\d/.-])(\d{1,2}[-/. ]\d{1,2}[-/. ]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4})(?![\d/.-])"
)


def parse_decree(value: object) -> tuple[str, dt.date | None] | None:
    """A decree cell → (number, date), or None when the cell says there is none (", -", "-").

    OpenSID's Buku Aparat writes "<nomor>, <dd-mm-yyyy>" ("141/05/2019, 02-01-2020") and ", -" for none; a date alone
    (or a date cell) is a decree with no number. A number without a readable date gives (number, None).
    """
    if isinstance(value, dt.datetime):
        return "", value.date()
    if isinstance(value, dt.date):
        return "", value
    text = " ".join(cell_text(value).split())
    if normalize_text(text) in _NO_VALUE or not text.strip(" ,-"):
        return None
    number, _sep, tail = text.rpartition(",")
    for candidate in (tail, text):
        try:
            parsed = parse_date(candidate.strip())
        except ValueError:
            continue
        if isinstance(parsed, dt.date):
            return (number.strip(" ,-") if candidate is tail else ""), parsed
    found = _DATE_IN_TEXT.findall(text)
    for match in reversed(found):
        try:
            parsed = parse_date(match)
        except ValueError:
            continue
        if isinstance(parsed, dt.date):
            rest = text.replace(match, " ")
            rest = re.sub(r"\b(?:tanggal|tgl|tmt)\b\.?", " ", rest, flags=re.I)
            return " ".join(rest.split()).strip(" ,-"), parsed
    return text.strip(" ,-"), None


# Titles written before a name (academic, medical and the hajj titles), and after it behind a comma.
_PREFIX_TITLES = frozenset(
    {"drs", "dra", "dr", "ir", "prof", "h", "hj", "hc", "drg", "drh", "ns", "apt", "kh"}
)
_SUFFIX_TITLE = re.compile(
    r"^(?:[A-Z][A-Za-z]{0,5}\.?(?:\s?[A-Za-z]{1,6}\.?){0,4}|[A-Za-z]{1,3}\.(?:[A-Za-z]{1,6}\.?){0,4})$"
)
_KNOWN_SUFFIXES = frozenset(
    normalize_text(t)
    for t in (
        "S.Pd",
        "S.Pd.I",
        "S.Pd.SD",
        "S.E",
        "S.H",
        "S.Sos",
        "S.IP",
        "S.Kom",
        "S.T",
        "S.Ag",
        "S.Th",
        "S.Si",
        "S.P",
        "S.Pt",
        "S.Kep",
        "S.Ked",
        "S.Hut",
        "S.Psi",
        "S.Farm",
        "S.Tr",
        "S.AP",
        "S.M",
        "S.Ak",
        "S.Hum",
        "S.Fil",
        "S.IKom",
        "S.KM",
        "S.Pi",
        "S.Kel",
        "S.Gz",
        "S.ST",
        "SE",
        "SH",
        "SPd",
        "SSos",
        "SIP",
        "SKom",
        "ST",
        "SAg",
        "STh",
        "SSi",
        "SP",
        "A.Md",
        "Amd",
        "A.Ma",
        "A.Md.Kep",
        "A.Md.Keb",
        "A.Md.Kes",
        "A.Md.Pd",
        "Amd.Kep",
        "M.Pd",
        "M.Si",
        "M.M",
        "M.H",
        "M.Ag",
        "M.Th",
        "M.Kes",
        "M.T",
        "M.Sc",
        "M.A",
        "M.AP",
        "MM",
        "MH",
        "MSi",
        "MPd",
        "Lc",
        "B.A",
        "BA",
        "B.Sc",
        "Ph.D",
        "PhD",
        "Dr",
        "Ak",
        "CPA",
        "S.Pd.K",
        "S.Pd.H",
        "S.H.I",
        "S.Sy",
    )
)


def split_titles(name: str) -> tuple[str, str, str]:
    """ "Drs. Yohanes Bria, M.Si" → ("Yohanes Bria", "Drs.", "M.Si"): the name as a KTP or BPJS writes it (no
    titles, used for matching) and the titles before and after it, kept to show."""
    text = " ".join(name.split())
    before: list[str] = []
    words = text.split(" ")
    while (
        len(words) > 1
        and normalize_text(words[0]) in _PREFIX_TITLES
        and (words[0].endswith(".") or normalize_text(words[0]) in ("kh", "hj"))
    ):
        before.append(words.pop(0))
    text = " ".join(words)
    after: list[str] = []
    parts = [p.strip() for p in text.split(",")]
    while (
        len(parts) > 1
        and parts[-1]
        and (
            normalize_text(parts[-1]) in _KNOWN_SUFFIXES
            or (
                "." in parts[-1]
                and len(parts[-1]) <= 14
                and _SUFFIX_TITLE.match(parts[-1])
                and " " not in parts[-1].replace(". ", ".")
            )
        )
    ):
        after.insert(0, parts.pop())
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return ", ".join(parts).strip(" ,"), " ".join(before), ", ".join(after)


# OpenSID's status_dasar (tweb_status_dasar): 1 HIDUP, 2 MATI, 3 PINDAH, 4 HILANG, 6 PERGI, 9 TIDAK VALID. Its "huruf"
# export writes TETAP for a living resident.
_STATUS_DASAR = {
    "1": None,
    "hidup": None,
    "tetap": None,
    "aktif": None,
    # OpenSID's "huruf" export writes status_dasar through the resident-status table (TETAP / TIDAK TETAP): both
    # are living residents as far as anyone can tell from the file.
    "tidak tetap": None,
    "pendatang": None,
    "2": "meninggal",
    "mati": "meninggal",
    "meninggal": "meninggal",
    "meninggal dunia": "meninggal",
    "3": "pindah",
    "pindah": "pindah",
    "4": "hilang",
    "hilang": "hilang",
    "6": "pergi",
    "pergi": "pergi",
    "9": "tidak valid",
    "tidak valid": "tidak valid",
}


def parse_status_dasar(value: object) -> str | None:
    """None for a living resident, a warning for a status it cannot read (the status only informs); ``Skip`` for
    one who died, moved, went missing or is not valid."""
    key = normalize_text(value)
    if key not in _STATUS_DASAR:
        return "status dasar '{}' tidak dikenal; dianggap masih tinggal di desa".format(
            cell_text(value)
        )
    state = _STATUS_DASAR[key]
    if state is not None:
        raise Skip(
            "penduduk berstatus {} di data desa: tidak didaftarkan".format(
                state.upper()
            )
        )
