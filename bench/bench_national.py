"""Benchmark a generated national database (bench/gen_national.py): reports, pages, search and billing, each
against a baseline in the same run.

- rakor national and one province: ``reports.services.rakor`` (per-village summary: its full build as the task
  worker runs it, then cold = the first report after it, after ``--restart-cmd`` when given; warm = median of 3), ``from_scratch=True`` (grouped count
  over the memberships) and ``naive_rakor`` (ORM counts per kabupaten/kota), totals checked equal;
- pages through Django's test Client (full request: middleware, session, template): the participant list with
  filters as the province office and nationally, deep pages, the dashboards, search by NIK and by name. Baseline on
  PostgreSQL: the same request with index scans switched off for the session (what the indexes buy; cached pages
  are measured warm, then cold after clearing the cache, and compared cold with cold); the slowest
  query of each page is shown with EXPLAIN ANALYZE when it takes more than --explain-ms;
- a billing run (``run_billing``) for the month after the generated window, committed, timed, then deleted; and
  the naive per-row ORM billing loop (bench_billing's) on a sample for the month after that, also deleted.

    DATABASE_URL=postgresql://lindung@127.0.0.1:55432/national_b python bench/bench_national.py
    LINDUNG_DATA_DIR=/tmp/ntt python bench/bench_national.py --province 53
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_billing  # noqa: E402  (sets up Django)
from bench_rakor import naive_rakor, timed  # noqa: E402
from django.contrib.auth.base_user import AbstractBaseUser  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from lindung.accounts.services import create_user  # noqa: E402
from lindung.contributions import rules, services  # noqa: E402
from lindung.contributions.models import TagihanLine  # noqa: E402
from lindung.participants.models import Kepesertaan, Peserta  # noqa: E402
from lindung.reports import services as reports  # noqa: E402

PASSWORD = "lindung-demo-2026"  # the demo users' (load_users.py)
PG = connection.vendor == "postgresql"


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


@contextmanager
def no_index_scans() -> Iterator[None]:
    """PostgreSQL only: plan without index/bitmap scans for this session (the 'no index' baseline)."""
    with connection.cursor() as cur:
        for knob in ("indexscan", "bitmapscan", "indexonlyscan"):
            cur.execute(f"SET enable_{knob} = off")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            for knob in ("indexscan", "bitmapscan", "indexonlyscan"):
                cur.execute(f"RESET enable_{knob}")


def user(username: str, role: str, regions: list[str]) -> AbstractBaseUser:
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(username=username).first()
    return found or create_user(
        username=username, password=PASSWORD, role=role, regions=regions
    )


# --- rakor ---------------------------------------------------------------------------------------------------------


RESTART_CMD: str | None = None


def bench_rakor_report(region: str | None, as_of: dt.date, naive: bool) -> dict:
    label = region or "national"
    out: dict = {}
    has_summary = "from_scratch" in inspect.signature(reports.rakor).parameters
    if has_summary:
        from lindung.reports import summary
        from lindung.reports.models import SummaryState

        SummaryState.objects.filter(as_of=as_of).delete()
        if hasattr(summary, "state"):
            # Requests never build the summary (issue 24): time the task worker's full build, then the first
            # request after it, with the database restarted and the OS page cache dropped (``--restart-cmd``).
            start = time.perf_counter()
            summary.refresh(as_of)
            out["summary_build_s"] = round(time.perf_counter() - start, 3)
            if RESTART_CMD:
                connection.close()
                subprocess.run(RESTART_CMD, shell=True, check=True)
                out["cold_after_restart"] = True
    start = time.perf_counter()
    report = reports.rakor(user=None, region_code=region, as_of=as_of)
    out["cold_s"] = round(time.perf_counter() - start, 3)
    warm, report = timed(
        lambda: reports.rakor(user=None, region_code=region, as_of=as_of)
    )
    out["warm_s"] = round(warm, 3)
    total = report["total"]
    if has_summary:
        scratch, scratch_report = timed(
            lambda: reports.rakor(
                user=None, region_code=region, as_of=as_of, from_scratch=True
            ),
            repeat=3 if region else 1,
        )
        assert scratch_report["total"] == total, (label, "from_scratch differs")
        out["from_scratch_s"] = round(scratch, 3)
        out["speedup_vs_from_scratch"] = round(scratch / warm, 1)
    if naive:
        naive_s, naive_total = timed(lambda: naive_rakor(region, as_of), repeat=1)
        for key in (
            "perangkat_terdaftar",
            "perangkat_terlindungi",
            "rentan_dana_desa",
            "rentan_apbd",
        ):
            assert total[key] == naive_total[key], (label, key)
        out["naive_s"] = round(naive_s, 3)
        out["speedup_vs_naive"] = round(naive_s / warm, 1)
    out["protected"] = total["perangkat_terlindungi"] + total["rentan_total"]
    out["registered_perangkat"] = total["perangkat_terdaftar"]
    return out


# --- pages ---------------------------------------------------------------------------------------------------------


def _request(client: Client, url: str) -> tuple[float, list[dict], int]:
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        took = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return took, list(ctx.captured_queries), len(response.content)


def explain(sql: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cur.fetchall()]


def bench_page(
    client: Client, url: str, baseline: bool, explain_ms: float, warm_first: bool
) -> dict:
    if warm_first:
        client.get(url)
    times, queries, size = [], [], 0
    for _ in range(3):
        took, queries, size = _request(client, url)
        times.append(took)
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    out = {
        "median_ms": ms(statistics.median(times)),
        "queries": len(queries),
        "kb": round(size / 1024),
    }
    if slowest is not None:
        out["slowest_query_ms"] = ms(float(slowest["time"]))
        if PG and float(slowest["time"]) * 1000 > explain_ms:
            out["slowest_sql"] = slowest["sql"][:600]
            out["explain"] = explain(slowest["sql"])
    if warm_first:  # a cached page: what the first visitor after a change waits
        cache.clear()
        took, _q, _s = _request(client, url)
        out["cold_ms"] = ms(took)
    if baseline and PG:
        with no_index_scans():
            cache.clear()
            took, _q, _s = _request(client, url)
        out["no_index_ms"] = ms(took)
        ref = out.get("cold_ms", out["median_ms"])
        out["speedup_vs_no_index"] = round(took * 1000 / ref, 1)
    return out


def sample_search(province: str | None) -> tuple[str, str]:
    """A real NIK and a real first name from the generated data (inside the province when given)."""
    qs = Kepesertaan.objects.select_related("peserta").order_by("id")
    if province:
        qs = qs.filter(desa__code__startswith=province + ".")
    k = qs[qs.count() // 2]
    return k.peserta.nik, k.peserta.name.split()[-1]


def bench_pages(province: str, explain_ms: float) -> dict:
    prov = user("bench_provinsi_" + province, "provinsi", [province])
    nat = user("bench_nasional", "bpjs", [])
    nik, name = sample_search(province)
    clients = {}
    for who, u in (("provinsi", prov), ("nasional", nat)):
        clients[who] = Client()
        clients[who].force_login(u)
    pages = [
        ("provinsi", "dashboard", "/", True),
        ("nasional", "dashboard", "/", True),
        ("provinsi", "list", "/peserta/", False),
        (
            "provinsi",
            "list filtered",
            f"/peserta/?region={province}&kind=rentan&status=aktif&sumber_dana=dana_desa",
            False,
        ),
        ("provinsi", "list page 200", "/peserta/?page=200", False),
        ("nasional", "list", "/peserta/", False),
        (
            "nasional",
            "list filtered",
            "/peserta/?kind=perangkat&status=nonaktif",
            False,
        ),
        ("nasional", "list page 2000", "/peserta/?page=2000", False),
        ("provinsi", "search NIK", f"/peserta/?q={nik}", False),
        ("nasional", "search NIK", f"/peserta/?q={nik}", False),
        ("provinsi", "search name", f"/peserta/?q={name}", False),
        ("nasional", "search name", f"/peserta/?q={name}", False),
        ("provinsi", "rakor page", f"/laporan/rakor/?region={province}", True),
        ("nasional", "rakor page", "/laporan/rakor/", True),
        ("nasional", "rakor API", "/api/v1/reports/rakor", True),
    ]
    out = {"search_nik": nik[:6] + "…", "search_name": name}
    for who, label, url, warm in pages:
        key = f"{label} ({who})"
        out[key] = bench_page(clients[who], url, True, explain_ms, warm)
        out[key]["url"] = url
        print(f"  {key}: {out[key]['median_ms']} ms", flush=True)
    return out


def bench_trigram(name: str) -> dict:
    """PostgreSQL: name search with a trigram index on UPPER(name) (the proposed fix), created then dropped."""
    sql = "SELECT COUNT(*) FROM participants_peserta WHERE UPPER(name::text) LIKE UPPER(%s)"
    pattern = f"%{name}%"

    def run() -> int:
        with connection.cursor() as cur:
            cur.execute(sql, [pattern])
            return cur.fetchone()[0]

    before, hits = timed(run)
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        start = time.perf_counter()
        cur.execute(
            "CREATE INDEX bench_peserta_name_trgm ON participants_peserta "
            "USING gin (UPPER(name::text) gin_trgm_ops)"
        )
        build = time.perf_counter() - start
    try:
        after, hits_after = timed(run)
        assert hits == hits_after
    finally:
        with connection.cursor() as cur:
            cur.execute("DROP INDEX bench_peserta_name_trgm")
    return {
        "hits": hits,
        "seq_scan_ms": ms(before),
        "trigram_ms": ms(after),
        "index_build_s": round(build, 1),
        "speedup": round(before / after, 1) if after else None,
    }


# --- billing -------------------------------------------------------------------------------------------------------


def _delete_month(period: dt.date) -> None:
    # Raw deletes: the ORM collector would load every bill to check its protected relations.
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM contributions_tagihanline WHERE period = %s", [period])
        cur.execute("DELETE FROM contributions_tagihan WHERE period = %s", [period])
    # The run's audit row stays (audit rows are never deleted); a later run of the month is told by its lines.


def bench_billing_run(as_of: dt.date, sample: int) -> dict:
    period = rules.add_months(as_of.replace(day=1), 1)
    _delete_month(period)
    start = time.perf_counter()
    summary = services.run_billing(actor=None, period=period)
    took = time.perf_counter() - start
    start = time.perf_counter()
    _delete_month(period)
    cleanup = time.perf_counter() - start
    later = rules.add_months(period, 1)
    _delete_month(later)
    n, naive_s = bench_billing.naive(
        sample, later, Kepesertaan.objects.exclude(status="berhenti")
    )
    _delete_month(later)
    rate = summary["lines"] / took
    return {
        "period": f"{period:%Y-%m}",
        "lines": summary["lines"],
        "bills": summary["bills"],
        "s": round(took, 1),
        "rows_per_s": round(rate),
        "projected_1m_s": round(1_000_000 / rate, 1),
        "naive_sample": n,
        "naive_rows_per_s": round(n / naive_s),
        "speedup_vs_naive": round(rate / (n / naive_s), 1),
        "delete_s": round(cleanup, 1),
    }


def machine() -> dict:
    out = {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if PG:
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            out["postgresql"] = cur.fetchone()[0]
            for knob in ("shared_buffers", "work_mem", "effective_cache_size"):
                cur.execute(f"SHOW {knob}")
                out[knob] = cur.fetchone()[0]
            cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            out["database_size"] = cur.fetchone()[0]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--province", default="53")
    parser.add_argument("--today", help="as-of date (default today)")
    parser.add_argument("--sample", type=int, default=1000, help="naive billing rows")
    parser.add_argument("--skip-naive-national", action="store_true")
    parser.add_argument("--skip-billing", action="store_true")
    parser.add_argument("--explain-ms", type=float, default=100.0)
    parser.add_argument("--out", help="write the JSON here too")
    parser.add_argument(
        "--restart-cmd",
        help="shell command run before each cold rakor read (restart PostgreSQL, drop the OS page cache)",
    )
    args = parser.parse_args()
    global RESTART_CMD
    RESTART_CMD = args.restart_cmd
    as_of = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    out: dict = {"db": connection.vendor, "as_of": as_of.isoformat()}
    out["memberships"] = Kepesertaan.objects.count()
    out["peserta"] = Peserta.objects.count()
    out["lines"] = TagihanLine.objects.count()
    out["machine_before"] = machine()
    print(f"{out['db']}: {out['memberships']:,} memberships", flush=True)
    reset_queries()
    national = (
        not args.province
        or Kepesertaan.objects.exclude(
            desa__code__startswith=args.province + "."
        ).exists()
    )
    if national:
        out["rakor_national"] = bench_rakor_report(
            None, as_of, naive=not args.skip_naive_national
        )
        print(f"  rakor national: {out['rakor_national']}", flush=True)
    out["rakor_province"] = bench_rakor_report(args.province, as_of, naive=True)
    print(f"  rakor province: {out['rakor_province']}", flush=True)
    if hasattr(reports.summary, "state"):
        # The daily job's build of today's summary (the dashboards' date), which requests no longer do.
        start = time.perf_counter()
        reports.summary.refresh(dt.date.today())
        out["daily_summary_build_s"] = round(time.perf_counter() - start, 3)
    out["pages"] = bench_pages(args.province, args.explain_ms)
    if PG:
        out["name_search_trigram"] = bench_trigram(out["pages"]["search_name"])
        print(f"  trigram: {out['name_search_trigram']}", flush=True)
    if not args.skip_billing:
        out["billing"] = bench_billing_run(as_of, args.sample)
        print(f"  billing: {out['billing']}", flush=True)
    out["machine_after"] = machine()
    text = json.dumps(out, indent=2, default=str)
    if args.out:
        Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
