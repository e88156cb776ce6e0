"""One row → a clean record or the reasons it is refused; a record against the registry → insert, update,
unchanged or conflict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lindung.common.dates import parse_date
from lindung.common.nik import check_nik, mask
from lindung.common.spreadsheet import cell_text

from ..choices import (
    SINGLE_HOLDER_JABATAN,
    Jabatan,
    Kind,
    RiskGroup,
    Status,
)
from .cells import (
    Skip,
    parse_birth_date,
    parse_bool,
    parse_decree,
    parse_jabatan,
    parse_kpj,
    parse_money,
    parse_pekerjaan,
    parse_phone_cell,
    parse_risk_group,
    parse_sex,
    parse_status_dasar,
    parse_sumber_dana,
    split_titles,
)
from .columns import LABELS, MEMBERSHIP_FIELDS, PESERTA_FIELDS, memo
from .limits import age_problem, limit_for
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
    title_prefix: str = ""
    title_suffix: str = ""
    given: frozenset[str] = frozenset()
    # The term of office (perangkat): the appointment decree's number, and the dismissal decree's date and number.
    # A dismissal dated before today means the official is not sitting: never registered as active.
    appointment_decree: str = ""
    dismissed_on: dt.date | None = None
    dismissal_decree: str = ""

    @property
    def dismissed(self) -> bool:
        return self.dismissed_on is not None

    @property
    def display_name(self) -> str:
        return display_name(self.name, self.title_prefix, self.title_suffix)


def display_name(name: str, prefix: str = "", suffix: str = "") -> str:
    """The name with its titles, as the village writes it: "Drs. Yohanes Bria, M.Si"."""
    text = "{} {}".format(prefix, name).strip() if prefix else name
    return "{}, {}".format(text, suffix) if suffix else text


@dataclass(slots=True)
class RowResult:
    row: int
    record: Record | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    #: (column, reason) when the row is deliberately not registered (a Pj. Kepala Desa, a student, a dismissed
    #: official): counted as skipped, not rejected.
    skip: tuple[str, str] | None = None

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.errors


def _without_nul(values: Mapping[str, object]) -> Mapping[str, object]:
    """NUL cannot be stored by PostgreSQL; API input may carry it (files are cleaned on reading)."""
    if not any(isinstance(v, str) and "\x00" in v for v in values.values()):
        return values
    return {
        k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in values.items()
    }


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Optional fields and their cell parsers, in the order their messages appear.
_OPTIONAL_TAIL = (
    ("start_of_term", parse_date),
    ("registered_on", parse_date),
    ("jht", parse_bool),
    ("jp", parse_bool),
    ("risk_group", parse_risk_group),
    ("kpj", parse_kpj),
    ("phone", parse_phone_cell),
)
# Cells that differ on every row: not worth caching.
_UNIQUE = frozenset({"phone", "kpj"})
_ROLE_PARSERS = {Kind.PERANGKAT: parse_jabatan, Kind.RENTAN: parse_pekerjaan}
_GIVEN_FIELDS = frozenset(PESERTA_FIELDS + MEMBERSHIP_FIELDS)
DISMISSED = "diberhentikan{} pada {}: masa jabatan sudah berakhir, tidak didaftarkan sebagai peserta aktif"
FUNDING_MISSING = "sumber dana kosong; tagihan iuran belum dapat dibuat sampai diisi"
MEMO_SIZE = 100000


class RowCleaner:
    """``clean_row`` prepared once for many rows of the same shape (an import file): labels, the fields the rows
    can carry and the village lookups are worked out once, not once per row.

    ``fields`` names the fields the rows may hold (the file's mapped columns); None = any. An optional field outside
    ``fields`` is never looked at; a required one still gets its "wajib diisi" message. ``strip_nul=False`` for
    cells already cleaned of NUL characters (the spreadsheet reader does it).
    """

    def __init__(
        self,
        *,
        kind: str,
        villages: VillageIndex,
        labels: Mapping[str, str] | None = None,
        fields: Iterable[str] | None = None,
        blank_clears: bool = False,
        strip_nul: bool = True,
        default_sumber_dana: str = "",
        today: dt.date | None = None,
    ) -> None:
        self.kind = kind
        self.today = today or dt.date.today()
        self.age_limit = limit_for(kind, self.today)
        self.default_sumber_dana = default_sumber_dana
        self.strip_nul = strip_nul
        self.villages = villages
        self.blank_clears = blank_clears
        self.labels = {
            name: (labels or {}).get(name) or text for name, text in LABELS.items()
        }
        present = set(fields) if fields is not None else None
        self.optional = [
            (name, parser)
            for name, parser in _OPTIONAL_TAIL
            if present is None or name in present
        ]
        self.has_wage = present is None or "wage" in present
        self.has_sex = present is None or "sex" in present
        self.has_status = present is not None and "status_dasar" in present
        self.has_term = kind == Kind.PERANGKAT and (
            present is None or "sk_angkat" in present or "sk_henti" in present
        )
        self.role = "jabatan" if kind == Kind.PERANGKAT else "pekerjaan"
        self.wage_missing = "{} kosong; iuran belum dapat dihitung".format(
            "Siltap/penghasilan tetap" if kind == Kind.PERANGKAT else "Penghasilan"
        )
        self._places: dict[tuple, Village | VillageError] = {}
        # Files repeat the same few spellings a million times: each distinct cell of a column is parsed once per
        # file (not the cells that differ on every row).
        self._memos = {
            name: memo(parser, MEMO_SIZE)
            for name, parser in (
                ("birth_date", parse_birth_date),
                ("sex", parse_sex),
                (self.role, _ROLE_PARSERS[kind]),
                ("sumber_dana", parse_sumber_dana),
                ("wage", parse_money),
                ("sk_angkat", parse_decree),
                ("sk_henti", parse_decree),
                *_OPTIONAL_TAIL,
            )
            if name not in _UNIQUE
        }

    def __call__(self, values: Mapping[str, object], row: int = 0) -> RowResult:
        """One row, in the order a clerk would check it: who (name, birth date, sex, NIK), where (the village),
        what (post or occupation, funding, wage, the optional columns), the term of office; then the record."""
        result = RowResult(row=row)
        if self.strip_nul:
            values = _without_nul(values)
        take = self._taker(values, result)
        if self.has_status:
            unread = take("status_dasar", parse_status_dasar)
            if unread:
                result.warnings.append((self.labels["status_dasar"], unread))
        name, title_prefix, title_suffix = self._name(values, result)
        birth_date = self._birth_date(take, result)
        village = self._village(values, result)
        check, sex = self._identity(values, birth_date, village, result)
        out = self._membership(take, result)
        term = (
            self._term(take, out, result.warnings, result.errors)
            if self.has_term
            else {}
        )
        if not self._complete(result, term, village, birth_date, check):
            return result
        result.record = Record(
            nik=check.nik,
            name=name,
            birth_date=birth_date,
            sex=str(sex),
            kind=self.kind,
            desa=village.code,
            title_prefix=title_prefix,
            title_suffix=title_suffix,
            given=self._given(values, title_prefix or title_suffix, term),
            appointment_decree=term.get("appointment_decree", ""),
            dismissed_on=term.get("dismissed_on"),
            dismissal_decree=term.get("dismissal_decree", ""),
            **out,
        )
        return result

    def _taker(self, values: Mapping[str, object], result: RowResult):
        """``take(field, parser, required)``: the cell parsed (memoised), its error or skip reason recorded."""
        errors, label, memos = result.errors, self.labels, self._memos

        def take(name: str, parser, required: bool = False):
            raw = values.get(name)
            # _blank(raw), inlined: six calls a row.
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if required:
                    errors.append((label[name], "{} wajib diisi".format(LABELS[name])))
                return None
            try:
                return memos.get(name, parser)(raw)
            except Skip as exc:
                if result.skip is None:
                    result.skip = (label[name], str(exc))
                return None
            except ValueError as exc:
                errors.append((label[name], str(exc)))
                return None

        return take

    def _name(
        self, values: Mapping[str, object], result: RowResult
    ) -> tuple[str, str, str]:
        """The name as on the KTP, with academic and hajj titles kept apart."""
        label = self.labels["name"]
        raw_name = values.get("name")
        name = " ".join(
            (raw_name if isinstance(raw_name, str) else cell_text(raw_name)).split()
        )
        title_prefix = title_suffix = ""
        if name and ("," in name or "." in name):
            # KTP and BPJS names carry no titles: "Aprianus Kolo, S.Pd" is matched as "Aprianus Kolo".
            name, title_prefix, title_suffix = split_titles(name)
        if not name:
            result.errors.append((label, "Nama wajib diisi"))
        elif len(name) > 150:
            result.errors.append((label, "Nama terlalu panjang (lebih dari 150 huruf)"))
        return name, title_prefix, title_suffix

    def _birth_date(self, take, result: RowResult) -> dt.date | None:
        birth_date = take("birth_date", parse_birth_date, True)
        if isinstance(birth_date, dt.date) and birth_date.year < 1900:
            result.errors.append(
                (
                    self.labels["birth_date"],
                    "tahun lahir {} tidak wajar".format(birth_date.year),
                )
            )
            return None
        return birth_date

    def _identity(self, values, birth_date, village, result: RowResult):
        """The NIK checked against the birth date, sex and village; a blank or unreadable sex taken from the NIK
        (day + 40 for women) with a warning; the age limits once the NIK is sound. Returns the check and the sex."""
        errors, warnings, label = result.errors, result.warnings, self.labels
        sex, unreadable_sex = None, None
        if self.has_sex:
            raw_sex = values.get("sex")
            if not _blank(raw_sex):
                try:
                    sex = self._memos["sex"](raw_sex)
                except ValueError as exc:
                    unreadable_sex = str(exc)
        check = check_nik(
            values.get("nik"),
            birth_date=birth_date,
            sex=sex,
            domicile_code=village.code if village else None,
        )
        if check.errors:
            errors.extend((label["nik"], m) for m in check.errors)
        if check.warnings:
            warnings.extend((label["nik"], m) for m in check.warnings)
        if sex is None and unreadable_sex is not None:
            if check.sex:
                # Unreadable, but the NIK says it: a warning, not a refusal.
                sex = check.sex
                warnings.append(
                    (
                        label["sex"],
                        "{}; diisi dari NIK ({})".format(unreadable_sex, sex),
                    )
                )
            else:
                errors.append((label["sex"], unreadable_sex))
        elif sex is None and check.sex and not errors:
            sex = check.sex
            warnings.append(
                (label["sex"], "jenis kelamin kosong; diisi dari NIK ({})".format(sex))
            )
        if isinstance(birth_date, dt.date) and not check.errors:
            problem = age_problem(self.kind, birth_date, self.today, self.age_limit)
            if problem:
                errors.append((label["birth_date"], problem))
        return check, sex

    def _membership(self, take, result: RowResult) -> dict:
        """Post or occupation, funding source (the file's default fills a blank), wage and the optional columns."""
        errors, warnings, label = result.errors, result.warnings, self.labels
        out: dict[str, object] = {}
        out[self.role] = take(self.role, _ROLE_PARSERS[self.kind], True) or ""
        out["sumber_dana"] = take("sumber_dana", parse_sumber_dana) or ""
        if not out["sumber_dana"] and not any(
            c == label["sumber_dana"] for c, _m in errors
        ):
            # A source chosen for the whole file; not "given" by the row (see decide).
            if self.default_sumber_dana:
                out["sumber_dana"] = self.default_sumber_dana
            else:
                warnings.append((label["sumber_dana"], FUNDING_MISSING))
        out["wage"] = take("wage", parse_money) if self.has_wage else None
        if out["wage"] is None and not any(c == label["wage"] for c, _m in errors):
            warnings.append((label["wage"], self.wage_missing))
        for fname, parser in self.optional:
            parsed = take(fname, parser)
            if fname in ("kpj", "phone"):
                if parsed:
                    out[fname], warning = parsed
                    if warning:
                        warnings.append((label[fname], warning))
            elif fname in ("jht", "jp"):
                out[fname] = bool(parsed)
                if fname == "jp" and parsed and self.kind != Kind.PERANGKAT:
                    # PP 45/2015: JP is for wage earners only; pekerja rentan are BPU.
                    errors.append(
                        (
                            label["jp"],
                            "JP hanya untuk peserta penerima upah (perangkat desa)",
                        )
                    )
            elif fname == "risk_group":
                out[fname] = parsed or RiskGroup.SANGAT_RENDAH
            else:
                out[fname] = parsed
        return out

    def _complete(
        self, result: RowResult, term: dict, village, birth_date, check
    ) -> bool:
        """Whether the row becomes a record: a dismissed official or a skipped row is passed over (its other
        errors dropped when it lacks what a record needs); a row with errors or a missing part is refused."""
        errors, label = result.errors, self.labels
        if term.get("dismissed_on") and result.skip is None:
            # Not sitting: whatever else the row says, it is never registered as active (the import ends a
            # membership it still holds). Without a usable NIK it can only be passed over.
            result.skip = (label["sk_henti"], term["reason"])
        incomplete = village is None or birth_date is None or not check.nik
        if result.skip is not None and (errors or incomplete):
            errors.clear()
            return False
        if errors or incomplete:
            if not errors:
                errors.append((label["nik"], "baris tidak lengkap"))
            return False
        return True

    def _given(
        self, values: Mapping[str, object], titled: bool, term: dict
    ) -> frozenset:
        """The fields the row gives (a blank cell gives nothing, unless blanks clear: the form)."""
        if self.blank_clears:
            given = frozenset([k for k in values if k in _GIVEN_FIELDS])
        else:  # _blank(v), inlined as in take(): every cell of every row
            given = frozenset(
                [
                    k
                    for k, v in values.items()
                    if k in _GIVEN_FIELDS
                    and v is not None
                    and not (isinstance(v, str) and not v.strip())
                ]
            )
        given |= {"name", "birth_date", "sex"}
        if titled:
            given |= {"title_prefix", "title_suffix"}
        if term.get("start_from_decree"):
            given |= {"start_of_term"}
        return given

    def _term(self, take, out: dict, warnings: list, errors: list) -> dict:
        """The term of office from the decree columns: the appointment date fills an empty start of term; a
        dismissal dated before today ends the term (``dismissed_on`` and the reason), a later one is a warning."""
        label, term = self.labels, {}
        appointed = take("sk_angkat", parse_decree)
        if appointed:
            number, day = appointed
            term["appointment_decree"] = number
            if day is None:
                warnings.append(
                    (label["sk_angkat"], "tanggal SK pengangkatan tidak terbaca")
                )
            elif out.get("start_of_term") is None:
                out["start_of_term"] = day
                term["start_from_decree"] = True
        dismissed = take("sk_henti", parse_decree)
        if dismissed:
            number, day = dismissed
            if day is None:
                errors.append(
                    (
                        label["sk_henti"],
                        "SK pemberhentian '{}' tanpa tanggal yang terbaca: isi tanggal SK (dd-mm-yyyy)".format(
                            number
                        ),
                    )
                )
            elif day < self.today:
                term["dismissed_on"], term["dismissal_decree"] = day, number
                term["reason"] = DISMISSED.format(
                    " dengan SK " + number if number else "", day.strftime("%d-%m-%Y")
                )
            else:
                warnings.append(
                    (
                        label["sk_henti"],
                        "akan diberhentikan pada {}{}".format(
                            day.strftime("%d-%m-%Y"),
                            " (SK " + number + ")" if number else "",
                        ),
                    )
                )
        return term

    def _village(
        self, values: Mapping[str, object], result: RowResult
    ) -> Village | None:
        """The row's village, or None with the reason added; repeated spellings are looked up once."""
        parts = (
            values.get("desa_code") or "",
            values.get("desa") or "",
            values.get("kecamatan") or "",
            values.get("kabupaten") or "",
        )
        try:
            hit = self._places.get(parts)
        except TypeError:  # an unhashable cell
            hit = None
        if hit is None:
            hit = self._resolve(*parts)
            if len(self._places) < 200000:
                self._places[parts] = hit
        if isinstance(hit, VillageError):
            column = (
                self.labels["desa_code"]
                if not _blank(values.get("desa_code"))
                else self.labels["desa"]
            )
            result.errors.append((column, str(hit)))
            return None
        return hit

    def _resolve(self, code, name, kecamatan, kabupaten) -> Village | VillageError:
        try:
            # A code written exactly as Kemendagri writes it needs no normalising.
            exact = self.villages.by_code.get(code) if type(code) is str else None
            village = exact or self.villages.resolve(
                code=code, name=name, kecamatan=kecamatan, kabupaten=kabupaten
            )
        except VillageError as exc:
            return exc
        if self.kind == Kind.PERANGKAT and not village.is_desa:
            # Only a desa has perangkat desa; kelurahan staff are civil servants (docs/architecture.md, Domain model).
            return VillageError(
                "{} adalah kelurahan; perangkat desa hanya ada di desa".format(
                    village.describe()
                )
            )
        return village


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
    spreadsheet (the default) a blank cell leaves the stored value alone. Many rows of one shape: ``RowCleaner``.
    """
    cleaner = RowCleaner(
        kind=kind, villages=villages, labels=labels, blank_clears=blank_clears
    )
    return cleaner(values, row)


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
    """insert / update / unchanged, or a conflict: one person has one active membership (docs/architecture.md, Domain model)."""
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
    if (
        "sumber_dana" not in record.given
        and record.sumber_dana
        and not current.get("sumber_dana")
    ):
        # A file-wide default source fills a stored blank; it never replaces a source already recorded.
        wanted["sumber_dana"] = record.sumber_dana
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
    """One kepala desa and one sekretaris desa per desa at a time (docs/architecture.md, Domain model; Permendagri 84/2015).

    ``holders`` maps (desa, jabatan) → NIK of the current active holder.
    """
    if record.kind != Kind.PERANGKAT or record.jabatan not in SINGLE_HOLDER_JABATAN:
        return None
    holder = holders.get((record.desa, record.jabatan))
    if holder and holder != record.nik:
        return "desa {} sudah punya {} aktif (NIK {}); hentikan kepesertaan itu dulu".format(
            record.desa, Jabatan(record.jabatan).label, mask(holder)
        )
    return None
