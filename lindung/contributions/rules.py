"""Pure contribution rules (no ORM): the quote, BPU brackets, relief, due dates, late fees, payer of a funding source.

The rule rows come in as plain ``RuleBook`` data (loaded by ``services.load_rulebook``), so every figure of
docs/regulations.md §7 can be tested here without a database.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import lokal

PROGRAMMES = ("jkk", "jkm", "jht", "jp")
SEGMENTS = ("pu", "bpu")
RISK_GROUPS = ("sangat_rendah", "rendah", "sedang", "tinggi", "sangat_tinggi")
FUNDING = (
    "self",
    "dana_desa",
    "add",
    "apbdes",
    "apbd_kabupaten",
    "apbd_provinsi",
    "apbn",
    "csr",
    "baznas",
    "other",
)
TRANSPORT = "transport"
_ROUNDING = {"half_up": ROUND_HALF_UP, "down": ROUND_FLOOR, "up": ROUND_CEILING}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class CaseError(ValueError):
    """Bad quote input; the message is Indonesian and shown to the user as is."""


# --- rule rows as plain data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """Common part of a versioned rule row."""

    id: int
    valid_from: dt.date
    valid_to: dt.date | None
    confirmed: bool

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class TariffRow(Row):
    segment: str
    programme: str
    risk_group: str = ""
    base: str = "wage"  # wage | bracket | flat
    employer_rate: Decimal = Decimal(0)
    worker_rate: Decimal = Decimal(0)
    flat_amount: int | None = None


@dataclass(frozen=True)
class BracketRow(Row):
    income: int


@dataclass(frozen=True)
class CapRow(Row):
    programme: str
    cap: int


@dataclass(frozen=True)
class ReliefRow(Row):
    name: str
    programmes: tuple[str, ...]
    segments: tuple[str, ...]
    percent_off: Decimal
    sector: str = ""
    excluded_funding: tuple[str, ...] = ()
    late_fee_rate: Decimal | None = None
    deadline_day: int | None = None


@dataclass(frozen=True)
class LateFeeRow(Row):
    segment: str
    deadline_day: int
    deadline_month_offset: int
    rate_per_month: Decimal


@dataclass(frozen=True)
class SettingRow(Row):
    rounding: str = "half_up"
    bpu_lapse_months: int = 3
    grace_covered: bool = False
    retroactive_cover: bool = False
    payment_limit_multiple: int = 3
    payment_limit_months: int = 12


DEFAULT_SETTING = SettingRow(
    id=0, valid_from=dt.date(1900, 1, 1), valid_to=None, confirmed=False
)


@dataclass
class RuleBook:
    """All rule rows (any validity); functions pick the rows in force for a month."""

    tariffs: list[TariffRow] = field(default_factory=list)
    brackets: list[BracketRow] = field(default_factory=list)
    caps: list[CapRow] = field(default_factory=list)
    reliefs: list[ReliefRow] = field(default_factory=list)
    late_fees: list[LateFeeRow] = field(default_factory=list)
    settings: list[SettingRow] = field(default_factory=list)

    def setting(self, day: dt.date) -> SettingRow:
        rows = [s for s in self.settings if s.in_force(day)]
        return max(rows, key=lambda s: s.valid_from) if rows else DEFAULT_SETTING

    def tariff(
        self, segment: str, programme: str, risk_group: str, day: dt.date
    ) -> TariffRow | None:
        rows = [
            t
            for t in self.tariffs
            if t.segment == segment
            and t.programme == programme
            and t.in_force(day)
            and t.risk_group in ("", risk_group)
        ]
        # A row for the exact risk group wins over a row for any group; the newest row wins a tie.
        rows.sort(
            key=lambda t: (t.risk_group == risk_group, t.valid_from), reverse=True
        )
        return rows[0] if rows else None

    def bracket(self, income: int | None, day: dt.date) -> BracketRow | None:
        rows = sorted(
            (b for b in self.brackets if b.in_force(day)), key=lambda b: b.income
        )
        if not rows:
            return None
        if income is None or income < rows[0].income:
            return rows[0]
        chosen = rows[0]
        for row in rows:
            if row.income <= income:
                chosen = row
        return chosen

    def cap(self, programme: str, day: dt.date) -> CapRow | None:
        rows = [c for c in self.caps if c.programme == programme and c.in_force(day)]
        return max(rows, key=lambda c: c.valid_from) if rows else None

    def relief(
        self, *, programme: str, segment: str, sector: str, funding: str, day: dt.date
    ) -> ReliefRow | None:
        rows = [
            r
            for r in self.reliefs
            if r.in_force(day)
            and programme in r.programmes
            and segment in r.segments
            and r.sector in ("", sector)
            and funding not in r.excluded_funding
        ]
        rows.sort(
            key=lambda r: (r.sector == sector and sector != "", r.percent_off),
            reverse=True,
        )
        return rows[0] if rows else None

    def late_fee_rule(self, segment: str, day: dt.date) -> LateFeeRow | None:
        rows = [r for r in self.late_fees if r.segment == segment and r.in_force(day)]
        return max(rows, key=lambda r: r.valid_from) if rows else None

    def period_relief(self, segment: str, day: dt.date) -> ReliefRow | None:
        """A relief in force for ``day`` that overrides deadline or late fee (PP 49/2020)."""
        for r in self.reliefs:
            if (
                r.in_force(day)
                and segment in r.segments
                and (r.late_fee_rate is not None or r.deadline_day)
            ):
                return r
        return None


# --- input -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One quote case (docs/interfaces.md "Contribution quote")."""

    segment: str
    wage: int | None
    period: dt.date
    programmes: tuple[str, ...]
    risk_group: str = "sangat_rendah"
    sector: str = ""
    funding: str = "self"


