"""The coordination report (laporan rakor): one row per kabupaten/kota inside a region, as of a date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404

from lindung.accounts.models import is_national, user_can, user_region_codes
from lindung.agreements import services as agreements
from lindung.agreements.models import PKS, PerangkatTarget, ReportSetting
from lindung.agreements.rules import PKSStatus, Tahap, coverage_percent, pipeline_stage
from lindung.common.cache import (  # noqa: F401 (re-exported)
    CACHE_SECONDS,
    cache_key,
    cached,
    data_version,
    scope_key,
)
from lindung.common.format import indonesian
from lindung.contributions.models import TagihanLine
from lindung.contributions.services import covered_ids
from lindung.participants.choices import Kind
from lindung.participants.models import Kepesertaan
from lindung.regions.models import Level, Region, code_prefix_q

from . import rules, summary

KAB = Substr("desa__code", 1, 5)


def _memberships(user, region_code: str | None, as_of: dt.date):
    """Memberships in force on ``as_of`` inside the region, scoped to ``user`` (None = the system, e.g. CLI)."""
    qs = (
        Kepesertaan.objects.visible_to(user)
        if user is not None
        else Kepesertaan.objects.all()
    )
    qs = qs.filter(registered_on__lte=as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of)
    )
    if region_code:
        qs = qs.filter(code_prefix_q("desa__code", region_code))
    return qs


def _covered_ids(as_of: dt.date):

    return covered_ids(as_of)


def has_line(lines):
    """Per membership: is there such a bill line? An indexed lookup per row.

    Not ``Q(id__in=lines)``: inside an aggregate's FILTER PostgreSQL runs that as a plain SubPlan, re-scanning the
    lines for every membership once the set outgrows work_mem (minutes at 300,000 memberships)."""
    return Exists(lines.filter(kepesertaan_id=OuterRef("pk")))


def _billed_ids(as_of: dt.date):
    """Memberships that have had a bill line for any month up to ``as_of``."""

    return TagihanLine.objects.filter(period__lte=as_of.replace(day=1)).values(
        "kepesertaan_id"
    )


def _region_kabupaten(region: Region | None) -> list[Region]:
    if region is None:
        return list(Region.objects.filter(level=2))
    if region.level == 1:
        return list(Region.objects.filter(parent=region))
    code = ".".join(region.code.split(".")[:2])
    return list(Region.objects.filter(code=code))


def _visible_kabupaten(user, kabs: list[Region]) -> list[Region]:
    """Only the kabupaten/kota rows the user's regions touch: a regency office does not get rows of zeros for
    regencies whose people it may not see."""

    if user is None or is_national(user):
        return kabs
    codes = user_region_codes(user)
    return [
        k
        for k in kabs
        if any(
            c == k.code or c.startswith(k.code + ".") or k.code.startswith(c + ".")
            for c in codes
        )
    ]


def membership_counts(members, as_of: dt.date, *fields: str, **exprs):
    """THE count logic of the rakor report: ``members`` grouped by ``fields``/``exprs`` with ``registered`` (in
    force on ``as_of``), ``protected`` (covered in ``as_of``'s month, per ``covered_ids``) and ``billed`` (a bill
    line for any month up to then). Used by the from-scratch report and to build ``reports.summary``."""
    return (
        members.annotate(**exprs)
        .values(*fields, *exprs, "kind", "sumber_dana")
        .annotate(
            registered=Count("id"),
            protected=Count("id", filter=has_line(_covered_ids(as_of))),
            billed=Count("id", filter=has_line(_billed_ids(as_of))),
        )
        .order_by()
    )


def _kabupaten_counts(grouped) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in grouped:
        c = counts[g["kab"]]
        c["registered"] += g["registered"]
        c["billed"] += g["billed"]
        c["protected"] += g["protected"]
        if g["kind"] == Kind.PERANGKAT:
            c["perangkat_terdaftar"] += g["registered"]
            c["perangkat_terlindungi"] += g["protected"]
        else:
            c["rentan_terdaftar"] += g["registered"]
            c[rules.funding_group(g["sumber_dana"])] += g["protected"]
    return counts


# No JKK/JKM membership of these programmes is older than PP 44/2015; a report date before that is a typing error.
EARLIEST_REPORT_DATE = dt.date(2015, 1, 1)


def check_as_of(as_of: dt.date) -> None:
    """A report date within the data's years (2015 to the end of this year), on every path (page, API, CLI): a
    date such as 9999-12-31 once broke the rakor for every later date and kept old summaries from being cleaned
    up. Later days of this year stay open: a meeting's report is often prepared for its date."""
    last = dt.date(dt.date.today().year, 12, 31)
    if not isinstance(as_of, dt.date) or not EARLIEST_REPORT_DATE <= as_of <= last:
        raise ValidationError(
            "Tanggal laporan {} di luar rentang data ({} sampai {}).".format(
                as_of.isoformat() if isinstance(as_of, dt.date) else as_of,
                EARLIEST_REPORT_DATE.strftime("%d-%m-%Y"),
                last.strftime("%d-%m-%Y"),
            )
        )


