"""One row → a clean record or the reasons it is refused; a record against the registry → insert, update,
unchanged or conflict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from lindung.common.dates import parse_date
from lindung.common.nik import check_nik
from lindung.common.spreadsheet import cell_text

from ..choices import (
    SINGLE_HOLDER_JABATAN,
    Jabatan,
    Kind,
    RiskGroup,
    Status,
)
from .cells import (
    parse_bool,
    parse_jabatan,
    parse_kpj,
    parse_money,
    parse_pekerjaan,
    parse_phone_cell,
    parse_risk_group,
    parse_sex,
    parse_sumber_dana,
)
from .columns import LABELS, MEMBERSHIP_FIELDS, PESERTA_FIELDS, memo
from .villages import Village, VillageError, VillageIndex


@dataclass(slots=True)
class Record:
    """A clean participant row: person fields, membership fields and which fields the source gave."""

    nik: str
    name: str
    birth_date: dt.date
    sex: str
    kind: str
    desa: str
    phone: str = ""
    jabatan: str = ""
    pekerjaan: str = ""
    wage: int | None = None
    sumber_dana: str = ""
    jht: bool = False
    jp: bool = False
    kpj: str = ""
    start_of_term: dt.date | None = None
    risk_group: str = RiskGroup.SANGAT_RENDAH
    registered_on: dt.date | None = None
    given: frozenset[str] = frozenset()


@dataclass(slots=True)
class RowResult:
    row: int
    record: Record | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.errors


_CACHED = {
    name: memo(parser)
    for name, parser in (
        ("date", parse_date),
        ("sex", parse_sex),
        ("jabatan", parse_jabatan),
        ("pekerjaan", parse_pekerjaan),
        ("sumber_dana", parse_sumber_dana),
        ("money", parse_money),
        ("bool", parse_bool),
        ("risk_group", parse_risk_group),
        ("kpj", parse_kpj),
    )
}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_row(
    values: Mapping[str, object],
    *,
    kind: str,
    villages: VillageIndex,
    row: int = 0,
    labels: Mapping[str, str] | None = None,
    blank_clears: bool = False,
) -> RowResult:
    """Validate one row (field → raw cell value). Never raises for bad data: errors name the column and problem.

    ``blank_clears``: a blank optional cell clears the stored value (a form showing the current values); in a
    spreadsheet (the default) a blank cell leaves the stored value alone.
    """
    result = RowResult(row=row)
    # NUL cannot be stored by PostgreSQL; API input may carry it even though files are cleaned on reading.
    values = {
        k: v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v
        for k, v in values.items()
    }

    def label(name: str) -> str:
        return (labels or {}).get(name) or LABELS[name]

    out: dict[str, object] = {}

    def take(name: str, parser, *, required: bool = False, missing: str = ""):
        raw = values.get(name)
        if _blank(raw):
            if required:
                result.errors.append(
                    (label(name), missing or "{} wajib diisi".format(LABELS[name]))
                )
            return None
        try:
            return parser(raw)
        except ValueError as exc:
            result.errors.append((label(name), str(exc)))
            return None

    name = " ".join(cell_text(values.get("name")).split())
    if not name:
        result.errors.append((label("name"), "Nama wajib diisi"))
    elif len(name) > 150:
        result.errors.append(
            (label("name"), "Nama terlalu panjang (lebih dari 150 huruf)")
        )
    birth_date = take("birth_date", _CACHED["date"], required=True)
    if isinstance(birth_date, dt.date) and birth_date.year < 1900:
        result.errors.append(
            (label("birth_date"), "tahun lahir {} tidak wajar".format(birth_date.year))
        )
        birth_date = None
    sex = take("sex", _CACHED["sex"])

    village = _village(values, kind, result, label, villages)
    nik_raw = values.get("nik")
    check = check_nik(
        nik_raw,
        birth_date=birth_date,
        sex=sex,
        domicile_code=village.code if village else None,
    )
    result.errors.extend((label("nik"), m) for m in check.errors)
    result.warnings.extend((label("nik"), m) for m in check.warnings)
    if sex is None and check.sex and not result.errors:
        sex = check.sex
        result.warnings.append(
            (label("sex"), "jenis kelamin kosong; diisi dari NIK ({})".format(sex))
        )

    if kind == Kind.PERANGKAT:
        out["jabatan"] = take("jabatan", _CACHED["jabatan"], required=True) or ""
    else:
        out["pekerjaan"] = take("pekerjaan", _CACHED["pekerjaan"], required=True) or ""
    out["sumber_dana"] = (
        take("sumber_dana", _CACHED["sumber_dana"], required=True) or ""
    )
    out["wage"] = take("wage", _CACHED["money"])
    if out["wage"] is None and not any(
        lbl == label("wage") for lbl, _m in result.errors
    ):
        what = "Siltap/penghasilan tetap" if kind == Kind.PERANGKAT else "Penghasilan"
        result.warnings.append(
            (label("wage"), "{} kosong; iuran belum dapat dihitung".format(what))
        )
    out["start_of_term"] = take("start_of_term", _CACHED["date"])
    out["registered_on"] = take("registered_on", _CACHED["date"])
    out["jht"] = bool(take("jht", _CACHED["bool"]))
    out["jp"] = bool(take("jp", _CACHED["bool"]))
    if out["jp"] and kind != Kind.PERANGKAT:
        # PP 45/2015: JP is for wage earners only; pekerja rentan are BPU.
        result.errors.append(
            (label("jp"), "JP hanya untuk peserta penerima upah (perangkat desa)")
        )
    out["risk_group"] = (
        take("risk_group", _CACHED["risk_group"]) or RiskGroup.SANGAT_RENDAH
    )
    for fname, parser in (("kpj", _CACHED["kpj"]), ("phone", parse_phone_cell)):
        parsed = take(fname, parser)
        if parsed:
            out[fname], warning = parsed
            if warning:
                result.warnings.append((label(fname), warning))

    if result.errors or village is None or birth_date is None or not check.nik:
        if not result.errors:
            result.errors.append((label("nik"), "baris tidak lengkap"))
        return result
    given = frozenset(
        k
        for k, v in values.items()
        if k in PESERTA_FIELDS + MEMBERSHIP_FIELDS and (blank_clears or not _blank(v))
    )
    result.record = Record(
        nik=check.nik,
        name=name,
        birth_date=birth_date,
        sex=str(sex),
        kind=kind,
        desa=village.code,
        given=given | {"name", "birth_date", "sex"},
        **out,
    )
    return result


def _village(
    values: Mapping[str, object],
    kind: str,
    result: RowResult,
    label,
    villages: VillageIndex,
) -> Village | None:
    column = (
        label("desa_code") if not _blank(values.get("desa_code")) else label("desa")
    )
    try:
        village = villages.resolve(
            code=values.get("desa_code") or "",
            name=values.get("desa") or "",
            kecamatan=values.get("kecamatan") or "",
            kabupaten=values.get("kabupaten") or "",
        )
    except VillageError as exc:
        result.errors.append((column, str(exc)))
        return None
    if kind == Kind.PERANGKAT and not village.is_desa:
        # Only a desa has perangkat desa; kelurahan staff are civil servants (MODEL.md).
        result.errors.append(
            (
                column,
                "{} adalah kelurahan; perangkat desa hanya ada di desa".format(
                    village.describe()
                ),
            )
        )
        return None
    return village


# ---------------------------------------------------------------------------------------------------------------
# A clean record against what the registry already holds for that NIK.
# ---------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Existing:
    """The registry's state for one NIK: the person and their active membership (if any), as plain values."""

    peserta_id: int
    person: dict[str, object]
    membership: dict[str, object] | None = None


