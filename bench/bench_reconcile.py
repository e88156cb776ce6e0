"""Benchmark the reconciliation with BPJS's list (issue 23) against a naive per-row ORM baseline.

Generates a registry of N memberships in NTT's villages (people with valid NIKs, bills for three months, most fully
paid; COPY on PostgreSQL, executemany on SQLite) and a BPJS list of N rows as CSV (98.5% of the memberships, with
KPJ numbers missing here, status, paid-until, name differences; 1% people only at BPJS; 0.5% NIKs damaged by
Excel). Then times ``services.reconcile`` (read, check, compare, write the per-row results) and ``services.summary``
(the docs/interfaces.md JSON), and a naive loop (per row: person, membership, ``coverage.paid_through``, one INSERT;
per membership a lookup for the missing ones) on a sample, extrapolated to N.

Use a scratch database (its participant, bill and reconciliation tables are emptied):
    LINDUNG_DATA_DIR=/tmp/rb python bench/bench_reconcile.py --n 100000
    DATABASE_URL=postgresql://lindung@127.0.0.1:55432/rekon_bench python bench/bench_reconcile.py --n 1000000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
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

from lindung.common.bulk import analyze, bulk_insert  # noqa: E402
from lindung.contributions.coverage import paid_through  # noqa: E402
from lindung.contributions.models import Payer, Tagihan, TagihanLine  # noqa: E402
from lindung.participants.models import Kepesertaan, Peserta  # noqa: E402
from lindung.participants.rules import normalize_text, split_titles  # noqa: E402
from lindung.reconciliation import services  # noqa: E402
from lindung.reconciliation.models import (  # noqa: E402
    PendingRegistration,
    ReconciliationRow,
    ReconciliationRun,
)
from lindung.regions.models import Region  # noqa: E402

MONTHS = [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
FIRST = ["YOHANES", "MARIA", "PETRUS", "SERLI", "ANTONIUS", "YULIANA", "MARKUS"]
LAST = ["BRIA", "TEFA", "NENOBAIS", "KOLO", "SERAN", "MAU", "LAKE", "BANI"]


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


def _nik(i: int, kecs: list[str]) -> str:
    kec = kecs[i % len(kecs)]
    j = i // len(kecs)
    day, month, yy = j % 28 + 1, (j // 28) % 12 + 1, 60 + (j // 336) % 40
    return "{}{:02d}{:02d}{:02d}{:04d}".format(
        kec.replace(".", ""), day, month, yy, j // 13440 + 1
    )


def _birth(nik: str) -> dt.date:
    return dt.date(1900 + int(nik[10:12]), int(nik[8:10]), int(nik[6:8]))


def _name(i: int) -> str:
    return "{} {}".format(FIRST[i % 7], LAST[(i // 7) % 8])


def _reset() -> None:
    with transaction.atomic():
        for model in (
            ReconciliationRow,
            PendingRegistration,
            ReconciliationRun,
            TagihanLine,
            Tagihan,
            Payer,
        ):
            model.objects.all()._raw_delete(model.objects.db)
        from lindung.participants.models import StatusHistory

        StatusHistory.objects.all()._raw_delete(StatusHistory.objects.db)
        Kepesertaan.objects.all()._raw_delete(Kepesertaan.objects.db)
        Peserta.objects.all()._raw_delete(Peserta.objects.db)


def generate(n: int, desa: list[str], seed: int) -> tuple[float, dict]:
    """The registry: n people and memberships, 3 months of bill lines; returns (seconds, plan per membership)."""
    rng = random.Random(seed)
    kecs = sorted({d[:8] for d in desa})
    by_kec: dict[str, list[str]] = {}
    for d in desa:
        by_kec.setdefault(d[:8], []).append(d)
    start = time.perf_counter()
    _reset()
    now = timezone.now()
    people, members, plan = [], [], {}
    for i in range(n):
        nik = _nik(i, kecs)
        kec = kecs[i % len(kecs)]
        d = by_kec[kec][(i // len(kecs)) % len(by_kec[kec])]
        people.append((i + 1, nik, _name(i), "", "", _birth(nik), "L", "", now, now, 1))
        has_kpj = rng.random() > 0.02
        status = "aktif" if rng.random() > 0.05 else "nonaktif"
        members.append(
            (
                i + 1,
                i + 1,
                "rentan",
                d,
                "",
                "petani",
                1_000_000,
                "dana_desa",
                False,
                False,
                "sangat_rendah",
                "{:011d}".format(10_000_000_000 + i) if has_kpj else "",
                dt.date(2025, 1, 2),
                status,
                "",
                now,
                now,
                1,
            )
        )
        plan[i] = rng.random()
    with transaction.atomic():
        bulk_insert(
            Peserta,
            (
                "id",
                "nik",
                "name",
                "title_prefix",
                "title_suffix",
                "birth_date",
                "sex",
                "phone",
                "created_at",
                "updated_at",
                "version",
            ),
            people,
        )
        bulk_insert(
            Kepesertaan,
            (
                "id",
                "peserta_id",
                "kind",
                "desa_id",
                "jabatan",
                "pekerjaan",
                "wage",
                "sumber_dana",
                "jht",
                "jp",
                "risk_group",
                "kpj",
                "registered_on",
                "status",
                "stop_reason",
                "created_at",
                "updated_at",
                "version",
            ),
            members,
        )
        kabs = sorted({d[:5] for d in desa})
        payers = [
            Payer(code="desa-" + k, kind="desa", name="Bench " + k, region_id=k)
            for k in kabs
        ]
        Payer.objects.bulk_create(payers)
        payer_of = {p.region_id: p.pk for p in Payer.objects.all()}
        bills = {}
        for k in kabs:
            for m in MONTHS:
                bills[(k, m)] = Tagihan.objects.create(
                    number="B-{}-{}".format(k, m),
                    payer_id=payer_of[k],
                    period=m,
                    segment="bpu",
                    due_date=m + dt.timedelta(days=14),
                ).pk
        lines = []
        for i, row in enumerate(members):
            unpaid_from = 3 if plan[i] < 0.9 else 2 if plan[i] < 0.95 else 1
            for x, m in enumerate(MONTHS):
                paid = 16800 if x < unpaid_from else 0
                lines.append(
                    (bills[(row[3][:5], m)], row[0], m, "bpu", 0, 0, 0, 0, 0)
                    + (16800, paid, m, "{}")
                )
        bulk_insert(
            TagihanLine,
            (
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
                "paid_on",
                "rules",
            ),
            lines,
        )
    _sync_sequences()
    analyze(Peserta, Kepesertaan, TagihanLine)
    return time.perf_counter() - start, {"kecs": kecs, "plan": plan, "members": members}


def _sync_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in (Peserta, Kepesertaan):
            table = model._meta.db_table
            cur.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {}))".format(
                    table
                ),
                [table],
            )


def write_list(path: Path, n: int, data: dict, seed: int) -> dict:
    """BPJS's list of n rows: 98.5% of the memberships (with differences), 1% new people, 0.5% damaged NIKs."""
    rng = random.Random(seed + 1)
    kecs, plan, members = data["kecs"], data["plan"], data["members"]
    listed = int(n * 0.985)
    order = list(range(len(members)))
    rng.shuffle(order)
    rows = []
    for i in order[:listed]:
        m = members[i]
        nik = _nik(i, kecs)
        paid = 3 if plan[i] < 0.9 else 2 if plan[i] < 0.95 else 1
        last = MONTHS[paid - 1]
        r = rng.random()
        status = "AKTIF" if m[13] == "aktif" else "NON AKTIF"
        name = _name(i)
        if r < 0.02:
            status = "NON AKTIF" if status == "AKTIF" else "AKTIF"
        elif r < 0.04:
            last = MONTHS[0] if paid == 3 else MONTHS[2]
        elif r < 0.05:
            name = name + " X"
        kpj = m[11] or "{:011d}".format(20_000_000_000 + i)
        rows.append(
            [
                nik,
                kpj,
                name,
                _birth(nik).strftime("%d-%m-%Y"),
                status,
                "02-01-2025",
                "{:02d}/{}".format(last.month, last.year),
                "BPU",
                "NPP{}".format(m[3][:5]),
            ]
        )
    for j in range(n - listed - n // 200):
        nik = _nik(len(members) + j, kecs)
        rows.append(
            [
                nik,
                "{:011d}".format(30_000_000_000 + j),
                "ORANG BARU",
                _birth(nik).strftime("%d-%m-%Y"),
                "AKTIF",
                "02-01-2025",
                "10/2026",
                "BPU",
                "NPP",
            ]
        )
    for j in range(n // 200):
        rows.append(
            ["5.30104E+15", "", "RUSAK", "01-01-1990", "AKTIF", "", "", "BPU", ""]
        )
    rng.shuffle(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["DAFTAR PESERTA BPJS KETENAGAKERJAAN — BENCHMARK"])
        out.writerow(
            [
                "NIK",
                "No KPJ",
                "Nama Peserta",
                "Tgl Lahir",
                "Status Kepesertaan",
                "TMT Kepesertaan",
                "Bulan Iuran Terakhir",
                "Segmen",
                "NPP",
            ]
        )
        out.writerows(rows)
    return {"rows": len(rows), "bytes": path.stat().st_size}


def naive(path: Path, sample: int, n_members: int) -> tuple[int, float]:
    """Per row: find the person, their membership, paid_through(), compare, INSERT one result row; then per
    membership of the sample's share, one lookup to find the missing ones. Returns (rows, seconds)."""
    import itertools

    run = ReconciliationRun.objects.create(filename="naive", state="running")
    start = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader), next(reader)
        done = 0
        for cells in itertools.islice(reader, sample):
            done += 1
            nik = cells[0]
            person = Peserta.objects.filter(nik=nik).first()
            k = (
                Kepesertaan.objects.filter(peserta=person)
                .exclude(status="berhenti")
                .first()
                if person
                else None
            )
            classes = []
            if k is None:
                classes.append("hanya_di_bpjs")
            else:
                if cells[1] and not k.kpj:
                    classes.append("kpj_baru")
                if (k.status == "aktif") != (cells[4] == "AKTIF"):
                    classes.append("status_berbeda")
                pt = paid_through(k, dt.date(2026, 8, 1))
                mm, yy = cells[6].split("/")
                if pt is None or (pt.year, pt.month) != (int(yy), int(mm)):
                    classes.append("iuran_berbeda")
                if normalize_text(split_titles(cells[2])[0]) != normalize_text(
                    person.name
                ):
                    classes.append("data_berbeda")
            ReconciliationRow.objects.create(
                run=run,
                row=done,
                nik=nik[:16],
                classes=",".join(classes or ["cocok"]),
                kepesertaan=k,
            )
    share = max(1, n_members * sample // 1_000_000)
    niks = set()
    for k in Kepesertaan.objects.select_related("peserta")[:share]:
        if k.peserta.nik not in niks:
            ReconciliationRow.objects.filter(run=run, nik=k.peserta.nik).exists()
    seconds = time.perf_counter() - start
    run.delete()
    return done, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workdir", default="/tmp/bench_reconcile")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    desa = _setup()
    gen_s, data = generate(args.n, desa, args.seed)
    path = work / "bpjs_{}.csv".format(args.n)
    info = write_list(path, args.n, data, args.seed)
    del data
    t = time.perf_counter()
    run = services.reconcile(actor=None, path=path, today=dt.date(2026, 10, 20))
    reconcile_s = time.perf_counter() - t
    t = time.perf_counter()
    out = services.summary(run)
    summary_s = time.perf_counter() - t
    t = time.perf_counter()
    text = json.dumps(out, ensure_ascii=False)
    json_s = time.perf_counter() - t
    assert out["total"] == out["rejected"] + out["outside_scope"] + len(out["rows"])
    t = time.perf_counter()
    again = services.reconcile(actor=None, path=path, today=dt.date(2026, 10, 20))
    rerun_s = time.perf_counter() - t
    same = services.summary(again) == out
    sample, naive_s = naive(path, args.sample, args.n)
    naive_total = naive_s * args.n / sample
    total = reconcile_s + summary_s
    result = {
        "database": connection.vendor,
        "n": args.n,
        "file": info,
        "generate_s": round(gen_s, 1),
        "reconcile_s": round(reconcile_s, 1),
        "summary_s": round(summary_s, 1),
        "json_dump_s": round(json_s, 1),
        "json_mb": round(len(text) / 1e6, 1),
        "rerun_s": round(rerun_s, 1),
        "rerun_same_output": same,
        "rows_per_s": round(args.n / total),
        "classes": out["classes"],
        "rejected": out["rejected"],
        "naive_sample_rows": sample,
        "naive_sample_s": round(naive_s, 1),
        "naive_extrapolated_s": round(naive_total),
        "ratio_naive_over_lindung": round(naive_total / total, 1),
    }
    print(json.dumps(result, indent=2))
    if not args.keep:
        _reset()
    return 0


if __name__ == "__main__":
    sys.exit(main())