# Contribution months Lindung can hold: no programme month before 2000 (JKK/JKM as BPJS runs them date from 2015),
# and none past 2100; year 0 once ended in a 500 (issue 20).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_period(value) -> dt.date:
    """'2026-01' → date(2026, 1, 1)."""
    match = _MONTH.match(str(value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CaseError(f"Periode harus berbentuk YYYY-MM, bukan {value!r}")
    if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise CaseError(
            f"Periode {value!r} di luar rentang {FIRST_YEAR}-01 sampai {LAST_YEAR}-12"
        )
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _wage(value, segment: str) -> int | None:
    if value is None or value == "":
        if segment == "pu":
            raise CaseError("Upah (wage) wajib diisi untuk segmen PU")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CaseError(f"Upah harus bilangan bulat rupiah, bukan {value!r}")
    try:
        number = Decimal(str(value).strip())
    except Exception as exc:
        raise CaseError(f"Upah harus bilangan bulat rupiah, bukan {value!r}") from exc
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise CaseError(
            f"Upah harus bilangan bulat rupiah tidak negatif, bukan {value!r}"
        )
    return int(number)


def parse_case(data) -> Case:
    """Validate one case (a dict from JSON); raises ``CaseError`` with an Indonesian message."""
    if not isinstance(data, dict):
        raise CaseError("Setiap kasus harus berupa objek JSON")
    segment = str(data.get("segment") or "").strip().lower()
    if segment not in SEGMENTS:
        raise CaseError(f"Segmen harus 'pu' atau 'bpu', bukan {data.get('segment')!r}")
    programmes = data.get("programmes")
    if not isinstance(programmes, list) or not programmes:
        raise CaseError(
            'Program (programmes) wajib berupa daftar, misalnya ["jkk", "jkm"]'
        )
    progs = []
    for p in programmes:
        code = str(p).strip().lower()
        if code not in PROGRAMMES:
            raise CaseError(
                f"Program tidak dikenal: {p!r} (pilihan: jkk, jkm, jht, jp)"
            )
        if code not in progs:
            progs.append(code)
    if segment == "bpu" and "jp" in progs:
        raise CaseError("Program JP hanya untuk peserta penerima upah (PU)")
    risk = str(data.get("risk_group") or "sangat_rendah").strip().lower()
    if risk not in RISK_GROUPS:
        raise CaseError(f"Kelompok risiko tidak dikenal: {data.get('risk_group')!r}")
    funding = str(data.get("funding") or "self").strip().lower()
    if funding not in FUNDING:
        raise CaseError(f"Sumber dana tidak dikenal: {data.get('funding')!r}")
    sector = data.get("sector") or ""
    if not isinstance(sector, str):
        raise CaseError(f"Sektor harus teks, bukan {sector!r}")
    return Case(
        segment=segment,
        wage=_wage(data.get("wage"), segment),
        period=parse_period(data.get("period")),
        programmes=tuple(sorted(progs, key=PROGRAMMES.index)),
        risk_group=risk,
        sector=sector.strip().lower(),
        funding=funding,
    )


# --- amounts -----------------------------------------------------------------------------------------------------


def round_rupiah(value: Decimal, mode: str = "half_up") -> int:
    """Whole rupiah (docs/regulations.md §1.4: per programme, half up by default; a setting)."""
    return int(
        Decimal(value).quantize(Decimal(1), rounding=_ROUNDING.get(mode, ROUND_HALF_UP))
    )


def rate_text(rate: Decimal) -> str:
    """Decimal('0.002400') → '0.0024' (a fraction, not a percentage)."""
    text = format(Decimal(rate).normalize(), "f")
    return text if text not in ("", "-0") else "0"


def _line(case: Case, programme: str, book: RuleBook, setting: SettingRow) -> dict:
    tariff = book.tariff(
        case.segment,
        programme,
        case.risk_group if programme == "jkk" else "",
        case.period,
    )
    if tariff is None:
        raise CaseError(
            f"Tarif {programme.upper()} {case.segment.upper()} untuk {case.period:%Y-%m} belum ada"
        )
    confirmed = tariff.confirmed
    rules = {"tariff": tariff.id}
    if tariff.base == "flat":
        base, rate = int(tariff.flat_amount or 0), Decimal(1)
        er, wr = (
            (Decimal(0), Decimal(1))
            if case.segment == "bpu"
            else (Decimal(1), Decimal(0))
        )
    else:
        if tariff.base == "bracket":
            bracket = book.bracket(case.wage, case.period)
            if bracket is None:
                raise CaseError(
                    f"Tabel penghasilan BPU untuk {case.period:%Y-%m} belum ada"
                )
            base, confirmed, rules["bracket"] = (
                bracket.income,
                confirmed and bracket.confirmed,
                bracket.id,
            )
        else:
            base = int(case.wage or 0)
            cap = book.cap(programme, case.period)
            if cap is not None and base > cap.cap:
                base, confirmed, rules["cap"] = (
                    cap.cap,
                    confirmed and cap.confirmed,
                    cap.id,
                )
        er, wr = tariff.employer_rate, tariff.worker_rate
        rate = er + wr
    relief = book.relief(
        programme=programme,
        segment=case.segment,
        sector=case.sector,
        funding=case.funding,
        day=case.period,
    )
    factor = Decimal(1)
    if relief is not None:
        factor = (Decimal(100) - relief.percent_off) / Decimal(100)
        confirmed, rules["relief"] = confirmed and relief.confirmed, relief.id
    employer = round_rupiah(base * er * factor, setting.rounding)
    worker = round_rupiah(base * wr * factor, setting.rounding)
    full = round_rupiah(base * er, setting.rounding) + round_rupiah(
        base * wr, setting.rounding
    )
    return {
        "programme": programme,
        "base": base,
        "rate": rate_text(rate),
        "employer": employer,
        "worker": worker,
        "amount": employer + worker,
        "relief": relief.name if relief else None,
        "full_amount": full,
        "confirmed": confirmed,
        "rules": rules,
    }


def quote(case: Case, book: RuleBook) -> dict:
    """The contribution for one case and month (docs/interfaces.md "Contribution quote")."""
    setting = book.setting(case.period)
    lines = [_line(case, p, book, setting) for p in case.programmes]
    warnings = []
    if case.segment == "bpu" and case.wage is None:
        warnings.append(
            "Penghasilan belum diisi: dipakai golongan penghasilan terendah"
        )
    employer = sum(x["employer"] for x in lines)
    worker = sum(x["worker"] for x in lines)
    return {
        "period": f"{case.period:%Y-%m}",
        "lines": lines,
        "employer": employer,
        "worker": worker,
        "total": employer + worker,
        "confirmed": all(x["confirmed"] for x in lines),
        "warnings": warnings,
    }


# --- dates and late fees -----------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(
        year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1])
    )


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_between(first: dt.date, last: dt.date) -> int:
    """Whole calendar months from ``first``'s month to ``last``'s month."""
    return (last.year - first.year) * 12 + last.month - first.month


