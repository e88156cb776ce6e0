"""Contribution operations: quotes, the monthly billing run, payments and their allocation, late fees.

Coverage (derived from paid bill lines) lives in ``coverage.py`` and budget projections in ``budget.py``; their public
functions are re-exported here so other apps call ``contributions.services`` only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from lindung.accounts import audit
from lindung.accounts.models import actor_may
from lindung.common import events
from lindung.common.bulk import (
    Same,
    analyze,
    bulk_insert,
    bulk_insert_shared,
    chunks,
    prepare_columns,
    write_prepared,
)
from lindung.common.bulk import copy_line as _copy_line  # noqa: F401  (bench/gen_national.py)
from lindung.participants.choices import TRANSPORT_PEKERJAAN, Status
from lindung.participants.models import Kepesertaan, Peserta
from lindung.regions.models import Region, code_prefix_q

from . import rules
from .choices import PayerKind, PaymentStatus
from .locks import RunBusy, exclusive
from .models import Denda, Payer, Pembayaran, Tagihan, TagihanLine
from .partitions import analyze_month, ensure_partition, load_month
from .payments import apply_credit
from .rulebook import load_rulebook

log = logging.getLogger(__name__)
CHUNK = 5000
# After this many new bill lines, refresh PostgreSQL's statistics (see common.bulk.analyze).
ANALYZE_AFTER = 20000

# --- quote -------------------------------------------------------------------------------------------------------


def _public(result: dict) -> dict:
    for line in result["lines"]:
        line.pop("rules", None)
    return result


def quote_iuran(case: dict, *, book: rules.RuleBook | None = None) -> dict:
    """docs/interfaces.md "Contribution quote" for one case; bad input raises ``ValidationError`` (Indonesian)."""
    try:
        return _public(rules.quote(rules.parse_case(case), book or load_rulebook()))
    except rules.CaseError as exc:
        raise ValidationError(str(exc)) from exc


def quote_many(data) -> dict | list[dict]:
    """One case → one result; a list → a list in the same order (the message names the failing case)."""
    book = load_rulebook()
    if not isinstance(data, list):
        return quote_iuran(data, book=book)
    results = []
    for index, case in enumerate(data, start=1):
        try:
            results.append(quote_iuran(case, book=book))
        except ValidationError as exc:
            raise ValidationError(
                f"Kasus ke-{index}: {'; '.join(exc.messages)}"
            ) from exc
    return results


# --- payers ------------------------------------------------------------------------------------------------------

_PAYER_NAMES = {
    PayerKind.DESA: "Pemerintah {type} {name}",
    PayerKind.KABUPATEN: "Pemerintah {type} {name} (APBD)",
    PayerKind.PROVINSI: "Pemerintah Provinsi {name} (APBD)",
    PayerKind.APBN: "APBN — {type} {name}",
    PayerKind.CSR: "Mitra CSR — {type} {name}",
    PayerKind.BAZNAS: "Baznas {type} {name}",
    PayerKind.OTHER: "Pendana lain — {type} {name}",
}


def _payer_label(kind: str, region_type: str, region_name: str) -> str:
    """ "Pemerintah Desa Bokonusan"; kabupaten/kota names already carry their type ("Kabupaten Kupang")."""
    type_word = region_type.replace("_", " ").title()
    if region_name.lower().startswith(type_word.lower() + " "):
        type_word = ""
    return " ".join(_PAYER_NAMES[kind].format(type=type_word, name=region_name).split())


def ensure_payers(
    keys: set[tuple[str, str, int | None]],
) -> dict[tuple[str, str, int | None], int]:
    """Payer ids for (kind, region code, peserta id) keys, creating the missing payers in bulk."""
    by_code = {rules.payer_code(*key): key for key in keys}
    found = _payer_ids(list(by_code))
    missing = [code for code in by_code if code not in found]
    if missing:
        regions = {by_code[c][1] for c in missing}
        region_names = dict(
            Region.objects.filter(code__in=regions).values_list("code", "name")
        )
        region_types = dict(
            Region.objects.filter(code__in=regions).values_list("code", "type")
        )
        people = [by_code[c][2] for c in missing if by_code[c][2] is not None]
        names: dict[int, str] = {}
        if len(people) > 20_000:
            wanted = set(people)
            names = {
                i: n
                for i, n in Peserta.objects.values_list("id", "name").iterator(
                    chunk_size=50_000
                )
                if i in wanted
            }
        else:
            for part in chunks(people, CHUNK):
                names.update(
                    Peserta.objects.filter(id__in=part).values_list("id", "name")
                )
        objs, created = [], timezone.now()
        for code in missing:
            kind, region, peserta_id = by_code[code]
            if region not in region_names:
                raise ValidationError(f"Wilayah pembayar tidak ditemukan: {region}")
            label = (
                names.get(peserta_id, "")
                if kind == PayerKind.SELF
                else _payer_label(kind, region_types[region], region_names[region])
            )
            objs.append((code, kind, label[:200], region, peserta_id, created))
        bulk_insert(
            Payer,
            ("code", "kind", "name", "region_id", "peserta_id", "created_at"),
            objs,
        )
        found.update(_payer_ids(missing))
    return {key: found[code] for code, key in by_code.items()}


def _payer_ids(codes: list[str]) -> dict[str, int]:
    """Ids by payer code: chunked lookups for a few, one scan of the table for many (a billing run)."""
    if len(codes) > 20_000:
        wanted = set(codes)
        return {
            c: i
            for c, i in Payer.objects.values_list("code", "id").iterator(
                chunk_size=50_000
            )
            if c in wanted
        }
    found: dict[str, int] = {}
    for part in chunks(codes, CHUNK):
        found.update(Payer.objects.filter(code__in=part).values_list("code", "id"))
    return found


def payer_for_kepesertaan(kepesertaan: Kepesertaan) -> Payer:
    """The payer of a membership (created when missing), from its funding source."""
    key = rules.payer_key(
        kepesertaan.sumber_dana, kepesertaan.desa_id, kepesertaan.peserta_id
    )
    return Payer.objects.get(pk=ensure_payers({key})[key])


# --- billing -----------------------------------------------------------------------------------------------------

_LINE_COLUMNS = (
    "tagihan_id",
    "kepesertaan_id",
    "period",
    "segment",
    "base",
    "jkk",
    "jkm",
    "jht",
    "jp",
    "total",
    "paid",
    "rules",
)


def _billable(period: dt.date, region_code: str | None, actor):
    end = rules.month_end(period)
    qs = Kepesertaan.objects.exclude(status=Status.BERHENTI).filter(
        registered_on__lte=end
    )
    qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period))
    if actor is not None:
        qs = qs.visible_to(actor, "bill")
    if region_code:
        qs = qs.filter(code_prefix_q("desa__code", region_code))
    # NOT EXISTS, not NOT IN: PostgreSQL makes it an anti-join (NOT IN over a million ids is quadratic).
    billed = TagihanLine.objects.filter(period=period, kepesertaan_id=OuterRef("pk"))
    return qs.filter(~Exists(billed))


def _price(key: tuple, period: dt.date, book: rules.RuleBook) -> tuple:
    """(segment, base, jkk, jkm, jht, jp, total, rules json) for one distinct membership case."""
    kind, wage, funding, jht, jp, risk, transport = key
    case = rules.membership_case(
        kind=kind,
        wage=wage,
        period=period,
        funding=funding,
        jht=jht,
        jp=jp,
        risk_group=risk,
        transport=transport,
    )
    try:
        result = rules.quote(case, book)
    except rules.CaseError as exc:
        raise ValidationError(str(exc)) from exc
    amounts = {x["programme"]: x["amount"] for x in result["lines"]}
    used = json.dumps({x["programme"]: x["rules"] for x in result["lines"]})
    return (
        case.segment,
        result["lines"][0]["base"],
        amounts.get("jkk", 0),
        amounts.get("jkm", 0),
        amounts.get("jht", 0),
        amounts.get("jp", 0),
        result["total"],
        used,
    )


def _priced(
    rows: list[tuple], period: dt.date, book: rules.RuleBook
) -> tuple[list[tuple], int, int]:
    """(membership id, payer key, price) per membership, prices computed once per distinct case; and how many
    memberships have no wage (priced as the rules price a missing wage) and no funding source (not billed: there
    is nobody to bill until it is filled in)."""
    cache: dict[tuple, tuple] = {}
    out, missing_wage, missing_funding = [], 0, 0
    for kid, kind, desa, wage, funding, jht, jp, risk, pekerjaan, peserta_id in rows:
        if not funding:
            missing_funding += 1
            continue
        key = (kind, wage, funding, jht, jp, risk, pekerjaan in TRANSPORT_PEKERJAAN)
        price = cache.get(key)
        if price is None:
            price = cache[key] = _price(key, period, book)
        missing_wage += wage is None
        out.append((kid, rules.payer_key(funding, desa, peserta_id), price))
    return out, missing_wage, missing_funding


def _bill_number(period: dt.date, segment: str, payer_id: int, seq: int) -> str:
    # YYYYMM without strftime (called once per bill, 445k times in a national run).
    return f"{period.year * 100 + period.month}-{segment.upper()}-{payer_id}-{seq}"


def run_billing(*, actor, period: dt.date, region_code: str | None = None) -> dict:
    """Create this month's bills: one per payer and segment, a line per membership active in the month.

    Idempotent: memberships already billed for the month are skipped; ones added later get a supplementary bill.
    Pending PU late fees are charged on the payer's new PU bill; payer credit is applied to the new bills.
    Set-based: one query for the memberships, prices per distinct case, bills and lines written with COPY.
    """
    period = rules.month_start(period)
    if not actor_may(actor, "bill", region_code):
        raise PermissionDenied(
            "Anda tidak berwenang membuat tagihan untuk wilayah ini."
        )
    book = load_rulebook()
    # Issue 24: the month's partition exists before the run, in a short transaction of its own, so no line lands
    # in DEFAULT and the run's long transaction holds no lock on the partition tree (PostgreSQL; no-op on SQLite).
    ensure_partition(period)
    try:
        # Issue 19: one billing run at a time (any month: a run charges every payer's pending late fees and
        # spends its credit). The second waits, then is told the run is in progress; never an IntegrityError.
        with exclusive("billing", BILLING_BUSY.format(period)):
            return _bill_month(actor, period, region_code, book)
    except IntegrityError as exc:
        # A duplicate-key DETAIL would name the row (PostgreSQL puts it in the message): log the constraint
        # only, never the values, and say what to do.
        log.warning(
            "billing %s: integrity error on %s",
            f"{period:%Y-%m}",
            getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "?"),
        )
        raise RunBusy(BILLING_CLASH.format(period)) from None


BILLING_BUSY = (
    "Penagihan sedang berjalan (dijalankan oleh proses lain). Tunggu sampai selesai, lalu jalankan lagi untuk "
    "periode {:%Y-%m}: yang sudah ditagih dilewati."
)
BILLING_CLASH = (
    "Penagihan periode {:%Y-%m} bentrok dengan proses lain yang sedang berjalan. Jalankan lagi setelah selesai: "
    "yang sudah ditagih dilewati."
)


def _bill_month(actor, period: dt.date, region_code: str | None, book) -> dict:
    """The billing run's work, inside the billing lock's transaction."""
    rows = _billable(period, region_code, actor).values_list(
        "id",
        "kind",
        "desa_id",
        "wage",
        "sumber_dana",
        "jht",
        "jp",
        "risk_group",
        "pekerjaan",
        "peserta_id",
    )
    priced, missing_wage, missing_funding = _priced(list(rows), period, book)
    payer_ids = ensure_payers({key for _kid, key, _price in priced})
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for kid, key, price in priced:
        groups[(payer_ids[key], price[0])].append((kid, price))
    bills = _create_bills(actor, period, groups, book)
    # A line is (bill, membership) + its price case's columns, shared by every line of that case.
    cases = {id(p): p for _k, _key, p in priced}  # the distinct price tuples
    tails = {i: (period, *p[:7], 0, p[7]) for i, p in cases.items()}
    lines = [
        ((bills[group]["id"], kid), tails[id(price)])
        for group, items in groups.items()
        for kid, price in items
    ]
    # A month's first large run on PostgreSQL: the lines go into a table of their own, indexed and checked
    # set-based, which then becomes the month's partition (partitions.load_month).
    loaded = load_month(
        period,
        len(lines),
        lambda table: bulk_insert_shared(
            TagihanLine, _LINE_COLUMNS, lines, table=table
        ),
    )
    if not loaded:
        bulk_insert_shared(TagihanLine, _LINE_COLUMNS, lines)
    if len(lines) >= ANALYZE_AFTER:
        analyze(Tagihan)
        if not loaded:  # (load_month analyzed its table)
            # The month's partition only: the parent's ANALYZE reads every month.
            analyze_month(period)
    credited = apply_credit({payer_id for payer_id, _s in groups})
    summary = {
        "period": f"{period:%Y-%m}",
        "region": region_code or "",
        "bills": len(bills),
        "supplementary": sum(b["supplementary"] for b in bills.values()),
        "lines": len(lines),
        "amount": sum(b["total"] for b in bills.values()),
        "missing_wage": missing_wage,
        "missing_funding": missing_funding,
        "credit_applied": credited,
    }
    audit.record(
        actor=actor,
        action="billing",
        model="contributions.Tagihan",
        object_id=f"{period:%Y-%m}",
        region_code=region_code or "",
        changes=summary,
    )

    events.announce_coverage_changed(
        __name__
    )  # a run touches whole regions: rebuild the rakor summary in the background
    return summary


def _create_bills(
    actor, period: dt.date, groups: dict, book: rules.RuleBook
) -> dict[tuple[int, str], dict]:
    """Insert one bill per (payer, segment) group; returns {group: {"id", "number", "supplementary", "total"}}."""
    existing: dict[tuple[int, str], int] = defaultdict(int)
    for payer_id, segment in Tagihan.objects.filter(period=period).values_list(
        "payer_id", "segment"
    ):
        existing[(payer_id, segment)] += 1
    fines: dict[int, list[Denda]] = defaultdict(list)
    for denda in Denda.objects.filter(charged_on__isnull=True):
        fines[denda.payer_id].append(denda)
    due = {s: rules.due_date(period, s, book) for s in ("pu", "bpu")}
    bills, amounts = {}, []
    for (payer_id, segment), items in groups.items():
        seq = existing[(payer_id, segment)] + 1
        iuran = sum(price[6] for _kid, price in items)
        denda = sum(d.amount for d in fines.get(payer_id, ())) if segment == "pu" else 0
        bills[(payer_id, segment)] = {
            "number": _bill_number(period, segment, payer_id, seq),
            "supplementary": seq > 1,
            "total": iuran + denda,
        }
        amounts.append((iuran, denda))
    keys, values = list(bills), list(bills.values())
    # The bills' ids are allocated before the COPY, so their lines refer to them without reading them back.
    prepared = prepare_columns(
        Tagihan,
        len(keys),
        {
            "number": [b["number"] for b in values],
            "payer_id": [payer_id for payer_id, _segment in keys],
            "supplementary": [b["supplementary"] for b in values],
            "iuran_total": [iuran for iuran, _denda in amounts],
            "denda_total": [denda for _iuran, denda in amounts],
            "total": [b["total"] for b in values],
            "period": Same(period),
            "segment": [segment for _payer_id, segment in keys],
            "due_date": [due[segment] for _payer_id, segment in keys],
            "paid": Same(0),
            "created_at": Same(timezone.now()),
            "created_by_id": Same(getattr(actor, "pk", None)),
        },
        ids=True,
    )
    write_prepared(prepared)
    for (payer_id, segment), bill, bill_id in zip(
        keys, values, prepared.values("id"), strict=True
    ):
        bill["id"] = bill_id
        if segment == "pu" and fines.get(payer_id):
            Denda.objects.filter(id__in=[d.id for d in fines[payer_id]]).update(
                charged_on_id=bill_id
            )
    return bills


# --- payments (payments.py; re-exported) ----------------------------------------------------------------------

from .budget import budget_projection  # noqa: E402,F401
from .payments import (  # noqa: E402,F401  (re-exported public API)
    EARLIEST_PAYMENT,
    AmountNeedsConfirmation,
    check_payment_date,
    confirm_payment,
    parse_amount,
    payer_credit,
    payment_list,
    payment_preview,
    record_payment,
    reject_payment,
    report_payment,
    reverse_payment,
)

# --- reading (lists for pages, API and reconciliation) --------------------------------------------------------------


def _state_q(state: str | None) -> Q:
    if state == "paid":
        return Q(paid__gte=F("total"))
    if state == "partial":
        return Q(paid__gt=0, paid__lt=F("total"))
    if state == "unpaid":
        return Q(paid=0, total__gt=0)
    return Q()


def tagihan_list(
    *,
    user,
    period: str | dt.date | None = None,
    state: str | None = None,
    payer: str | None = None,
):
    """Bills visible to ``user``, newest month first, filtered by month (YYYY-MM), state and payer code."""
    qs = (
        Tagihan.objects.visible_to(user)
        .select_related("payer")
        .order_by("-period", "payer__code", "id")
    )
    if period:
        if not isinstance(period, dt.date):
            try:
                period = rules.parse_period(period)
            except rules.CaseError as exc:
                raise ValidationError(str(exc)) from exc
        qs = qs.filter(period=rules.month_start(period))
    if state:
        if state not in ("paid", "partial", "unpaid"):
            raise ValidationError(f"Status tagihan tidak dikenal: {state}")
        qs = qs.filter(_state_q(state))
    if payer:
        qs = qs.filter(payer__code=payer)
    return qs


def tagihan_detail(bill: Tagihan) -> dict:
    """A bill's participant lines (names, never NIK) and the late fees charged on it."""
    lines = [
        {
            "id": x["id"],
            "name": x["kepesertaan__peserta__name"],
            "kepesertaan": x["kepesertaan_id"],
            "base": x["base"],
            "jkk": x["jkk"],
            "jkm": x["jkm"],
            "jht": x["jht"],
            "jp": x["jp"],
            "total": x["total"],
            "paid": x["paid"],
            "paid_on": x["paid_on"],
        }
        for x in bill.lines.order_by("id").values(
            "id",
            "kepesertaan__peserta__name",
            "kepesertaan_id",
            "base",
            "jkk",
            "jkm",
            "jht",
            "jp",
            "total",
            "paid",
            "paid_on",
        )
    ]
    denda = list(Denda.objects.filter(charged_on=bill).select_related("source"))
    return {"lines": lines, "denda": denda}