@dataclass(slots=True)
class Decision:
    outcome: str  # insert | update | unchanged | conflict
    peserta_changes: dict[str, object] = field(default_factory=dict)
    membership_changes: dict[str, object] = field(default_factory=dict)
    message: str = ""


def membership_values(record: Record) -> dict[str, object]:
    return {f: getattr(record, f) for f in MEMBERSHIP_FIELDS}


def decide(record: Record, existing: Existing | None) -> Decision:
    """insert / update / unchanged, or a conflict: one person has one active membership (MODEL.md)."""
    if existing is None:
        return Decision("insert")
    person = {f: getattr(record, f) for f in PESERTA_FIELDS if f in record.given}
    peserta_changes = {f: v for f, v in person.items() if existing.person.get(f) != v}
    current = existing.membership
    if current is None:
        return Decision("insert", peserta_changes=peserta_changes)
    if current["status"] == Status.BERHENTI:
        return Decision("insert", peserta_changes=peserta_changes)
    if current["desa"] != record.desa or current["kind"] != record.kind:
        return Decision(
            "conflict",
            message="NIK ini sudah terdaftar aktif sebagai {} di desa {}; hentikan "
            "kepesertaan itu dulu".format(Kind(current["kind"]).label, current["desa"]),
        )
    wanted = {f: v for f, v in membership_values(record).items() if f in record.given}
    membership_changes = {f: v for f, v in wanted.items() if current.get(f) != v}
    if peserta_changes or membership_changes:
        return Decision(
            "update",
            peserta_changes=peserta_changes,
            membership_changes=membership_changes,
        )
    return Decision("unchanged")


def single_holder_conflict(
    record: Record, holders: Mapping[tuple[str, str], str]
) -> str | None:
    """One kepala desa and one sekretaris desa per desa at a time (MODEL.md; Permendagri 84/2015).

    ``holders`` maps (desa, jabatan) → NIK of the current active holder.
    """
    if record.kind != Kind.PERANGKAT or record.jabatan not in SINGLE_HOLDER_JABATAN:
        return None
    holder = holders.get((record.desa, record.jabatan))
    if holder and holder != record.nik:
        return "desa {} sudah punya {} aktif (NIK {}); hentikan kepesertaan itu dulu".format(
            record.desa, Jabatan(record.jabatan).label, holder[:4] + "…" + holder[-4:]
        )
    return None