def is_working_day(day: dt.date) -> bool:
    """lokal-id's national holidays and cuti bersama; for years it has no data for, weekends only."""
    if day.year in lokal.HOLIDAY_YEARS:
        return lokal.is_working_day(day)
    return day.weekday() < 5


def due_date(
    period: dt.date,
    segment: str,
    book: RuleBook,
    is_working_day: Callable[[dt.date], bool] = is_working_day,
) -> dt.date:
    """Deadline for a month's contribution, moved to the next working day (PU: 15th of next month; BPU: 15th)."""
    rule = book.late_fee_rule(segment, period)
    day, offset = (
        (rule.deadline_day, rule.deadline_month_offset)
        if rule
        else (15, 1 if segment == "pu" else 0)
    )
    relief = book.period_relief(segment, period)
    if relief is not None and relief.deadline_day:
        day = relief.deadline_day  # PP 49/2020: the 15th becomes the 30th
    month = add_months(month_start(period), offset)
    due = month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))
    while not is_working_day(due):
        due += dt.timedelta(days=1)
    return due


def months_late(due: dt.date, paid_at: dt.date) -> int:
    """Started months of delay: due 15 Feb, paid 16 Feb → 1; paid 15 Mar → 1; paid 16 Mar → 2."""
    if paid_at <= due:
        return 0
    months = months_between(due, paid_at)
    if paid_at.day > due.day or (paid_at.day == due.day and months == 0):
        months += 1
    return max(months, 1)