def rakor(
    *, user, region_code: str | None, as_of: dt.date, from_scratch: bool = False
) -> dict:
    """Rows per kabupaten/kota with desa/kelurahan (and desa with a protected official), perangkat
    registered/protected/target, rentan protected by funding group, pipeline stage weighed against the protection
    threshold, the agreement's status and the planned action (overdue or not); then totals, regencies without
    protection, regencies partly protected with the desa still missing, and villages without a protected official.

    The membership counts come from the per-village summary (``reports.summary``, brought up to date first);
    ``from_scratch=True`` counts the memberships directly with the same ``membership_counts`` (the reference the
    summary is tested against, and the benchmark baseline)."""
    check_as_of(as_of)
    region = get_object_or_404(Region, code=region_code) if region_code else None
    kabs = _visible_kabupaten(user, _region_kabupaten(region))
    village_qs = _villages_in(region)
    villages = {
        r["kab"]: r
        for r in village_qs.annotate(kab=Substr("code", 1, 5))
        .values("kab")
        .annotate(
            desa=Count("code", filter=~Q(type="kelurahan")),
            kelurahan=Count("code", filter=Q(type="kelurahan")),
        )
    }

    counted = (
        None
        if from_scratch
        else summary.report_counts(
            user=user, region_code=region.code if region else None, as_of=as_of
        )
    )
    # The summary of a date never asked for before is built by the task worker, not here: count from scratch.
    from_scratch = counted is None
    stale = False
    if from_scratch:
        members = _memberships(user, region.code if region else None, as_of)
        covered = _covered_ids(as_of)
        grouped = membership_counts(members, as_of, kab=KAB)
        protected_official = members.filter(kind=Kind.PERANGKAT).filter(
            has_line(covered)
        )
    else:
        grouped, protected_official, stale = counted
    counts = _kabupaten_counts(grouped)
    # SQLite, from the summary: its protected villages are few rows, read them once (see
    # _villages_without_protected). From scratch they are memberships, and PostgreSQL plans the per-village EXISTS
    # as a hashed anti-join (faster there than reading the set into Python: 0.21 against 0.36 s nationally).
    protected_villages = (
        set(protected_official.values_list("desa_id", flat=True).distinct())
        if not from_scratch and connection.vendor == "sqlite"
        else None
    )

    kab_codes = [k.code for k in kabs]
    pks = set(
        PKS.objects.filter(kabupaten_id__in=kab_codes)
        .in_force(as_of)
        .values_list("kabupaten_id", flat=True)
    )
    agreement = agreements.agreement_states(kab_codes, as_of)
    plans = agreements.plan_states(kab_codes, as_of)
    targets: dict[str, int] = {}
    for t in PerangkatTarget.objects.filter(
        kabupaten_id__in=kab_codes, valid_from__lte=as_of
    ).order_by("valid_from"):
        targets[t.kabupaten_id] = t.target
    positions = ReportSetting.get(rules.DEFAULT_POSITIONS_PER_DESA, as_of) or 0
    threshold = ReportSetting.get(rules.PROTECTION_THRESHOLD, as_of)
    protected_desa = _protected_desa_per_kabupaten(protected_official)

    rows = []
    for kab in kabs:
        v = villages.get(kab.code, {"desa": 0, "kelurahan": 0})
        c = counts.get(kab.code, {})
        rows.append(
            _row(
                kab,
                v,
                c,
                desa_terlindungi=protected_desa.get(kab.code, 0),
                target=rules.expected_perangkat(
                    recorded_target=targets.get(kab.code),
                    desa=v["desa"],
                    positions_per_desa=positions,
                ),
                has_pks=kab.code in pks,
                agreement=agreement.get(kab.code),
                plan=plans.get(kab.code),
                threshold=threshold,
            )
        )
    total = rules.totals(rows)
    unprotected = [
        r
        for r in rows
        if r["perangkat_terlindungi"] == 0
        and (r["rentan_dana_desa"] + r["rentan_apbd"] + r["rentan_lainnya"]) == 0
        and r["desa"] > 0
    ]
    missing = _villages_without_protected(
        region, protected_official, user, protected_villages
    )
    return {
        "region": {"code": region.code, "name": region.name}
        if region
        else {"code": "", "name": "Indonesia"},
        "as_of": as_of.isoformat(),
        "ringkasan_tertunda": stale,
        "ambang_desa_terlindungi": None if threshold is None else str(threshold),
        "ambang_persen": rules.threshold_percent(threshold),
        "rows": rows,
        "total": total,
        "tanpa_perlindungan": [
            {
                "code": r["code"],
                "name": r["name"],
                "tahap": r["tahap"],
                "tahap_label": r["tahap_label"],
                "rencana": r["rencana"],
                "rencana_tanggal": r["rencana_tanggal"],
                "rencana_terlambat": r["rencana_terlambat"],
                "pks_status": r["pks_status"],
                "pks_berlaku_sampai": r["pks_berlaku_sampai"],
            }
            for r in unprotected
        ],
        "sebagian_terlindungi": _partly_protected(rows, missing, threshold),
        "perlu_perhatian": [
            {k: r[k] for k in ("code", "name", *_AGREEMENT_KEYS)}
            for r in rows
            if rules.flagged(r)
        ],
        "desa_tanpa_perangkat_terlindungi": missing,
    }


