"""Columns: canonical fields, their labels, and the header spellings seen in village spreadsheets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lindung.common.spreadsheet import cell_text

from ..choices import (
    Kind,
)

LABELS: dict[str, str] = {
    "nik": "NIK",
    "name": "Nama",
    "birth_date": "Tanggal Lahir",
    "sex": "Jenis Kelamin",
    "jabatan": "Jabatan",
    "pekerjaan": "Pekerjaan",
    "wage": "Penghasilan",
    "start_of_term": "Mulai Menjabat",
    "desa_code": "Kode Desa",
    "desa": "Desa",
    "kecamatan": "Kecamatan",
    "kabupaten": "Kabupaten",
    "sumber_dana": "Sumber Dana",
    "phone": "No HP",
    "kpj": "KPJ",
    "jht": "JHT",
    "jp": "JP",
    "risk_group": "Kelompok Risiko",
    "registered_on": "Tanggal Daftar",
    "sk_angkat": "SK Pengangkatan",
    "sk_henti": "SK Pemberhentian",
    "status_dasar": "Status Dasar",
}

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "nik": (
        "nik",
        "no nik",
        "nomor nik",
        "no ktp",
        "nomor ktp",
        "nik ktp",
        "ktp",
        "nomor induk kependudukan",
        "id number",
        "national id",
    ),
    "name": (
        "nama",
        "nama lengkap",
        "nama peserta",
        "nama perangkat",
        "nama perangkat desa",
        "nama pekerja",
        "nama sesuai ktp",
        "name",
        "full name",
    ),
    "birth_date": (
        "tgl lahir",
        "tanggal lahir",
        "tgl lhr",
        "lahir",
        "birth date",
        "date of birth",
        "dob",
        "birthdate",
        # "Kupang, 17-08-1985" in one column: the date after the place is read (parse_birth_date)
        "ttl",
        "tempat tanggal lahir",
        "tempat tgl lahir",
        "tempat dan tanggal lahir",
        "tempat tgl lhr",
        "tempat tanggal lhr",
        "tanggallahir",
        "tgllahir",
    ),
    "sex": ("jenis kelamin", "jk", "l p", "lp", "kelamin", "sex", "gender"),
    "jabatan": ("jabatan", "posisi", "jabatan perangkat", "position"),
    "pekerjaan": (
        "pekerjaan",
        "jenis pekerjaan",
        "profesi",
        "occupation",
        "job",
        # OpenSID's export: the Dukcapil occupation code (1..89), or its name in the "huruf" variant
        "pekerjaan id",
        "pekerjaanid",
        "kode pekerjaan",
        "pekerjaan sesuai kk",
    ),
    "wage": (
        "siltap",
        "penghasilan tetap",
        "penghasilan",
        "gaji",
        "upah",
        "penghasilan per bulan",
        "penghasilan bulanan",
        "income",
        "wage",
        "salary",
        "nilai penghasilan",
    ),
    "start_of_term": (
        "mulai menjabat",
        "tmt",
        "tmt jabatan",
        "tanggal menjabat",
        "tgl menjabat",
        "tanggal pengangkatan",
        "tgl pengangkatan",
        "tmt pengangkatan",
        "start of term",
    ),
    "desa_code": (
        "kode desa",
        "kode wilayah",
        "kode desa kelurahan",
        "kode kemendagri",
        "village code",
        "kode desa kel",
    ),
    "desa": ("desa", "nama desa", "desa kelurahan", "kelurahan", "desa kel", "village"),
    "kecamatan": ("kecamatan", "kec", "nama kecamatan", "district", "distrik"),
    "kabupaten": (
        "kabupaten",
        "kab",
        "kabupaten kota",
        "kab kota",
        "kota",
        "regency",
        "nama kabupaten",
    ),
    "sumber_dana": (
        "sumber dana",
        "sumber pendanaan",
        "sumber anggaran",
        "pembiayaan",
        "sumber pembiayaan",
        "dibiayai oleh",
        "funding",
        "funding source",
        "pembayar",
    ),
    "phone": (
        "no hp",
        "nomor hp",
        "no telp",
        "no telepon",
        "telepon",
        "hp",
        "no wa",
        "nomor telepon",
        "phone",
        "ponsel",
        "no handphone",
    ),
    "kpj": (
        "kpj",
        "no kpj",
        "nomor kpj",
        "nomor kartu",
        "no kartu bpjs",
        "nomor kartu bpjs",
        "no peserta bpjs",
    ),
    "jht": ("jht", "ikut jht", "program jht"),
    "jp": ("jp", "ikut jp", "program jp"),
    "risk_group": ("kelompok risiko", "tingkat risiko", "risiko", "risk group"),
    # A decree cell "<nomor>, <dd-mm-yyyy>" (OpenSID's Buku Aparat), or the date alone.
    "sk_angkat": (
        "nomor dan tanggal keputusan pengangkatan",
        "nomor dan tanggal sk pengangkatan",
        "no dan tgl sk pengangkatan",
        "no tgl sk pengangkatan",
        "keputusan pengangkatan",
        "sk pengangkatan",
        "no sk pengangkatan",
        "nomor sk pengangkatan",
        "sk angkat",
    ),
    "sk_henti": (
        "nomor dan tanggal keputusan pemberhentian",
        "nomor dan tanggal sk pemberhentian",
        "no dan tgl sk pemberhentian",
        "no tgl sk pemberhentian",
        "keputusan pemberhentian",
        "sk pemberhentian",
        "no sk pemberhentian",
        "nomor sk pemberhentian",
        "sk henti",
        "tanggal pemberhentian",
        "tgl pemberhentian",
        "tanggal berhenti",
        "tgl berhenti",
        "tmt berhenti",
        "tmt pemberhentian",
        "date of dismissal",
    ),
    # OpenSID's export: whether the resident is alive and still lives in the village (1 HIDUP, 2 MATI, 3 PINDAH …)
    "status_dasar": ("status dasar", "status penduduk dasar", "status hidup"),
    "registered_on": (
        "tanggal daftar",
        "tgl daftar",
        "mulai kepesertaan",
        "tanggal kepesertaan",
        "registered on",
    ),
}

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    # What identifies the person and the place (plus the village, checked apart). Sex can come from the NIK;
    # a missing wage or funding source is a warning that billing asks for, not a refusal.
    Kind.PERANGKAT: ("nik", "name", "birth_date", "jabatan"),
    Kind.RENTAN: ("nik", "name", "birth_date", "pekerjaan"),
}

# Fields a file may update on the person and on the membership.
PESERTA_FIELDS = ("name", "birth_date", "sex", "phone", "title_prefix", "title_suffix")
MEMBERSHIP_FIELDS = (
    "jabatan",
    "pekerjaan",
    "wage",
    "sumber_dana",
    "jht",
    "jp",
    "kpj",
    "start_of_term",
    "risk_group",
)


def normalize_text(value: object) -> str:
    """Lower case, no accents, punctuation → space, single spaces."""
    text = (
        unicodedata.normalize("NFKD", cell_text(value))
        .encode("ascii", "ignore")
        .decode()
        .lower()
    )
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def memo(parser, size: int = 65536):
    """Cache a cell parser by the cell's type and value: spreadsheets repeat the same few spellings a million
    times. Errors are cached too and raised again."""
    cache: dict = {}

    def wrapper(value):
        try:
            key = (type(value), value)
            hit = cache.get(key)
        except TypeError:  # unhashable cell: parse without the cache
            return parser(value)
        if hit is None:
            try:
                hit = (True, parser(value))
            except ValueError as exc:
                hit = (False, exc)
            if len(cache) < size:
                cache[key] = hit
        if hit[0]:
            return hit[1]
        raise type(hit[1])(*hit[1].args)

    wrapper.__wrapped__ = parser
    wrapper.__doc__ = parser.__doc__
    return wrapper


_ALIAS_INDEX = {
    normalize_text(a): f for f, aliases in HEADER_ALIASES.items() for a in aliases
}
_ALIAS_INDEX.update({normalize_text(label): f for f, label in LABELS.items()})


@dataclass(slots=True)
class ColumnMap:
    """Which column holds which field, plus the headers the import ignores."""

    columns: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    #: Values every row shares, taken from outside the rows (the title block's village, the chosen region).
    fixed: dict[str, object] = field(default_factory=dict)

    def label(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None and name in self.fixed:
            return "{} (dari judul berkas/wilayah)".format(LABELS[name])
        return (
            self.headers[index]
            if index is not None and self.headers[index]
            else LABELS[name]
        )

    def missing(self, kind: str) -> list[str]:
        missing = [LABELS[f] for f in REQUIRED_COLUMNS[kind] if f not in self.columns]
        if not self.has_village:
            missing.append("Kode Desa atau Desa")
        return missing

    @property
    def has_village(self) -> bool:
        return any(f in self.columns or f in self.fixed for f in ("desa_code", "desa"))

    @property
    def fields(self) -> set[str]:
        return set(self.columns) | set(self.fixed)

    def values(self, cells: list) -> dict[str, object]:
        values = {
            name: cells[i] if i < len(cells) else "" for name, i in self.columns.items()
        }
        if self.fixed:
            return {**self.fixed, **values}
        return values


def _header_field(text: str) -> str | None:
    """The field a header names: as written; without a note in brackets ("Siltap (Rp)", "Jenis Kelamin (L/P)");
    or, for "Gaji/Siltap" and "Tempat/Tgl Lahir", the first part that names one. A leading "No" may be dropped."""
    plain = re.sub(r"\([^)]*\)", " ", text)
    for candidate in (text, plain, *plain.split("/")):
        key = normalize_text(candidate)
        name = _ALIAS_INDEX.get(key) or _ALIAS_INDEX.get(
            key.removeprefix("no ").strip()
        )
        if name is not None:
            return name
    return None


def map_header(header: list[str]) -> ColumnMap:
    """Header texts in any order and case → field positions. A second column for the same field is ignored."""
    out = ColumnMap(headers=[cell_text(h) for h in header])
    for index, text in enumerate(out.headers):
        name = _header_field(text)
        if name is None:
            if text:
                out.ignored.append(text)
        elif name in out.columns:
            out.duplicates.append(text)
        else:
            out.columns[name] = index
    return out


def header_score(header: list[str]) -> int:
    """How many columns a candidate header row names: the row naming the most is the header (title rows name none)."""
    return len(map_header(header).columns)
