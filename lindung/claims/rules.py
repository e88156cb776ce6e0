"""Benefit rules for JKK, JKM and the scholarship, as pure functions (no ORM, no request).

Every figure comes from the benefit tables (rows in force on the incident date, see ``Tables``); this module only
knows how the figures combine (docs/regulations.md §2). User-facing messages are Indonesian.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

EVENTS = (
    "jkm",
    "jkk_death",
    "jkk_total_disability",
    "jkk_partial_disability",
    "jkk_incapacity",
)
JKK_EVENTS = frozenset(EVENTS[1:])
# PP 82/2019: the scholarship follows a death (JKM or JKK) or a permanent total disability from work.
SCHOLARSHIP_EVENTS = frozenset({"jkm", "jkk_death", "jkk_total_disability"})
LEVELS = ("belum_sekolah", "tk", "sd", "smp", "sma", "pt")
SEGMENTS = ("pu", "bpu")
CASE_FIELDS = frozenset(
    {
        "event",
        "incident_date",
        "claim_date",
        "nik",
        "segment",
        "wage",
        "contribution_months",
        "covered",
        "arrears_months",
        "disability",
        "incapacity_months",
        "incapacity_days",
        "children",
    }
)


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Tables:
    """The benefit figures in force on one day: ``values[code]`` plus each row's label/basis, and the levels."""

    day: dt.date
    values: dict[str, Decimal]
    meta: dict[str, dict]
    levels: dict[str, dict]

    def get(self, code: str) -> Decimal:
        try:
            return self.values[code]
        except KeyError:
            raise ValidationError(
                f"Tabel manfaat '{code}' tidak tersedia untuk tanggal {self.day.isoformat()}."
            ) from None

    def has(self, code: str) -> bool:
        return code in self.values


def _in_force(row: dict, day: dt.date) -> bool:
    start, end = _as_date(row["valid_from"]), row.get("valid_to")
    return start <= day and (end in (None, "") or _as_date(end) >= day)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def tables_from_rows(
    benefit_rows: list[dict], level_rows: list[dict], day: dt.date
) -> Tables:
    """Pick the rows in force on ``day`` (the data migration's JSON or the database rows as dicts)."""
    values: dict[str, Decimal] = {}
    meta: dict[str, dict] = {}
    for row in benefit_rows:
        if _in_force(row, day):
            values[row["code"]] = Decimal(str(row["value"]))
            meta[row["code"]] = {
                "label": row["label"],
                "basis": row["basis"],
                "confirmed": bool(row["confirmed"]),
            }
    levels = {
        row["level"]: {
            "amount": int(row["amount"]),
            "max_years": int(row["max_years"]),
            "order": int(row["order"]),
            "basis": row["basis"],
            "confirmed": bool(row["confirmed"]),
        }
        for row in level_rows
        if _in_force(row, day)
    }
    return Tables(day=day, values=values, meta=meta, levels=levels)


# ---------------------------------------------------------------- the case


@dataclass
class Child:
    level: str
    birth_date: dt.date | None = None
    married: bool = False
    working: bool = False
    name: str = ""


@dataclass
class Case:
    """A validated claim case (docs/interfaces.md "Claim quote")."""

    event: str
    incident_date: dt.date
    claim_date: dt.date
    segment: str | None = None
    wage: int | None = None
    contribution_months: int | None = None
    covered: bool = True
    arrears_months: int | None = None
    table_percent: Decimal | None = None
    function_lost_percent: Decimal | None = None
    incapacity_months: Decimal | None = None
    incapacity_days: int | None = None
    children: list[Child] = field(default_factory=list)


def parse_date(raw: dict, key: str, *, required: bool) -> dt.date | None:
    """``raw[key]`` as a date: only ``YYYY-MM-DD`` (or a date object) is accepted."""
    value = raw.get(key)
    if value in (None, ""):
        if required:
            raise ValidationError(f"Kolom '{key}' wajib diisi (format YYYY-MM-DD).")
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValidationError(
        f"Kolom '{key}' bukan tanggal yang sah (YYYY-MM-DD): {value!r}."
    )


# Sanity bounds: far above any real case, low enough that amounts fit the database's bigint.
MAX_WAGE = 10**12
MAX_MONTHS = 1200
MAX_DAYS = 36_500


def _int(raw: dict, key: str, *, upper: int) -> int | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= upper:
        raise ValidationError(
            f"Kolom '{key}' harus berupa bilangan bulat antara 0 dan {upper}: {value!r}."
        )
    return value