# What every list of the report repeats about a regency's agreement and plan.
_AGREEMENT_KEYS = (
    "pks_status",
    "pks_berlaku_sampai",
    "rencana",
    "rencana_tanggal",
    "rencana_terlambat",
)


def _row(
    kab: Region,
    v: dict,
    c: dict,
    *,
    desa_terlindungi: int,
    target: int,
    has_pks: bool,
    agreement: dict | None,
    plan: dict | None,
    threshold,
) -> dict:
    """One kabupaten/kota of the report: counts, stage, agreement and planned action (issue #18 keys included)."""
    tahap = pipeline_stage(
        has_pks=has_pks,
        registered=c.get("registered", 0),
        billed=c.get("billed", 0),
        protected=c.get("protected", 0),
        desa=v["desa"],
        desa_terlindungi=desa_terlindungi,
        threshold=threshold,
    )
    agreement = agreement or {
        "pks_status": PKSStatus.BELUM_ADA,
        "pks_berlaku_sampai": None,
        "pks_nomor": "",
    }
    action = plan["action"] if plan else None
    return {
        "code": kab.code,
        "name": kab.name,
        "desa": v["desa"],
        "kelurahan": v["kelurahan"],
        "desa_terlindungi": desa_terlindungi,
        "desa_persen": rules.desa_percent(desa_terlindungi, v["desa"]),
        "tanpa_desa": v["desa"] == 0,
        "perangkat_terdaftar": c.get("perangkat_terdaftar", 0),
        "perangkat_terlindungi": c.get("perangkat_terlindungi", 0),
        "perangkat_target": target,
        "perangkat_persen": coverage_percent(c.get("perangkat_terlindungi", 0), target),
        "rentan_dana_desa": c.get("rentan_dana_desa", 0),
        "rentan_apbd": c.get("rentan_apbd", 0),
        "rentan_lainnya": c.get("rentan_lainnya", 0),
        "rentan_terdaftar": c.get("rentan_terdaftar", 0),
        "tahap": str(tahap),
        "tahap_label": indonesian(Tahap(tahap).label),
        "pks": has_pks,
        "pks_status": str(agreement["pks_status"]),
        "pks_berlaku_sampai": rules.iso(agreement["pks_berlaku_sampai"]),
        "pks_nomor": agreement["pks_nomor"],
        "rencana": action.description if action else "",
        "rencana_tanggal": action.planned_on.isoformat() if action else None,
        "rencana_terlambat": bool(plan and plan["terlambat"]),
    }


def _protected_desa_per_kabupaten(protected_official) -> dict[str, int]:
    """``desa_terlindungi`` per kabupaten/kota: desa (not kelurahan: the same villages as the ``desa`` column)
    with at least one protected official in the report month. ``protected_official`` is user-scoped memberships
    (from scratch) or village summary rows, so both paths count the same villages."""
    return {
        g["kab"]: g["n"]
        for g in protected_official.exclude(desa__type="kelurahan")
        .annotate(kab=Substr("desa_id", 1, 5))
        .values("kab")
        .annotate(n=Count("desa_id", distinct=True))
        .order_by()
    }


def _partly_protected(rows: list[dict], missing: list[dict], threshold) -> list[dict]:
    """The ``sebagian`` regencies with their share of desa and the desa still without a protected official."""
    by_kab: dict[str, list[dict]] = defaultdict(list)
    for v in missing:
        by_kab[v["code"][:5]].append({"code": v["code"], "name": v["name"]})
    return [
        {
            "code": r["code"],
            "name": r["name"],
            "desa": r["desa"],
            "desa_terlindungi": r["desa_terlindungi"],
            "desa_persen": r["desa_persen"],
            "ambang_persen": rules.threshold_percent(threshold),
            "perangkat_terlindungi": r["perangkat_terlindungi"],
            "pks_status": r["pks_status"],
            "pks_berlaku_sampai": r["pks_berlaku_sampai"],
            "rencana": r["rencana"],
            "rencana_tanggal": r["rencana_tanggal"],
            "rencana_terlambat": r["rencana_terlambat"],
            "desa_belum": by_kab.get(r["code"], []),
        }
        for r in rows
        if r["tahap"] == Tahap.SEBAGIAN
    ]