def reconciliation(*, user, period: str | dt.date | None = None) -> dict:
    """Bills unpaid / partly paid / paid (counts and amounts) and payments that matched no bill (credit)."""
    qs = tagihan_list(user=user, period=period)
    summary = {}
    for state in ("unpaid", "partial", "paid"):
        agg = qs.filter(_state_q(state)).aggregate(
            n=Count("id"), total=Sum("total"), paid=Sum("paid")
        )
        summary[state] = {
            "count": agg["n"],
            "total": agg["total"] or 0,
            "paid": agg["paid"] or 0,
        }
    unmatched = (
        Pembayaran.objects.visible_to(user)
        .filter(unallocated__gt=0, status=PaymentStatus.DIKONFIRMASI)
        .select_related("payer")
        .order_by("paid_at", "id")
    )
    return {
        "summary": summary,
        "unmatched": unmatched,
        "pending": payment_list(user=user, status=PaymentStatus.MENUNGGU),
        "open_bills": qs.filter(paid__lt=F("total")),
    }


from .coverage import (  # noqa: E402,F401  (re-exported public API)
    arrears_months,
    contribution_months,
    coverage_on,
    coverage_strip,
    covered_ids,
    paid_through,
    refresh_status,
)
from .importer import import_payments  # noqa: E402,F401