def late_fee_rate(period: dt.date, segment: str, book: RuleBook) -> Decimal:
    """2% per month for PU, 0.5% for PP 49/2020 months; BPU pays no fine (docs/regulations.md §1.1, §1.2, §1.3)."""
    rule = book.late_fee_rule(segment, period)
    rate = rule.rate_per_month if rule else Decimal(0)
    relief = book.period_relief(segment, period)
    if rate and relief is not None and relief.late_fee_rate is not None:
        rate = relief.late_fee_rate
    return rate


def late_fee(amount: int, months: int, rate: Decimal, rounding: str = "half_up") -> int:
    """Figure 9: 100,000 paid 2 months late at 2% → 4,000; at 0.5% → 1,000."""
    if months <= 0 or amount <= 0 or not rate:
        return 0
    return round_rupiah(Decimal(amount) * Decimal(rate) * months, rounding)


# --- who pays ----------------------------------------------------------------------------------------------------


def regency_code(region_code: str) -> str:
    return ".".join(region_code.split(".")[:2])


def province_code(region_code: str) -> str:
    return region_code.split(".")[0]


PAYER_OF_FUNDING = {
    "dana_desa": "desa",
    "add": "desa",
    "apbdes": "desa",
    "apbd_kabupaten": "kabupaten",
    "apbd_provinsi": "provinsi",
    "apbn": "apbn",
    "csr": "csr",
    "baznas": "baznas",
    "other": "other",
    "self": "self",
}


def payer_key(
    funding: str, desa_code: str, peserta_id: int
) -> tuple[str, str, int | None]:
    """(payer kind, payer region code, peserta id for self-payers) for a membership's funding source."""
    kind = PAYER_OF_FUNDING.get(funding, "other")
    if kind == "desa":
        return kind, desa_code, None
    if kind == "self":
        return kind, desa_code, peserta_id
    if kind == "provinsi":
        return kind, province_code(desa_code), None
    return kind, regency_code(desa_code), None


def payer_code(kind: str, region_code: str, peserta_id: int | None) -> str:
    if kind == "self":
        return f"self-{peserta_id}"
    return f"{kind}-{region_code}"


def membership_case(
    *,
    kind: str,
    wage: int | None,
    period: dt.date,
    funding: str,
    jht: bool,
    jp: bool,
    risk_group: str,
    transport: bool,
) -> Case:
    """The quote case of a membership: perangkat desa are PU on siltap, pekerja rentan BPU on declared income."""
    if kind == "perangkat":
        progs = ("jkk", "jkm") + (("jht",) if jht else ()) + (("jp",) if jp else ())
        return Case(
            segment="pu",
            wage=int(wage or 0),
            period=period,
            programmes=progs,
            risk_group=risk_group or "sangat_rendah",
            sector="",
            funding=funding,
        )
    progs = ("jkk", "jkm") + (("jht",) if jht else ())
    return Case(
        segment="bpu",
        wage=wage,
        period=period,
        programmes=progs,
        sector=TRANSPORT if transport else "",
        funding=funding,
    )


# --- payments (issue 19) -------------------------------------------------------------------------------------------

_RUPIAH = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+$")


