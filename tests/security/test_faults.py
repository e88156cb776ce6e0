"""Fault tests: kill -9 of a billing run and of an import half-way, in real subprocesses on a scratch database.

After the kill the data equal a state before or after a committed batch, never a half-written one, and running the
job again completes it. On the PostgreSQL pass the scratch database is a fresh PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db  # only to know which database pass we are in


def _run(env, *args, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lindung", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _sql(env, query: str):
    code = (
        "import django, json; django.setup(); from django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    c.execute({query!r}); print(json.dumps(c.fetchall(), default=str))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.fixture
def scratch(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lindung.settings",
        "LINDUNG_DATA_DIR": str(tmp_path / "data"),
    }
    url = os.environ.get("DATABASE_URL")
    dbname = None
    if url:
        import psycopg

        dbname = "fault_" + uuid.uuid4().hex[:8]
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {dbname}")
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + dbname
    else:
        env.pop("DATABASE_URL", None)
    assert _run(env, "migrate").returncode == 0
    assert _run(env, "regions", "load", "--prefix", "53").returncode == 0
    yield env
    if dbname:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


def _kill_after(env, args, seconds: float) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lindung", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(seconds)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    return proc.wait()


def test_kill_9_during_billing_leaves_no_half_bill_and_rerun_completes(scratch):
    gen = (
        "import sys; sys.path.insert(0, 'bench'); import bench_billing as b\n"
        "from lindung.regions.models import Region\n"
        "desa = list(Region.objects.filter(level=4).values_list('code', flat=True))\n"
        "b.generate(60000, desa)"
    )
    subprocess.run(
        [sys.executable, "-c", gen],
        env=scratch,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    members = _sql(scratch, "SELECT COUNT(*) FROM participants_kepesertaan")[0][0]
    rc = _kill_after(scratch, ["billing", "run", "--period", "2026-11"], 2.5)
    lines, bills, sums = _sql(
        scratch,
        "SELECT (SELECT COUNT(*) FROM contributions_tagihanline), (SELECT COUNT(*) FROM contributions_tagihan), "
        "(SELECT COUNT(*) FROM contributions_tagihan t WHERE t.iuran_total <> (SELECT COALESCE(SUM(l.total), 0) "
        "FROM contributions_tagihanline l WHERE l.tagihan_id = t.id))",
    )[0]
    print(f"billing killed (rc={rc}): {bills} bills, {lines} lines of {members}")
    assert lines in (0, members), (
        "a killed billing run must not leave part of its lines"
    )
    assert sums == 0, "every bill's total equals its lines"
    again = _run(scratch, "billing", "run", "--period", "2026-11")
    assert again.returncode == 0, again.stderr
    assert (
        _sql(scratch, "SELECT COUNT(*) FROM contributions_tagihanline")[0][0] == members
    )
    # And once more: nothing new.
    _run(scratch, "billing", "run", "--period", "2026-11")
    assert (
        _sql(scratch, "SELECT COUNT(*) FROM contributions_tagihanline")[0][0] == members
    )


def test_kill_9_during_import_keeps_batches_whole_and_rerun_finishes(scratch, tmp_path):
    sheet = tmp_path / "perangkat.csv"
    subprocess.run(
        [
            sys.executable,
            "bench/gen_spreadsheet.py",
            "--rows",
            "40000",
            "--kind",
            "perangkat",
            "--out",
            str(sheet),
        ],
        env=scratch,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    rc = _kill_after(
        scratch, ["import", str(sheet), "--kind", "perangkat", "--json"], 6.0
    )
    members = _sql(scratch, "SELECT COUNT(*) FROM participants_kepesertaan")[0][0]
    people = _sql(scratch, "SELECT COUNT(*) FROM participants_peserta")[0][0]
    print(f"import killed (rc={rc}): {members} memberships committed")
    assert members == people, "no person without a membership (batches are whole)"
    again = _run(scratch, "import", str(sheet), "--kind", "perangkat", "--json")
    assert again.returncode in (0, 1), again.stderr
    summary = json.loads(again.stdout)
    assert (
        summary["total"]
        == summary["inserted"]
        + summary["updated"]
        + summary["unchanged"]
        + summary["rejected"]
    )
    final = _sql(scratch, "SELECT COUNT(*) FROM participants_kepesertaan")[0][0]
    assert final == members + summary["inserted"]
    assert summary["unchanged"] >= members - summary["updated"]
    # A third run changes nothing.
    third = json.loads(
        _run(scratch, "import", str(sheet), "--kind", "perangkat", "--json").stdout
    )
    assert third["inserted"] == 0 and third["updated"] == 0