def _number(raw: dict, key: str, *, upper: Decimal) -> Decimal | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool | dict | list):
            raise InvalidOperation
        number = Decimal(str(value))
        ok = number.is_finite() and 0 <= number <= upper
    except InvalidOperation:
        ok = False
    if not ok:
        raise ValidationError(
            f"Kolom '{key}' harus berupa angka antara 0 dan {upper}: {value!r}."
        )
    return number


def _bool(raw: dict, key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValidationError(f"Kolom '{key}' harus true atau false.")
    return value


def _children(raw: dict) -> list[Child]:
    value = raw.get("children") or []
    if not isinstance(value, list):
        raise ValidationError("Kolom 'children' harus berupa daftar.")
    out = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict) or item.get("level") not in LEVELS:
            raise ValidationError(
                f"Anak ke-{i}: 'level' wajib salah satu dari {', '.join(LEVELS)}."
            )
        out.append(
            Child(
                level=item["level"],
                birth_date=parse_date(item, "birth_date", required=False),
                married=_bool(item, "married", False),
                working=_bool(item, "working", False),
                name=str(item.get("name") or "")[:150],
            )
        )
    return out


def parse_case(raw, *, today: dt.date) -> Case:
    """Check a case dict and turn it into a ``Case``; a wrong field raises ValidationError in Indonesian."""
    if not isinstance(raw, dict):
        raise ValidationError("Setiap kasus harus berupa objek JSON.")
    if raw.get("event") not in EVENTS:
        raise ValidationError(
            f"Kolom 'event' wajib salah satu dari {', '.join(EVENTS)}: {raw.get('event')!r}."
        )
    segment = raw.get("segment")
    if segment not in (None, "", *SEGMENTS):
        raise ValidationError(f"Kolom 'segment' harus 'pu' atau 'bpu': {segment!r}.")
    incident = parse_date(raw, "incident_date", required=True)
    claim = parse_date(raw, "claim_date", required=False) or today
    if claim < incident:
        raise ValidationError(
            "Tanggal klaim (claim_date) tidak boleh sebelum tanggal kejadian (incident_date)."
        )
    disability = raw.get("disability") or {}
    if not isinstance(disability, dict):
        raise ValidationError(
            "Kolom 'disability' harus berupa objek {table_percent, function_lost_percent}."
        )
    case = Case(
        event=raw["event"],
        incident_date=incident,
        claim_date=claim,
        segment=segment or None,
        wage=_int(raw, "wage", upper=MAX_WAGE),
        contribution_months=_int(raw, "contribution_months", upper=MAX_MONTHS),
        covered=_bool(raw, "covered", True),
        arrears_months=_int(raw, "arrears_months", upper=MAX_MONTHS),
        table_percent=_number(disability, "table_percent", upper=Decimal(100)),
        function_lost_percent=_number(
            disability, "function_lost_percent", upper=Decimal(100)
        ),
        incapacity_months=_number(raw, "incapacity_months", upper=Decimal(MAX_MONTHS)),
        incapacity_days=_int(raw, "incapacity_days", upper=MAX_DAYS),
        children=_children(raw),
    )
    _check_event_fields(case)
    return case


def _check_event_fields(case: Case) -> None:
    if case.event in JKK_EVENTS and case.wage is None:
        raise ValidationError(
            "Kolom 'wage' (upah/penghasilan pada tanggal kejadian) wajib untuk klaim JKK."
        )
    if case.event == "jkk_partial_disability" and case.table_percent is None:
        raise ValidationError(
            "Cacat sebagian: 'disability.table_percent' (persentase tabel) wajib diisi."
        )
    if (
        case.event == "jkk_incapacity"
        and case.incapacity_months is None
        and case.incapacity_days is None
    ):
        raise ValidationError(
            "STMB: 'incapacity_months' (atau 'incapacity_days') wajib diisi."
        )


# ---------------------------------------------------------------- arithmetic