def _under(field: str, code: str) -> Q:
    """Region codes strictly under ``code`` (``startswith(code + ".")``), as the index range of ``code_prefix_q``
    where it has one: ``LIKE`` walks every row of the level on SQLite."""
    return code_prefix_q(field, code) & ~Q(**{field: code})


def _villages_in(region: Region | None):
    """Level-4 regions (desa, desa adat, kelurahan) under ``region`` (None: all). Under a region the level is
    asked as ``>= 4`` (4 is the deepest level, so the same rows): SQLite, which keeps no statistics here, then walks
    the region's slice of the code index rather than every village of the country through the level index."""
    if region is None:
        return Region.objects.filter(level=Level.DESA)
    return Region.objects.filter(_under("code", region.code), level__gte=Level.DESA)


def _villages_without_protected(
    region: Region | None, protected_official, user=None, protected_villages=None
) -> list[dict]:
    """``protected_official``: memberships (or summary rows) of protected perangkat desa, already user-scoped;
    ``protected_villages``: their desa codes when already read (the summary path), else None.

    Not a correlated EXISTS over the summary rows: SQLite then seeks the summary index on the report region's code
    range instead of the village's code, and reads every row of the region once per village (1.1 s for NTT at
    100,000 memberships, 12× counting from scratch)."""
    qs = _villages_in(region).exclude(type="kelurahan")
    if protected_villages is None:
        qs = qs.exclude(Exists(protected_official.filter(desa_id=OuterRef("code"))))

    if user is not None and not is_national(user):
        # Villages outside the user's regions are not "without protection", just not visible.
        scope = Q(pk__in=[])
        for code in user_region_codes(user):
            scope |= code_prefix_q("code", code)
        qs = qs.filter(scope)
    kab_names = dict(Region.objects.filter(level=2).values_list("code", "name"))
    return [
        {"code": code, "name": name, "kabupaten": kab_names.get(code[:5], "")}
        for code, name in qs.order_by("code").values_list("code", "name")
        if protected_villages is None or code not in protected_villages
    ]


def renewable(user, rows: list[dict]) -> set[str]:
    """Codes of the report's regencies whose ended PKS the user may renew (record a new agreement): the regency
    office and the province (and BPJS), who see "PKS berakhir pada …, perpanjang" with a link."""

    return {
        r["code"]
        for r in rows
        if r["pks_status"] == PKSStatus.BERAKHIR
        and user_can(user, "agreement", r["code"])
    }


def rakor_cached(*, user, region_code: str | None, as_of: dt.date) -> dict:
    """``rakor`` for pages and the API, cached until the next audited write (or CACHE_SECONDS at most). The
    protection threshold is part of the key: it is edited in the admin, which writes no audit event."""
    return cached(
        user,
        "rakor",
        region_code or "",
        as_of.isoformat(),
        ReportSetting.get(rules.PROTECTION_THRESHOLD, as_of),
        compute=lambda: rakor(user=user, region_code=region_code, as_of=as_of),
    )


def rakor_json(report: dict) -> dict:
    """The machine shape of docs/interfaces.md: a list of per-regency objects plus ``total``."""
    keys = [
        "code",
        "name",
        *rules.COUNT_KEYS,
        "tahap",
        "pks_status",
        "pks_berlaku_sampai",
        "rencana_terlambat",
    ]
    extra = [
        "perangkat_persen",
        "desa_persen",
        "tanpa_desa",
        "tahap_label",
        "rencana",
        "rencana_tanggal",
        "pks",
        "pks_nomor",
    ]
    return {
        "region": report["region"]["code"],
        "name": report["region"]["name"],
        "as_of": report["as_of"],
        "ambang_desa_terlindungi": report["ambang_desa_terlindungi"],
        "rows": [{k: r[k] for k in keys + extra} for r in report["rows"]],
        "total": report["total"],
        "tanpa_perlindungan": report["tanpa_perlindungan"],
        "sebagian_terlindungi": report["sebagian_terlindungi"],
        "perlu_perhatian": report["perlu_perhatian"],
        "desa_tanpa_perangkat_terlindungi": report["desa_tanpa_perangkat_terlindungi"],
    }


def province_summary(report: dict) -> list[dict] | None:
    """For a national report, its rows per province (``rules.by_province``); None for a province or regency."""
    if report["region"].get("code"):
        return None
    codes = sorted({r["code"][:2] for r in report["rows"]})
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return rules.by_province(report["rows"], names)
