"""Benchmark the monthly billing run against a naive per-row ORM baseline.

Generates N memberships (COPY on PostgreSQL, executemany on SQLite), runs ``services.run_billing`` for one month and
a naive per-row loop (payer lookup, quote, get_or_create bill, create line) on a small sample for another month, and
prints rows/s for both. Its rows (NIK starting with 99) are deleted at the end unless --keep.

Use a scratch database:
    LINDUNG_DATA_DIR=/tmp/bench python bench/bench_billing.py --n 100000
    DATABASE_URL=postgresql://lindung@127.0.0.1:55432/iuran_bench python bench/bench_billing.py --n 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from lindung.contributions import partitions, services  # noqa: E402
from lindung.contributions.models import Tagihan, TagihanLine  # noqa: E402
from lindung.participants.models import Kepesertaan, Peserta  # noqa: E402
from lindung.regions.models import Region  # noqa: E402

NIK_PREFIX = "99"
FUNDING = [
    ("self", 40),
    ("dana_desa", 20),
    ("apbd_kabupaten", 25),
    ("apbd_provinsi", 10),
    ("baznas", 5),
]
PEKERJAAN = ["petani", "nelayan", "ojek", "pedagang_kecil", "buruh_harian_lepas"]


def _setup() -> list[str]:
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="53").exists():
        from lindung.regions.services import load_regions

        load_regions(prefix="53")
    return list(
        Region.objects.filter(level=4, code__startswith="53.").values_list(
            "code", flat=True
        )
    )


def generate(n: int, desa: list[str], seed: int = 1) -> float:
    rng = random.Random(seed)
    now = timezone.now()
    start = time.perf_counter()
    people = [
        (
            f"{NIK_PREFIX}{i:014d}",
            f"Bench {i}",
            dt.date(1980, 1, 1) + dt.timedelta(days=i % 9000),
            "L" if i % 2 else "P",
            "",
            now,
            now,
            1,
        )
        for i in range(n)
    ]
    with transaction.atomic():
        services.bulk_insert(
            Peserta,
            (
                "nik",
                "name",
                "birth_date",
                "sex",
                "phone",
                "created_at",
                "updated_at",
                "version",
            ),
            people,
        )
        ids = list(
            Peserta.objects.filter(nik__startswith=NIK_PREFIX)
            .order_by("nik")
            .values_list("id", flat=True)
        )
        funding = [f for f, w in FUNDING for _ in range(w)]
        rows = []
        for i, pid in enumerate(ids):
            perangkat = i % 5 == 0
            kind = "perangkat" if perangkat else "rentan"
            rows.append(
                (
                    pid,
                    kind,
                    rng.choice(desa),
                    "staf_desa" if perangkat else "",
                    "" if perangkat else rng.choice(PEKERJAAN),
                    None,
                    2_022_200 + 100_000 * (i % 4)
                    if perangkat
                    else rng.choice([1_000_000, 1_000_000, 1_500_000]),
                    "add" if perangkat else rng.choice(funding),
                    i % 7 == 0,
                    perangkat and i % 3 == 0,
                    "sangat_rendah",
                    "",
                    dt.date(2025, 1, 1),
                    "aktif",
                    "",
                    None,
                    now,
                    now,
                    1,
                )
            )
        services.bulk_insert(
            Kepesertaan,
            (
                "peserta_id",
                "kind",
                "desa_id",
                "jabatan",
                "pekerjaan",
                "start_of_term",
                "wage",
                "sumber_dana",
                "jht",
                "jp",
                "risk_group",
                "kpj",
                "registered_on",
                "status",
                "stop_reason",
                "ended_on",
                "created_at",
                "updated_at",
                "version",
            ),
            rows,
        )
    if connection.vendor == "postgresql":
        # Fresh statistics: with none, the billing anti-join can be planned as a nested loop (minutes).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE participants_peserta, participants_kepesertaan")
    return time.perf_counter() - start


def naive(sample: int, period: dt.date, members=None) -> tuple[int, float]:
    """The per-row ORM way: one payer lookup, one quote, one bill get_or_create and one line insert per row, for the
    first ``sample`` of ``members`` (default: the memberships ``generate`` wrote)."""
    book = services.load_rulebook()
    if members is None:
        members = Kepesertaan.objects.filter(peserta__nik__startswith=NIK_PREFIX)
    memberships = list(members.order_by("id")[:sample])
    start = time.perf_counter()
    with transaction.atomic():
        for k in memberships:
            payer = services.payer_for_kepesertaan(k)
            segment = "pu" if k.kind == "perangkat" else "bpu"
            progs = (
                ["jkk", "jkm"]
                + (["jht"] if k.jht else [])
                + (["jp"] if k.jp and segment == "pu" else [])
            )
            result = services.quote_iuran(
                {
                    "segment": segment,
                    "wage": k.wage,
                    "period": f"{period:%Y-%m}",
                    "programmes": progs,
                    "funding": k.sumber_dana,
                    "sector": "transport" if k.pekerjaan == "ojek" else "",
                },
                book=book,
            )
            bill, _ = Tagihan.objects.get_or_create(
                payer=payer,
                period=period,
                segment=segment,
                defaults={
                    "number": f"naive-{period:%Y%m}-{payer.pk}-{segment}",
                    "due_date": period,
                },
            )
            amounts = {x["programme"]: x["amount"] for x in result["lines"]}
            TagihanLine.objects.create(
                tagihan=bill,
                kepesertaan=k,
                period=period,
                segment=segment,
                total=result["total"],
                **amounts,
            )
            bill.total += result["total"]
            bill.save(update_fields=["total"])
    return len(memberships), time.perf_counter() - start


def cleanup() -> float:
    start = time.perf_counter()
    kep = (
        "SELECT k.id FROM participants_kepesertaan k JOIN participants_peserta p ON p.id = k.peserta_id "
        f"WHERE p.nik LIKE '{NIK_PREFIX}%%'"
    )
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"DELETE FROM contributions_tagihanline WHERE kepesertaan_id IN ({kep})"
        )
        cur.execute(
            "DELETE FROM contributions_tagihan AS t WHERE NOT EXISTS (SELECT 1 FROM contributions_tagihanline l "
            "WHERE l.tagihan_id = t.id) AND NOT EXISTS (SELECT 1 FROM contributions_alokasi a "
            "WHERE a.tagihan_id = t.id) AND NOT EXISTS (SELECT 1 FROM contributions_denda d WHERE d.source_id = t.id)"
        )
        cur.execute(
            "DELETE FROM contributions_payer WHERE kind = 'self' AND peserta_id IN "
            f"(SELECT id FROM participants_peserta WHERE nik LIKE '{NIK_PREFIX}%%')"
        )
        cur.execute(f"DELETE FROM participants_kepesertaan WHERE id IN ({kep})")
        cur.execute(f"DELETE FROM participants_peserta WHERE nik LIKE '{NIK_PREFIX}%%'")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n",
        type=int,
        default=100_000,
        help="memberships to generate (default 100,000)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=1_000,
        help="rows for the naive baseline (default 1,000)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated rows")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    desa = _setup()
    if Peserta.objects.filter(nik__startswith=NIK_PREFIX).exists():
        cleanup()
    gen = generate(args.n, desa)
    start = time.perf_counter()
    result = services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    took = time.perf_counter() - start
    start = time.perf_counter()
    again = services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    rerun = time.perf_counter() - start
    start = time.perf_counter()
    steady = services.run_billing(
        actor=None, period=dt.date(2025, 3, 1)
    )  # payers exist now: a normal month
    steady_took = time.perf_counter() - start
    # PostgreSQL: the month loaded into a table of its own and swapped in (partitions.load_month, what the runs above
    # did) against the same month inserted into the attached partition row by row (the code before it), A-B-A.
    swap = {}
    if partitions.is_partitioned():
        for label, month, minimum in (
            ("ordinary_insert", dt.date(2025, 4, 1), 10**12),
            ("loaded_again", dt.date(2025, 5, 1), partitions.LOAD_MIN_LINES),
        ):
            saved, partitions.LOAD_MIN_LINES = partitions.LOAD_MIN_LINES, minimum
            start = time.perf_counter()
            services.run_billing(actor=None, period=month)
            swap[f"{label}_month_s"] = round(time.perf_counter() - start, 2)
            partitions.LOAD_MIN_LINES = saved
        swap["ordinary_over_loaded"] = round(
            swap["ordinary_insert_month_s"]
            / statistics.fmean([steady_took, swap["loaded_again_month_s"]]),
            2,
        )
    sample, naive_took = naive(args.sample, dt.date(2025, 2, 1))
    report = {
        "database": connection.vendor,
        "memberships": args.n,
        "generate_s": round(gen, 2),
        "billing_s": round(took, 2),
        "billing_rows_per_s": round(result["lines"] / took),
        "bills": result["bills"],
        "lines": result["lines"],
        "rerun_s": round(rerun, 2),
        "next_month_s": round(steady_took, 2),
        "next_month_rows_per_s": round(steady["lines"] / steady_took),
        "rerun_lines": again["lines"],
        **swap,
        "naive_sample": sample,
        "naive_s": round(naive_took, 2),
        "naive_rows_per_s": round(sample / naive_took),
        "speedup": round((result["lines"] / took) / (sample / naive_took), 1),
        "projected_1m_s": round(1_000_000 / (result["lines"] / took), 1),
        "projected_1m_next_month_s": round(
            1_000_000 / (steady["lines"] / steady_took), 1
        ),
    }
    if not args.keep:
        report["cleanup_s"] = round(cleanup(), 2)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
