"""Benchmark the rakor (coordination) report against a naive per-kabupaten ORM baseline, in the same run.

Generates N memberships over every village of Indonesia (reusing bench_billing.generate: COPY on PostgreSQL,
executemany on SQLite), bills the current month with the real billing run, settles most bills with the set-based
settlement, then times ``reports.services.rakor`` for the whole country and for one province, and the naive way
(a handful of ORM count queries per kabupaten/kota) for the same figures; it checks both give the same totals.

    LINDUNG_DATA_DIR=/tmp/bench python bench/bench_rakor.py --n 100000
    DATABASE_URL=postgresql://lindung@127.0.0.1:55432/bench python bench/bench_rakor.py --n 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_billing  # noqa: E402  (sets up Django)
from django.db import connection  # noqa: E402
from django.db.models import F, Q  # noqa: E402

from lindung.contributions.models import Tagihan  # noqa: E402
from lindung.contributions.services import covered_ids, run_billing  # noqa: E402
from lindung.contributions.settlement import settle_in_full  # noqa: E402
from lindung.participants.models import Kepesertaan  # noqa: E402
from lindung.regions.models import Region  # noqa: E402
from lindung.regions.services import load_regions  # noqa: E402
from lindung.reports import rules, services  # noqa: E402


def naive_rakor(region_code: str | None, as_of: dt.date) -> dict:
    """What a straightforward implementation does: loop over kabupaten, count with the ORM."""
    kabs = Region.objects.filter(level=2)
    if region_code:
        kabs = kabs.filter(parent_id=region_code)
    covered = covered_ids(as_of)
    rows = []
    for kab in kabs:
        inside = Kepesertaan.objects.filter(
            desa__code__startswith=kab.code + ".", registered_on__lte=as_of
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

    for label, region in (("national", None), ("province", args.province)):
        fast_s, report = timed(
            lambda r=region: services.rakor(user=None, region_code=r, as_of=as_of)
        )
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
        out[f"rakor_{label}_s"] = round(fast_s, 3)
        out[f"naive_{label}_s"] = round(naive_s, 3)
        out[f"speedup_{label}"] = round(naive_s / fast_s, 1) if fast_s else None
        out[f"protected_{label}"] = (
            report["total"]["perangkat_terlindungi"] + report["total"]["rentan_total"]
        )
    print(json.dumps(out, indent=2))
    if not args.keep:
        bench_billing.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
