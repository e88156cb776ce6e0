"""Benchmark the rakor (coordination) report: from the per-village summary, from scratch, and naively.

Generates N memberships over every village of Indonesia (reusing bench_billing.generate: COPY on PostgreSQL,
executemany on SQLite), bills the current month with the real billing run, settles most bills with the set-based
settlement, then, for the whole country and for one province, times in the same run:

- ``rakor`` reading the maintained summary (``reports.summary``; issue #9), and its full build;
- after a write in one desa (a membership ended through the service) and after a kabupaten-wide audit event (what
  an import writes): the incremental refresh and the report (the writes are rolled back afterwards);
- ``rakor(from_scratch=True)``: one grouped query over every membership joined to the month's bill lines;
- the naive way (a handful of ORM count queries per kabupaten/kota).

It checks that the summary and from-scratch reports are identical and that the naive totals agree.

    LINDUNG_DATA_DIR=/tmp/bench python bench/bench_rakor.py --n 100000
    DATABASE_URL=postgresql://lindung@127.0.0.1:55432/bench python bench/bench_rakor.py --n 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_billing  # noqa: E402  (sets up Django)
from django.db import connection, transaction  # noqa: E402
from django.db.models import F, Q  # noqa: E402

from lindung.accounts.models import AuditEvent  # noqa: E402
from lindung.contributions.models import Tagihan  # noqa: E402
from lindung.contributions.services import covered_ids, run_billing  # noqa: E402
from lindung.contributions.settlement import settle_in_full  # noqa: E402
from lindung.participants.models import Kepesertaan  # noqa: E402
from lindung.participants.services import end_membership  # noqa: E402
from lindung.regions.models import Region  # noqa: E402
from lindung.regions.services import load_regions  # noqa: E402
from lindung.reports import rules, services, summary  # noqa: E402
from lindung.reports.models import DesaSummary  # noqa: E402


def naive_rakor(region_code: str | None, as_of: dt.date) -> dict:
    """What a straightforward implementation does: loop over kabupaten, count with the ORM the memberships in force
    on ``as_of`` (registered by then, not ended), and loop in Python over the protected rentan for the funding
    split."""
    kabs = Region.objects.filter(level=2)
    if region_code:
        kabs = kabs.filter(parent_id=region_code)
    covered = covered_ids(as_of)
    rows = []
    for kab in kabs:
        inside = Kepesertaan.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=as_of),
            desa__code__startswith=kab.code + ".",
            registered_on__lte=as_of,
        )
        row = {
            "desa": Region.objects.filter(code__startswith=kab.code + ".", level=4)
            .exclude(type="kelurahan")
            .count(),
            "kelurahan": Region.objects.filter(
                code__startswith=kab.code + ".", type="kelurahan"
            ).count(),
            "perangkat_terdaftar": inside.filter(kind="perangkat").count(),
            "perangkat_terlindungi": inside.filter(
                kind="perangkat", id__in=covered
            ).count(),
            "perangkat_target": 0,
            "desa_terlindungi": 0,  # not counted naively (not compared below)
        }
        for key in ("rentan_dana_desa", "rentan_apbd", "rentan_lainnya"):
            row[key] = 0
        for k in inside.filter(kind="rentan", id__in=covered):
            row[rules.funding_group(k.sumber_dana)] += 1
        rows.append(row)
    return rules.totals(rows)


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _incremental(as_of: dt.date, desa: list[str], writes: int = 5) -> dict:
    """Median refresh and report time after a write in one desa, and after a kabupaten-wide event; rolled back."""
    rng = random.Random(7)
    one, one_report, kab, kab_report = [], [], [], []
    with transaction.atomic():
        for _ in range(writes):
            k = (
                Kepesertaan.objects.filter(
                    desa_id=rng.choice(desa), ended_on__isnull=True
                )
                .exclude(status="berhenti")
                .first()
            )
            if k is None:
                continue
            end_membership(
                actor=None,
                kepesertaan=k,
                reason="pindah",
                ended_on=as_of - dt.timedelta(days=1),
            )
            start = time.perf_counter()
            result = summary.refresh(as_of)
            one.append(time.perf_counter() - start)
            assert result == {"mode": "incremental", "regions": 1}, result
            start = time.perf_counter()
            services.rakor(user=None, region_code=None, as_of=as_of)
            one_report.append(time.perf_counter() - start)
            # What an import writes: one event per (write batch, kabupaten).
            AuditEvent.objects.create(
                action="create", model="imports.ImportBatch", region_code=k.desa_id[:5]
            )
            start = time.perf_counter()
            summary.refresh(as_of)
            kab.append(time.perf_counter() - start)
            start = time.perf_counter()
            services.rakor(user=None, region_code=None, as_of=as_of)
            kab_report.append(time.perf_counter() - start)
        kept = services.rakor(user=None, region_code=None, as_of=as_of)
        fresh = services.rakor(
            user=None, region_code=None, as_of=as_of, from_scratch=True
        )
        assert kept == fresh, "summary differs from recount after the writes"
        transaction.set_rollback(True)

    def med(xs: list[float]) -> float | None:
        return round(statistics.median(xs), 3) if xs else None

    return {
        "one_desa_write_refresh_s": med(one),
        "one_desa_write_rakor_national_s": med(one_report),
        "kabupaten_event_refresh_s": med(kab),
        "kabupaten_event_rakor_national_s": med(kab_report),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--province", default="53")
    args = parser.parse_args()

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load_regions()
    desa = list(Region.objects.filter(level=4).values_list("code", flat=True))
    as_of = dt.date.today()
    period = as_of.replace(day=1)
    out: dict[str, object] = {
        "db": connection.vendor,
        "n": args.n,
        "villages": len(desa),
    }
    out["generate_s"] = round(bench_billing.generate(args.n, desa), 2)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            # Fresh statistics, or the billing run's anti-join may be planned as a nested loop over stale counts.
            cur.execute("ANALYZE")
    start = time.perf_counter()
    run_billing(actor=None, period=period)
    out["billing_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    bills = list(
        Tagihan.objects.filter(period=period, paid__lt=F("total")).filter(
            ~Q(payer__kind="self")
        )
    )
    settle_in_full(
        actor=None, bills=bills, paid_at=lambda pb: as_of, reference=lambda pb: "BENCH"
    )
    out["settle_s"] = round(time.perf_counter() - start, 2)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    # The generator writes rows without audit events: forget any summary from an earlier run first.
    summary.rebuild()
    start = time.perf_counter()
    assert summary.refresh(as_of)["mode"] == "full"
    out["summary_full_build_s"] = round(time.perf_counter() - start, 2)
    out["summary_rows"] = DesaSummary.objects.filter(as_of=as_of).count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE reports_desasummary")

    for label, region in (("national", None), ("province", args.province)):
        fast_s, report = timed(
            lambda r=region: services.rakor(user=None, region_code=r, as_of=as_of)
        )
        scratch_s, scratch = timed(
            lambda r=region: services.rakor(
                user=None, region_code=r, as_of=as_of, from_scratch=True
            )
        )
        assert json.dumps(services.rakor_json(report)) == json.dumps(
            services.rakor_json(scratch)
        ), label
        naive_s, naive_total = timed(lambda r=region: naive_rakor(r, as_of), repeat=1)
        for key in (
            "perangkat_terdaftar",
            "perangkat_terlindungi",
            "rentan_dana_desa",
            "rentan_apbd",
        ):
            assert report["total"][key] == naive_total[key], (
                label,
                key,
                report["total"][key],
                naive_total[key],
            )
        out[f"rakor_summary_{label}_s"] = round(fast_s, 3)
        out[f"rakor_scratch_{label}_s"] = round(scratch_s, 3)
        out[f"naive_{label}_s"] = round(naive_s, 3)
        out[f"speedup_vs_scratch_{label}"] = (
            round(scratch_s / fast_s, 1) if fast_s else None
        )
        out[f"speedup_vs_naive_{label}"] = (
            round(naive_s / fast_s, 1) if fast_s else None
        )
        out[f"protected_{label}"] = (
            report["total"]["perangkat_terlindungi"] + report["total"]["rentan_total"]
        )
    out.update(_incremental(as_of, desa))
    print(json.dumps(out, indent=2))
    if not args.keep:
        bench_billing.cleanup()
        summary.rebuild()  # the cleanup bypasses the audit log
    return 0


if __name__ == "__main__":
    sys.exit(main())