def _rupiah(value: Decimal) -> int:
    # docs/regulations.md §1.4: whole rupiah, half up (UNCERTAIN, same rule as contributions).
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _fmt(value) -> str:
    number = Decimal(value).normalize()
    text = (
        f"{number:,.2f}".rstrip("0").rstrip(".")
        if number != number.to_integral()
        else f"{int(number):,}"
    )
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        if day.year + years > dt.MAXYEAR:
            return dt.date.max
        return day.replace(year=day.year + years, day=28)  # 29 February → 28 February


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def school_year(day: dt.date) -> str:
    """Indonesian school years start in July: 2026-08-01 → "2026/2027"."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}/{start + 1}"


# ---------------------------------------------------------------- items


def _item(
    tables: Tables, table_code: str, code: str, amount: int, formula: str
) -> dict:
    meta = tables.meta.get(table_code, {})
    return {
        "code": code,
        "label": meta.get("label", code),
        "basis": meta.get("basis", ""),
        "amount": amount,
        "formula": formula,
        "confirmed": meta.get("confirmed", False),
    }


def _flat(tables: Tables, table_code: str, code: str) -> dict:
    amount = _rupiah(tables.get(table_code))
    return _item(tables, table_code, code, amount, "Rp " + _fmt(amount))


def jkm_items(tables: Tables) -> list[dict]:
    """JKM: lump sum + periodic benefit (paid at once) + funeral cost."""
    return [
        _flat(tables, "jkm_santunan_kematian", "santunan_kematian"),
        _flat(tables, "jkm_santunan_berkala", "santunan_berkala"),
        _flat(tables, "jkm_biaya_pemakaman", "biaya_pemakaman"),
    ]


def jkk_death_items(tables: Tables, wage: int) -> list[dict]:
    """JKK death: 48 × wage (never below the JKM lump sum) + funeral + periodic benefit."""
    factor = tables.get("jkk_kematian_faktor")
    floor = tables.get("jkm_santunan_kematian")
    amount = _rupiah(max(factor * wage, floor))
    formula = f"{_fmt(factor)} × Rp {_fmt(wage)}" + (
        f", minimum Rp {_fmt(floor)}" if factor * wage < floor else ""
    )
    return [
        _item(tables, "jkk_kematian_faktor", "santunan_kematian", amount, formula),
        _flat(tables, "jkk_biaya_pemakaman", "biaya_pemakaman"),
        _flat(tables, "jkk_santunan_berkala", "santunan_berkala"),
    ]


def jkk_total_disability_items(tables: Tables, wage: int) -> list[dict]:
    """Permanent total disability: 56 × wage + periodic benefit."""
    factor = tables.get("jkk_cacat_total_faktor")
    return [
        _item(
            tables,
            "jkk_cacat_total_faktor",
            "santunan_cacat_total",
            _rupiah(factor * wage),
            f"{_fmt(factor)} × Rp {_fmt(wage)}",
        ),
        _flat(tables, "jkk_santunan_berkala", "santunan_berkala"),
    ]


def jkk_partial_disability_items(
    tables: Tables,
    wage: int,
    table_percent: Decimal,
    function_lost_percent: Decimal | None,
) -> list[dict]:
    """Permanent partial disability: table % × 80 × wage; functional loss multiplies by the % of function lost."""
    factor = tables.get("jkk_cacat_sebagian_faktor")
    lost = Decimal(100) if function_lost_percent is None else function_lost_percent
    amount = _rupiah(lost / 100 * table_percent / 100 * factor * wage)
    formula = f"{_fmt(table_percent)}% × {_fmt(factor)} × Rp {_fmt(wage)}"
    if function_lost_percent is not None:
        formula = f"{_fmt(lost)}% fungsi × " + formula
    return [
        _item(
            tables,
            "jkk_cacat_sebagian_faktor",
            "santunan_cacat_sebagian",
            amount,
            formula,
        )
    ]


def stmb_months(tables: Tables, months: Decimal | None, days: int | None) -> Decimal:
    if months is not None:
        return months
    return Decimal(days or 0) / tables.get("stmb_hari_per_bulan")


def jkk_incapacity_items(tables: Tables, wage: int, months: Decimal) -> list[dict]:
    """STMB: 100% of wage for the first 12 months, 50% after (PP 82/2019)."""
    full = tables.get("stmb_bulan_penuh")
    first, rest = min(months, full), max(months - full, Decimal(0))
    p1, p2 = tables.get("stmb_persen_awal"), tables.get("stmb_persen_lanjut")
    amount = _rupiah(first * wage * p1 / 100 + rest * wage * p2 / 100)
    formula = f"{_fmt(first)} bln × {_fmt(p1)}% × Rp {_fmt(wage)}"
    if rest:
        formula += f" + {_fmt(rest)} bln × {_fmt(p2)}% × Rp {_fmt(wage)}"
    return [_item(tables, "stmb_persen_awal", "stmb", amount, formula)]


def benefit_items(case: Case, tables: Tables) -> list[dict]:
    if case.event == "jkm":
        return jkm_items(tables)
    wage = case.wage or 0
    if case.event == "jkk_death":
        return jkk_death_items(tables, wage)
    if case.event == "jkk_total_disability":
        return jkk_total_disability_items(tables, wage)
    if case.event == "jkk_partial_disability":
        return jkk_partial_disability_items(
            tables, wage, case.table_percent or Decimal(0), case.function_lost_percent
        )
    return jkk_incapacity_items(
        tables, wage, stmb_months(tables, case.incapacity_months, case.incapacity_days)
    )


# ---------------------------------------------------------------- conditions


def _cond(
    rule: str, met: bool, detail: str, *, blocking: bool = True, basis: str = ""
) -> dict:
    return {
        "rule": rule,
        "met": met,
        "detail": detail,
        "blocking": blocking,
        "basis": basis,
    }


def claim_conditions(case: Case, tables: Tables) -> list[dict]:
    """Conditions of the cash benefit; a blocking one not met refuses the claim."""
    when = case.incident_date.isoformat()
    conds = [
        _cond(
            "terlindungi",
            case.covered,
            f"Peserta terlindungi (iuran terbayar, kepesertaan aktif) pada tanggal kejadian {when}."
            if case.covered
            else f"Peserta tidak terlindungi pada tanggal kejadian {when}: iuran bulan itu belum dibayar atau "
            "kepesertaan tidak aktif.",
            basis="PP 44/2015 (perlindungan mengikuti pembayaran iuran)",
        )
    ]
    if case.event in JKK_EVENTS:
        years = int(tables.get("jkk_batas_klaim_tahun"))
        deadline = add_years(case.incident_date, years)
        ok = case.claim_date <= deadline
        conds.append(
            _cond(
                "batas_waktu_klaim_jkk",
                ok,
                f"Klaim diajukan {case.claim_date.isoformat()}, batas {years} tahun sejak kecelakaan: "
                f"{deadline.isoformat()}."
                + ("" if ok else " Hak atas manfaat JKK sudah kedaluwarsa."),
                basis=tables.meta["jkk_batas_klaim_tahun"]["basis"],
            )
        )
        if case.segment == "pu" and case.arrears_months is not None:
            limit = int(tables.get("jkk_tunggakan_maks_bulan"))
            ok = case.arrears_months <= limit
            conds.append(
                _cond(
                    "tunggakan_pemberi_kerja",
                    ok,
                    f"Pemberi kerja menunggak {case.arrears_months} bulan: "
                    + (
                        "BPJS membayar manfaat JKK langsung."
                        if ok
                        else f"lebih dari {limit} bulan, pemberi kerja membayar manfaat JKK lebih dahulu dan diganti BPJS "
                        "setelah tunggakan dilunasi."
                    ),
                    blocking=False,
                    basis=tables.meta["jkk_tunggakan_maks_bulan"]["basis"],
                )
            )
    return conds


def payer(case: Case, tables: Tables) -> str:
    """Who pays the cash benefit first: ``bpjs``, or ``pemberi_kerja`` when a PU employer is > 3 months behind."""
    if (
        case.event in JKK_EVENTS
        and case.segment == "pu"
        and case.arrears_months is not None
        and case.arrears_months > int(tables.get("jkk_tunggakan_maks_bulan"))
    ):
        return "pemberi_kerja"
    return "bpjs"


# ---------------------------------------------------------------- scholarship


def _refuse_children(children: list[Child], reason: str) -> list[dict]:
    return [
        {
            "level": c.level,
            "name": c.name,
            "eligible": False,
            "amount": 0,
            "reason": reason,
        }
        for c in children
    ]


def _child_bar(child: Child, day: dt.date, age_limit: int) -> str | None:
    """Why a child cannot receive the scholarship, or None."""
    if child.married:
        return "Anak sudah menikah."
    if child.working:
        return "Anak sudah bekerja."
    if child.birth_date and age_on(child.birth_date, day) >= age_limit:
        return f"Anak sudah berusia {age_limit} tahun atau lebih."
    return None


def scholarship_route(
    case: Case, tables: Tables, claim_eligible: bool
) -> tuple[bool, str | None, list[dict]]:
    """Whether the scholarship is open for this case: (eligible, reason, conditions)."""
    if not claim_eligible:
        return False, "Klaim utama tidak memenuhi syarat.", []
    if case.event not in SCHOLARSHIP_EVENTS:
        return (
            False,
            "Beasiswa hanya untuk peserta yang meninggal dunia atau cacat total tetap.",
            [],
        )
    if not tables.levels or not tables.has("beasiswa_maks_anak"):
        return (
            False,
            f"Tabel beasiswa tidak tersedia untuk tanggal kejadian {case.incident_date.isoformat()}.",
            [],
        )
    code = (
        "beasiswa_jkm_min_masa_iur"
        if case.event == "jkm"
        else "beasiswa_jkk_min_masa_iur"
    )
    need = int(tables.get(code))
    have = case.contribution_months
    basis = tables.meta[code]["basis"]
    if need == 0:
        return (
            True,
            None,
            [
                _cond(
                    "beasiswa_masa_iur",
                    True,
                    "Jalur JKK: beasiswa tanpa masa iur minimal.",
                    blocking=False,
                    basis=basis,
                )
            ],
        )
    if have is None:
        reason = f"Masa iur tidak diketahui; beasiswa JKM memerlukan paling sedikit {need} bulan iuran."
        return (
            False,
            reason,
            [_cond("beasiswa_masa_iur", False, reason, blocking=False, basis=basis)],
        )
    if have < need:
        reason = f"Masa iur {have} bulan; beasiswa JKM memerlukan paling sedikit {need} bulan iuran."
        return (
            False,
            reason,
            [_cond("beasiswa_masa_iur", False, reason, blocking=False, basis=basis)],
        )
    return (
        True,
        None,
        [
            _cond(
                "beasiswa_masa_iur",
                True,
                f"Masa iur {have} bulan (minimal {need} bulan).",
                blocking=False,
                basis=basis,
            )
        ],
    )


def scholarship(
    case: Case, tables: Tables, claim_eligible: bool
) -> tuple[dict, list[dict]]:
    """The scholarship part of the quote and its conditions (the first children in the list are chosen)."""
    open_, reason, conds = scholarship_route(case, tables, claim_eligible)
    result = {
        "eligible": open_,
        "this_year": 0,
        "children": [],
        "reason": reason,
        "school_year": school_year(case.claim_date),
    }
    if not open_:
        result["children"] = _refuse_children(case.children, reason or "")
        return result, conds
    max_children = int(tables.get("beasiswa_maks_anak"))
    age_limit = int(tables.get("beasiswa_batas_usia"))
    result["max_children"] = max_children
    result["max_per_child"] = scholarship_ceiling(tables)
    chosen = 0
    for child in case.children:
        bar = _child_bar(child, case.claim_date, age_limit)
        if bar is None and chosen >= max_children:
            bar = f"Melebihi batas {max_children} anak penerima beasiswa."
        if bar is not None:
            result["children"].append(
                {
                    "level": child.level,
                    "name": child.name,
                    "eligible": False,
                    "amount": 0,
                    "reason": bar,
                }
            )
            continue
        chosen += 1
        amount = (
            tables.levels[child.level]["amount"] if child.level in tables.levels else 0
        )
        note = (
            None
            if child.level != "belum_sekolah"
            else "Belum sekolah: beasiswa dibayar setelah anak mulai sekolah."
        )
        result["children"].append(
            {
                "level": child.level,
                "name": child.name,
                "eligible": True,
                "amount": amount,
                "reason": note,
            }
        )
    result["this_year"] = sum(c["amount"] for c in result["children"])
    if case.children and not any(c["eligible"] for c in result["children"]):
        # Children were listed and none can receive it: the scholarship is refused (the cash benefit is not).
        result["eligible"] = False
        result["reason"] = "Tidak ada anak yang memenuhi syarat beasiswa."
    if case.children:
        qualifying = sum(
            1
            for c in case.children
            if _child_bar(c, case.claim_date, age_limit) is None
        )
        conds.append(
            _cond(
                "beasiswa_jumlah_anak",
                qualifying <= max_children,
                f"{qualifying} anak memenuhi syarat; paling banyak {max_children} anak menerima beasiswa "
                "(dipilih sesuai urutan daftar).",
                blocking=False,
                basis=tables.meta["beasiswa_maks_anak"]["basis"],
            )
        )
    return result, conds


def scholarship_plan(
    tables: Tables, *, level: str, first_year: int, birth_date: dt.date | None = None
) -> list[dict]:
    """Year-by-year scholarship for a child starting ``level`` in school year ``first_year``/``first_year+1``.

    Assumes normal progression through the levels; stops from the school year (starting 1 July) in which the child
    is already ``beasiswa_batas_usia`` years old.
    """
    age_limit = int(tables.get("beasiswa_batas_usia"))
    ordered = sorted(tables.levels.items(), key=lambda kv: kv[1]["order"])
    start = next((i for i, (lvl, _r) in enumerate(ordered) if lvl == level), 0)
    plan, year = [], first_year
    for lvl, rate in ordered[start:]:
        for _n in range(rate["max_years"]):
            if birth_date and age_on(birth_date, dt.date(year, 7, 1)) >= age_limit:
                return plan
            plan.append(
                {
                    "school_year": f"{year}/{year + 1}",
                    "level": lvl,
                    "amount": rate["amount"],
                }
            )
            year += 1
    return plan


def parse_school_year(value: str) -> int:
    """ "2026/2027" → 2026; anything else raises ValidationError."""
    parts = str(value or "").split("/")
    if (
        len(parts) != 2
        or not all(p.isdigit() and len(p) == 4 for p in parts)
        or int(parts[1]) != int(parts[0]) + 1
    ):
        raise ValidationError(
            f"Tahun ajaran harus berbentuk YYYY/YYYY, misalnya 2026/2027: {value!r}."
        )
    return int(parts[0])


def beasiswa_renewal(
    tables: Tables,
    *,
    level: str,
    school_year_start: int,
    birth_date: dt.date | None,
    years_at_level: int,
) -> int:
    """The amount for one more school year of a child's scholarship (claimed each year), or ValidationError.

    PP 82/2019: paid by the current level, for at most ``max_years`` at that level, until the child is 23.
    """
    rate = tables.levels.get(level)
    if rate is None:
        raise ValidationError(
            "Beasiswa hanya untuk anak yang bersekolah (TK sampai perguruan tinggi)."
        )
    if years_at_level >= rate["max_years"]:
        raise ValidationError(
            f"Beasiswa jenjang {level.upper()} paling lama {rate['max_years']} tahun."
        )
    age_limit = int(tables.get("beasiswa_batas_usia"))
    if birth_date and age_on(birth_date, dt.date(school_year_start, 7, 1)) >= age_limit:
        raise ValidationError(
            f"Anak sudah berusia {age_limit} tahun pada awal tahun ajaran; beasiswa berakhir."
        )
    return rate["amount"]


def scholarship_ceiling(tables: Tables) -> int:
    """Most one child can receive, TK to S1: Σ amount × max_years (Rp 87,000,000 under PP 82/2019)."""
    return sum(r["amount"] * r["max_years"] for r in tables.levels.values())


# ---------------------------------------------------------------- the quote


def quote(case: Case, tables: Tables) -> dict:
    """The claim quote (docs/interfaces.md "Claim quote"): items, total, scholarship and the conditions checked."""
    conds = claim_conditions(case, tables)
    eligible = all(c["met"] for c in conds if c["blocking"])
    items = benefit_items(case, tables) if eligible else []
    schol, schol_conds = scholarship(case, tables, eligible)
    return {
        "eligible": eligible,
        "event": case.event,
        "incident_date": case.incident_date.isoformat(),
        "claim_date": case.claim_date.isoformat(),
        "items": items,
        "total": sum(i["amount"] for i in items),
        "payer": payer(case, tables) if eligible else None,
        "scholarship": schol,
        "conditions": settle_conditions(conds + schol_conds, eligible),
    }


# Conditions that only say who pays first: moot, and misleading ("BPJS membayar …"), when nothing is payable.
PAYER_RULES = frozenset({"tunggakan_pemberi_kerja"})


def settle_conditions(conditions: list[dict], eligible: bool) -> list[dict]:
    """The conditions in the order people read them: the failed blocking ones (the refusal) first, then the other
    failed ones, then those met. A refused quote leaves out the who-pays conditions, so it never says BPJS pays.

    Idempotent, so it also tidies a quote stored with a claim before this rule (docs/claims.md).
    """
    kept = [c for c in conditions if eligible or c.get("rule") not in PAYER_RULES]
    return sorted(kept, key=lambda c: (bool(c.get("met")), not c.get("blocking", True)))


def presentable(result: dict) -> dict:
    """A stored quote as the pages show it (``settle_conditions`` applied)."""
    if not result:
        return result
    eligible = bool(result.get("eligible"))
    return {
        **result,
        "conditions": settle_conditions(result.get("conditions") or [], eligible),
    }


# ---------------------------------------------------------------- workflow

# What each step on a claim needs: a role action of lindung.accounts.models.ROLE_ACTIONS (asked through ``user_can``)
# on the claim's desa; a step listing several actions is open to any of them. docs/claims.md has the role table.
STEP_ACTIONS: dict[str, tuple[str, ...]] = {
    "view": ("view",),
    "submit": ("submit",),
    "upload": ("submit", "decide"),
    "verify": ("decide",),
    "approve": ("decide",),
    "reject": ("decide",),
    "pay": ("decide",),
    "scholarship": ("decide",),
}

# (from, to) → the step it is.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("diajukan", "diverifikasi"): "verify",
    ("diajukan", "ditolak"): "reject",
    ("diverifikasi", "disetujui"): "approve",
    ("diverifikasi", "ditolak"): "reject",
    ("disetujui", "dibayar"): "pay",
}
OPEN_FOR_DOCUMENTS = frozenset({"diajukan", "diverifikasi"})
MAX_PAYMENT_REFERENCE = 60


def next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def transition_step(current: str, target: str) -> str:
    """The step ``current`` → ``target`` is; an impossible move raises ValidationError."""
    try:
        return TRANSITIONS[(current, target)]
    except KeyError:
        raise ValidationError(
            f"Status klaim tidak dapat diubah dari '{current}' ke '{target}'."
        ) from None


def transition_action(current: str, target: str) -> str:
    """The role action needed for ``current`` → ``target`` (the first of its step's actions)."""
    return STEP_ACTIONS[transition_step(current, target)][0]


def two_person_refusal(step: str, actor_id, verified_by_id) -> str | None:
    """Why ``actor_id`` may not take ``step`` on a claim verified by ``verified_by_id`` (None when they may).

    Two people decide a claim: whoever verified it cannot also approve it.
    """
    if step == "approve" and actor_id is not None and actor_id == verified_by_id:
        return (
            "Petugas yang memverifikasi klaim ini tidak boleh juga menyetujuinya; "
            "persetujuan harus dilakukan petugas BPJS lain."
        )
    return None


def check_payment(
    reference, paid_on, *, approved_on: dt.date | None, today: dt.date
) -> tuple[str, dt.date]:
    """The payment reference and date of a claim marked paid, checked; ValidationError in Indonesian otherwise.

    Both are required; the date is neither after ``today`` nor before the approval.
    """
    reference = str(reference or "").strip()
    if not reference:
        raise ValidationError(
            "Nomor referensi pembayaran (bukti transfer BPJS) wajib diisi."
        )
    if len(reference) > MAX_PAYMENT_REFERENCE:
        raise ValidationError(
            f"Nomor referensi pembayaran paling panjang {MAX_PAYMENT_REFERENCE} karakter."
        )
    if paid_on in (None, ""):
        raise ValidationError("Tanggal pembayaran wajib diisi (format YYYY-MM-DD).")
    if isinstance(paid_on, dt.datetime):
        paid_on = paid_on.date()
    day = parse_date({"paid_on": paid_on}, "paid_on", required=True)
    if day > today:
        raise ValidationError(
            f"Tanggal pembayaran {day.isoformat()} tidak boleh sesudah hari ini ({today.isoformat()})."
        )
    if approved_on is not None and day < approved_on:
        raise ValidationError(
            f"Tanggal pembayaran {day.isoformat()} tidak boleh sebelum tanggal persetujuan "
            f"({approved_on.isoformat()})."
        )
    return reference, day


def missing_documents(
    required_codes: list[str],
    uploaded_codes: set[str],
    waived: frozenset[str] = frozenset(),
) -> list[str]:
    return [
        code
        for code in required_codes
        if code not in uploaded_codes and code not in waived
    ]


# The participant card carries the KPJ: it cannot be asked for before BPJS has given the participant one.
KPJ_DOCUMENT = "kartu_peserta"


def waived_documents(kpj: str | None) -> frozenset[str]:
    """Required documents a participant cannot hand in yet (the KPJ card while no KPJ has been issued)."""
    return frozenset() if (kpj or "").strip() else frozenset({KPJ_DOCUMENT})
