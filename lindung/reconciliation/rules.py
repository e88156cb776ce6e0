"""Pure rules of the reconciliation with BPJS's participant list: no ORM, no request (docs/reconciliation.md).

Columns (BPJS has no public layout, so headers are read tolerantly, as the participant import reads village files),
cell parsers (status, paid-until month) and the classification of one BPJS row against Lindung's membership.
Messages are Indonesian (shown to officers); class names are the docs/interfaces.md codes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lindung.common.dates import MONTHS, parse_date
from lindung.common.spreadsheet import cell_text
from lindung.participants.rules import normalize_text, split_titles

# --------------------------------------------------------------------------------------------------------------
# Classes (docs/interfaces.md "Reconciliation with BPJS's list").
# --------------------------------------------------------------------------------------------------------------

COCOK = "cocok"
KPJ_BARU = "kpj_baru"
STATUS_BERBEDA = "status_berbeda"
IURAN_BERBEDA = "iuran_berbeda"
DATA_BERBEDA = "data_berbeda"
HANYA_DI_BPJS = "hanya_di_bpjs"
HANYA_DI_LINDUNG = "hanya_di_lindung"
CLASSES = (
    COCOK,
    KPJ_BARU,
    STATUS_BERBEDA,
    IURAN_BERBEDA,
    DATA_BERBEDA,
    HANYA_DI_BPJS,
    HANYA_DI_LINDUNG,
)
CLASS_LABELS = {
    COCOK: "Cocok",
    KPJ_BARU: "KPJ baru",
    STATUS_BERBEDA: "Status berbeda",
    IURAN_BERBEDA: "Iuran berbeda",
    DATA_BERBEDA: "Data berbeda",
    HANYA_DI_BPJS: "Hanya di BPJS",
    HANYA_DI_LINDUNG: "Hanya di Lindung",
}

# The two directions of status_berbeda, named in ``detail`` (docs/interfaces.md).
PROTECTED_HERE = "terlindungi di Lindung, nonaktif di BPJS"
PROTECTED_THERE = "tidak terlindungi di Lindung, aktif di BPJS"
ENDED_THERE = "belum berhenti di Lindung, berhenti di BPJS"

# BPJS membership states.
AKTIF, NONAKTIF, BERHENTI = "aktif", "nonaktif", "berhenti"

# --------------------------------------------------------------------------------------------------------------
# Columns.
# --------------------------------------------------------------------------------------------------------------

LABELS: dict[str, str] = {
    "nik": "NIK",
    "kpj": "KPJ",
    "name": "Nama",
    "birth_date": "Tanggal Lahir",
    "status": "Status Kepesertaan",
    "tmt": "TMT Kepesertaan",
    "paid_until": "Iuran Terakhir",
    "segment": "Segmen/Wadah",
    "payer": "NPP/Pembina",
    "desa_code": "Kode Desa",
}

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "nik": (
        "nik",
        "no nik",
        "nomor nik",
        "nik peserta",
        "nik tk",
        "nik tenaga kerja",
        "no ktp",
        "nomor ktp",
        "no identitas",
        "nomor identitas",
        "nomor induk kependudukan",
    ),
    "kpj": (
        "kpj",
        "no kpj",
        "nomor kpj",
        "kpj peserta",
        "no peserta",
        "nomor peserta",
        "no kartu",
        "nomor kartu",
        "no kartu peserta",
        "nomor kartu peserta",
        "no kartu bpjs",
        "no peserta bpjs",
        "nomor peserta bpjs",
    ),
    "name": (
        "nama",
        "nama peserta",
        "nama lengkap",
        "nama tk",
        "nama tenaga kerja",
        "nama pekerja",
        "name",
    ),
    "birth_date": (
        "tgl lahir",
        "tanggal lahir",
        "tgl lhr",
        "lahir",
        "ttl",
        "tempat tanggal lahir",
        "tempat tgl lahir",
        "birth date",
        "date of birth",
    ),
    "status": (
        "status",
        "status kepesertaan",
        "status peserta",
        "status aktif",
        "sts kepesertaan",
        "keterangan status",
    ),
    "tmt": (
        "tmt",
        "tmt kepesertaan",
        "tgl tmt",
        "tanggal tmt",
        "tanggal kepesertaan",
        "tgl kepesertaan",
        "tanggal terdaftar",
        "tgl terdaftar",
        "tanggal daftar",
        "tgl daftar",
        "mulai kepesertaan",
    ),
    "paid_until": (
        "iuran terakhir",
        "bulan iuran terakhir",
        "bln iuran terakhir",
        "blth iuran terakhir",
        "blth terakhir",
        "bulan terakhir bayar",
        "bln terakhir bayar",
        "bulan terakhir iuran",
        "periode iuran terakhir",
        "masa iuran terakhir",
        "tgl iuran terakhir",
        "iuran sampai",
        "iuran s d",
        "lunas sampai",
        "lunas s d",
        "paid until",
    ),
    "segment": (
        "segmen",
        "segment",
        "segmen kepesertaan",
        "jenis kepesertaan",
        "wadah",
        "kode wadah",
        "nama wadah",
    ),
    "payer": (
        "npp",
        "no npp",
        "kode npp",
        "kode pembina",
        "pembina",
        "nama pembina",
        "pemberi kerja",
        "nama pemberi kerja",
        "pembayar",
        "kode pembayar",
        "payer",
    ),
    "desa_code": (
        "kode desa",
        "kode wilayah",
        "kode desa kelurahan",
        "kode kemendagri",
    ),
}
REQUIRED = ("nik",)

_ALIAS_INDEX = {
    normalize_text(a): f for f, aliases in HEADER_ALIASES.items() for a in aliases
}
_ALIAS_INDEX.update({normalize_text(label): f for f, label in LABELS.items()})


def header_field(text: str) -> str | None:
    """The field a header names: as written, without a note in brackets ("Iuran Terakhir (BLTH)"), or the first
    part of "Tempat/Tgl Lahir" that names one; a leading "No" may be dropped."""
    plain = re.sub(r"\([^)]*\)", " ", text)
    for candidate in (text, plain, *plain.split("/")):
        key = normalize_text(candidate)
        name = _ALIAS_INDEX.get(key) or _ALIAS_INDEX.get(
            key.removeprefix("no ").strip()
        )
        if name is not None:
            return name
    return None


def map_header(header: list[str]) -> dict[str, int]:
    """Field → column position; a second column for the same field is ignored."""
    out: dict[str, int] = {}
    for index, text in enumerate(header):
        name = header_field(cell_text(text))
        if name is not None and name not in out:
            out[name] = index
    return out


def header_score(header: list[str]) -> int:
    """How many BPJS columns a candidate header row names (``read_table`` picks the best row)."""
    return len(map_header(header))


# --------------------------------------------------------------------------------------------------------------
# Cells.
# --------------------------------------------------------------------------------------------------------------

_STATUS = {
    AKTIF: ("aktif", "active", "a", "ya", "aktif membayar"),
    NONAKTIF: (
        "non aktif",
        "nonaktif",
        "non aktip",
        "tidak aktif",
        "tdk aktif",
        "na",
        "n a",
        "inactive",
        "non active",
        "pasif",
        "menunggak",
    ),
    BERHENTI: (
        "berhenti",
        "keluar",
        "tutup",
        "ditutup",
        "meninggal",
        "meninggal dunia",
        "non aktif berhenti",
        "nonaktif berhenti",
        "pensiun",
        "purna tugas",
        "mengundurkan diri",
        "closed",
        "ended",
    ),
}
_STATUS_INDEX = {normalize_text(t): s for s, texts in _STATUS.items() for t in texts}


def parse_status(value: object) -> str | None:
    """aktif / nonaktif / berhenti, None for an empty cell; ValueError for a text not understood."""
    key = normalize_text(value)
    if not key:
        return None
    if key in _STATUS_INDEX:
        return _STATUS_INDEX[key]
    raise ValueError(
        "status kepesertaan '{}' tidak dikenal (pakai aktif, non aktif atau berhenti)".format(
            cell_text(value)
        )
    )


_YM = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})")
_MY = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{4})")
_BLTH = re.compile(r"(\d{4})(\d{2})")
_NAMED_MONTH = re.compile(r"([a-z]+)\.?\s*[-/ ,]\s*(\d{4})")


def parse_month(value: object) -> dt.date | None:
    """A paid-until cell → the first day of that month, None for an empty cell.

    BPJS lists write it as a month ("2026-10", "10/2026", "Oktober 2026", "Okt-2026", BLTH "202610") or as a date
    (the last day paid, "31/10/2026", an Excel date cell)."""

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    text = cell_text(value).lower()
    m = _BLTH.fullmatch(text)
    if m and 1 <= int(m[2]) <= 12 and 1900 <= int(m[1]) <= 2100:
        return dt.date(int(m[1]), int(m[2]), 1)
    for pattern, year_at, month_at in ((_YM, 1, 2), (_MY, 2, 1)):
        m = pattern.fullmatch(text)
        if m and 1 <= int(m[month_at]) <= 12:
            return dt.date(int(m[year_at]), int(m[month_at]), 1)
    m = _NAMED_MONTH.fullmatch(text)
    if m and m[1] in MONTHS:
        return dt.date(int(m[2]), MONTHS[m[1]], 1)
    try:
        day = parse_date(value)
    except ValueError:
        raise ValueError(
            "'{}' bukan bulan iuran (pakai mm/yyyy, misalnya 10/2026)".format(
                cell_text(value)
            )
        ) from None
    return dt.date(day.year, day.month, 1)


def month_index(day: dt.date | None) -> int | None:
    return None if day is None else day.year * 12 + day.month - 1


def bare_name(name: str) -> str:
    """A name as compared: without titles, case, accents, punctuation and extra spaces."""
    return normalize_text(split_titles(name)[0]) if name else ""


def same_name(a: str, b: str) -> bool:
    if a == b or " ".join(a.split()).casefold() == " ".join(b.split()).casefold():
        return True  # the usual case, without splitting titles
    return bare_name(a) == bare_name(b)


# --------------------------------------------------------------------------------------------------------------
# One row of BPJS's list, one membership of Lindung's, and the comparison.
# --------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class BpjsRow:
    """A person row of BPJS's list, its cells parsed (None: cell empty or column absent)."""

    row: int
    nik: str
    kpj: str = ""
    name: str = ""
    birth_date: dt.date | None = None
    status: str | None = None
    tmt: dt.date | None = None
    paid_until: dt.date | None = None  # first day of the last paid month
    segment: str = ""
    payer: str = ""
    desa_code: str = ""