def parse_rupiah(value) -> int:
    """An amount as Indonesians write it: ``349.632``, ``Rp 349.632,00``, ``Rp349632``, ``349632`` (dots group
    thousands, a comma starts the sen). Sen other than ``,00`` and anything else are refused (``CaseError``).

    A dot is never a decimal point: ``349.63`` is refused rather than read as 349 or 34,963."""
    if isinstance(value, bool):
        raise CaseError("Jumlah pembayaran tidak valid: {!r}".format(value))
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CaseError("Jumlah pembayaran harus rupiah bulat: {!r}".format(value))
        amount = int(value)
    else:
        text = str(value or "").strip().replace("\u00a0", " ")
        if text[:2].lower() == "rp":
            text = text[2:].lstrip(" .")
        text = text.replace(" ", "")
        whole, _comma, sen = text.partition(",")
        if _comma and sen.strip("0") != "" or (_comma and not sen):
            raise CaseError(
                "Jumlah pembayaran harus rupiah bulat (sen harus ,00): {!r}".format(
                    value
                )
            )
        if not _RUPIAH.match(whole):
            raise CaseError(
                "Jumlah pembayaran tidak valid: {!r} (tulis misalnya 349.632 atau Rp 349.632,00)".format(
                    value
                )
            )
        amount = int(whole.replace(".", ""))
    if amount <= 0:
        raise CaseError("Jumlah pembayaran harus lebih dari nol")
    return amount


def payment_limit(open_total: int, monthly: int, setting: SettingRow) -> int:
    """The largest payment a payer can plausibly make (docs/payments.md): ``multiple`` × what it owes now plus
    ``months`` months of its current monthly bill (a year paid ahead)."""
    return setting.payment_limit_multiple * max(
        open_total, 0
    ) + setting.payment_limit_months * max(monthly, 0)


def allocation_preview(
    amount: int, open_bills: list[tuple[str, int]], first: str | None = None
) -> dict:
    """What a payment of ``amount`` will do to ``open_bills`` [(number, outstanding)] oldest first (``first``
    first): each bill it settles or pays in part, what is still owed after it and what becomes credit."""
    ordered = sorted(open_bills, key=lambda b: b[0] != first) if first else open_bills
    left, rows = amount, []
    for number, outstanding in ordered:
        if left <= 0:
            break
        take = min(left, outstanding)
        left -= take
        rows.append(
            {
                "number": number,
                "amount": take,
                "outstanding": outstanding,
                "settled": take >= outstanding,
            }
        )
    open_total = sum(o for _n, o in open_bills)
    return {
        "amount": amount,
        "open_total": open_total,
        "bills": rows,
        "still_owed": max(open_total - amount, 0),
        "credit": left,
    }


def amount_is_expected(
    amount: int, open_total: int, bill_outstanding: int | None
) -> bool:
    """An amount needs no second look when it is exactly what the payer owes, or what the named bill owes."""
    return amount == open_total or (
        bill_outstanding is not None and amount == bill_outstanding
    )


def _row(cls, item: dict, index: int):
    data = dict(item)
    data.setdefault("id", index)
    data.setdefault("valid_to", None)
    data.setdefault("confirmed", False)
    names = set(cls.__dataclass_fields__)
    data = {k: v for k, v in data.items() if k in names}
    for key in ("programmes", "segments", "excluded_funding"):
        if key in data:
            data[key] = tuple(data[key] or ())
    for key in (
        "employer_rate",
        "worker_rate",
        "percent_off",
        "rate_per_month",
        "late_fee_rate",
    ):
        if data.get(key) is not None:
            data[key] = Decimal(str(data[key]))
    return cls(**data)


def book_from_rows(data: dict[str, list[dict]]) -> RuleBook:
    """A ``RuleBook`` from rows keyed by model name (Tariff, BpuBracket, WageCap, ReliefPeriod, LateFeeRule, …)."""
    kinds = {
        "Tariff": ("tariffs", TariffRow),
        "BpuBracket": ("brackets", BracketRow),
        "WageCap": ("caps", CapRow),
        "ReliefPeriod": ("reliefs", ReliefRow),
        "LateFeeRule": ("late_fees", LateFeeRow),
        "IuranSetting": ("settings", SettingRow),
    }
    book = RuleBook()
    for name, items in data.items():
        attr, cls = kinds[name]
        setattr(book, attr, [_row(cls, item, i + 1) for i, item in enumerate(items)])
    return book