@dataclass(slots=True)
class Member:
    """Lindung's membership a BPJS row is compared with (plain values read from the registry)."""

    kepesertaan_id: int
    nik: str
    name: str
    birth_date: dt.date | None
    desa: str
    status: str
    kpj: str
    paid_until: dt.date | None = None  # first day of the last fully paid month


@dataclass(slots=True)
class Outcome:
    classes: list[str] = field(default_factory=list)
    detail: str = ""


def _month_text(day: dt.date | None) -> str:
    return "{:02d}-{}".format(day.month, day.year) if day else "belum ada"


def _date_text(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "-"


def classify(
    bpjs: BpjsRow,
    member: Member | None,
    *,
    columns: frozenset[str] | set[str],
    by_kpj: bool = False,
) -> Outcome:
    """Every difference between a BPJS row and Lindung's membership (``member`` None: Lindung has none in scope).

    ``columns`` are the fields BPJS's file has: a difference is only looked for in a column the file carries.
    Lindung is protected when its membership is *aktif* (billing derives the status from paid months); its paid-until
    is the last fully paid month (``contributions.coverage.paid_through`` on that month). ``by_kpj``: the row was
    matched by its KPJ, its NIK differing from Lindung's."""
    if member is None:
        return Outcome([HANYA_DI_BPJS], "tidak ada kepesertaan di Lindung")
    out = Outcome()
    notes: list[str] = []
    if bpjs.kpj and not member.kpj:
        out.classes.append(KPJ_BARU)
        notes.append("KPJ baru {}".format(bpjs.kpj))
    status = (
        _status_difference(bpjs.status, member.status) if "status" in columns else ""
    )
    if status:
        out.classes.append(STATUS_BERBEDA)
        notes.append(status)
    if "paid_until" in columns:
        here, there = month_index(member.paid_until), month_index(bpjs.paid_until)
        if here != there and (here is None or there is None or abs(here - there) >= 1):
            out.classes.append(IURAN_BERBEDA)
            notes.append(
                "iuran: Lindung lunas s.d. {}, BPJS s.d. {}".format(
                    _month_text(member.paid_until), _month_text(bpjs.paid_until)
                )
            )
    data = _data_differences(bpjs, member, columns, by_kpj)
    if data:
        out.classes.append(DATA_BERBEDA)
        notes.extend(data)
    if not out.classes:
        out.classes.append(COCOK)
    out.detail = "; ".join(notes)
    return out


def _status_difference(bpjs_status: str | None, lindung_status: str) -> str:
    if bpjs_status is None:
        return ""
    protected_here = lindung_status == "aktif"
    if protected_here and bpjs_status != AKTIF:
        return PROTECTED_HERE + (" (berhenti)" if bpjs_status == BERHENTI else "")
    if not protected_here and bpjs_status == AKTIF:
        return "{} ({} di Lindung)".format(PROTECTED_THERE, lindung_status)
    if bpjs_status == BERHENTI and lindung_status != "berhenti":
        return "{} ({} di Lindung)".format(ENDED_THERE, lindung_status)
    return ""


def _data_differences(
    bpjs: BpjsRow, member: Member, columns, by_kpj: bool
) -> list[str]:
    notes = []
    if by_kpj:
        notes.append("NIK berbeda: Lindung {}, BPJS {}".format(member.nik, bpjs.nik))
    if "name" in columns and bpjs.name and not same_name(bpjs.name, member.name):
        notes.append("nama: Lindung '{}', BPJS '{}'".format(member.name, bpjs.name))
    if (
        "birth_date" in columns
        and bpjs.birth_date is not None
        and bpjs.birth_date != member.birth_date
    ):
        notes.append(
            "tanggal lahir: Lindung {}, BPJS {}".format(
                _date_text(member.birth_date), _date_text(bpjs.birth_date)
            )
        )
    if bpjs.kpj and member.kpj and bpjs.kpj != member.kpj:
        notes.append("KPJ: Lindung {}, BPJS {}".format(member.kpj, bpjs.kpj))
    return notes


def nik_region(nik: str) -> str:
    """The kecamatan that issued a NIK, as a Kemendagri code ("5301045…" → "53.01.04")."""
    return "{}.{}.{}".format(nik[:2], nik[2:4], nik[4:6])


def within(code: str, prefixes: list[str] | None, *, kecamatan_only: bool) -> bool:
    """Whether a region code lies in the scope ``prefixes`` (None: everywhere). A code known only to the
    kecamatan (a NIK's) is in a desa-level scope when that desa lies in it."""
    if prefixes is None:
        return True
    for prefix in prefixes:
        if code == prefix or code.startswith(prefix + "."):
            return True
        if kecamatan_only and prefix.startswith(code + "."):
            return True
    return False
