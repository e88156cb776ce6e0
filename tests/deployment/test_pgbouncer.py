"""Lindung through a real PgBouncer in transaction mode (issue 24).

PgBouncer runs on a free loopback port with ``pool_mode = transaction`` and a pool of two server connections per
database, in front of the test cluster. The same work (migrate, load regions, an import whose chunks go through the
writer thread, the same import again, a billing run, a payment, the rakor report) runs as ``lindung`` subprocesses
twice: on a fresh database through PgBouncer with ``LINDUNG_PGBOUNCER=1``, and on another fresh database directly.
The outputs must be equal. A second test kills an import's lock holder behind PgBouncer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from lindung.imports import services
from tests.imports.helpers import perangkat_row, write_xlsx

from .conftest import (
    free_port,
    missing,
    postgresql_only,
    primary,
    run,
    scratch_folder,
)

ROOT = Path(__file__).resolve().parents[2]
POOL_SIZE = 2
pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]

# ``lindung`` commands run one after another in one process (each ``lindung …`` in a process of its own would start
# Django again), with chunks of two rows, so that even a small file is written by the writer thread (a second
# connection) while the next chunk is validated, as a large file is. Prints the commands' outputs as a JSON list.
CLI = (
    "import contextlib, io, json, sys, django\n"
    "django.setup()\n"
    "from lindung.imports import services\n"
    "services.BATCH_SIZE = 2\n"
    "from lindung.cli import main\n"
    "outputs = []\n"
    "for argv in json.loads(sys.argv[1]):\n"
    "    out = io.TextIOWrapper(io.BytesIO(), encoding='utf-8')\n"
    "    with contextlib.redirect_stdout(out):\n"
    "        code = main(argv)\n"
    "    if code:\n"
    "        sys.exit(code)\n"
    "    out.flush()\n"
    "    outputs.append(out.buffer.getvalue().decode())\n"
    "print(json.dumps(outputs))\n"
)


def _pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.path.exists(p)),
        None,
    )
    if not found:
        missing("pgbouncer (apt-get install pgbouncer)")
    return found


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup):
    binary = _pgbouncer_binary()
    folder = scratch_folder("lindung-pgbouncer-")
    p = primary()
    port = free_port()
    (folder / "userlist.txt").write_text('"{}" ""\n'.format(p.user))
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={p.host} port={p.port}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {folder}/userlist.txt\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {POOL_SIZE}\n"
        "max_client_conn = 100\n"
        f"admin_users = {p.user}\n"
        f"logfile = {folder}/pgbouncer.log\n"
        f"pidfile = {folder}/pgbouncer.pid\n"
    )
    if os.geteuid() == 0:
        for name in ("userlist.txt", "pgbouncer.ini"):
            shutil.chown(folder / name, "postgres")
    try:
        run([binary, "-d", folder / "pgbouncer.ini"])
        deadline = time.monotonic() + 10
        while True:
            try:
                _admin(port, "SHOW VERSION")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port
    finally:
        pid = folder / "pgbouncer.pid"
        if pid.exists():
            os.kill(int(pid.read_text()), signal.SIGTERM)
            for _ in range(50):
                if not pid.exists():
                    break
                time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)


def _admin(port: int, command: str) -> list[dict]:
    """A command on PgBouncer's admin console (simple query protocol only: a client-side cursor)."""
    with psycopg.connect(
        host="127.0.0.1",
        port=port,
        user=primary().user,
        dbname="pgbouncer",
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
    ) as conn:
        cur = conn.execute(command)
        names = [c.name for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.fixture
def databases():
    """Two fresh databases on the primary, dropped afterwards (PgBouncer's server connections with them)."""
    tag = uuid.uuid4().hex[:8]
    names = {"direct": f"pgb_direct_{tag}", "pooled": f"pgb_pooled_{tag}"}
    admin_url = primary().url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f"CREATE DATABASE {name}")
    yield names
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _lindung(env: dict, *commands: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", CLI, json.dumps(commands)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"lindung {commands}: {done.stderr[-3000:]}"
    return json.loads(done.stdout)


def _env(tmp_path: Path, name: str, url: str, pooled: bool) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "LINDUNG_PGBOUNCER", "DATABASE_REPLICA_URLS")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lindung.settings",
        DATABASE_URL=url,
        LINDUNG_DATA_DIR=str(tmp_path / name),
        LINDUNG_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    if pooled:
        env["LINDUNG_PGBOUNCER"] = "1"
    return env


def _work(env: dict, sheet: Path) -> dict:
    today = dt.date.today()
    _migrated, _regions, imported, again, billing = _lindung(
        env,
        ["migrate", "-v0"],
        ["regions", "load", "--prefix", "53"],
        ["import", str(sheet), "--kind", "perangkat", "--json"],
        ["import", str(sheet), "--kind", "perangkat", "--json"],
        ["billing", "run", "--period", today.strftime("%Y-%m"), "--json"],
    )
    billing = json.loads(billing)
    billing.pop("seconds")
    payment, rakor = _lindung(
        env,
        [
            "payments",
            "record",
            "--payer",
            "desa-53.01.04.2003",
            "--amount",
            str(billing["amount"]),
            "--date",
            today.isoformat(),
            "--reference",
            "BANK-PGB-1",
            "--json",
        ],
        ["report", "rakor", "--region", "53", "--as-of", today.isoformat()],
    )
    return {
        "import": json.loads(imported),
        "again": json.loads(again),
        "billing": billing,
        "payment": json.loads(payment),
        "rakor": json.loads(rakor),
    }


def test_import_billing_payment_and_rakor_through_pgbouncer_equal_the_direct_run(
    pgbouncer, databases, tmp_path
):
    rows = [perangkat_row(i) for i in range(1, 8)] + [perangkat_row(8, nik="123")]
    sheet = write_xlsx(tmp_path / "peserta.xlsx", rows)
    p = primary()
    envs = {
        "pooled": _env(
            tmp_path, "pooled", p.url(databases["pooled"], port=pgbouncer), True
        ),
        "direct": _env(tmp_path, "direct", p.url(databases["direct"]), False),
    }
    with ThreadPoolExecutor(2) as pool:  # the two runs side by side: half the wait
        runs = {name: pool.submit(_work, env, sheet) for name, env in envs.items()}
        pooled, direct = runs["pooled"].result(), runs["direct"].result()
    assert pooled == direct
    assert (pooled["import"]["inserted"], pooled["import"]["rejected"]) == (7, 1)
    assert (pooled["again"]["unchanged"], pooled["again"]["inserted"]) == (7, 0)
    assert pooled["billing"]["lines"] == 7 and pooled["payment"]["unallocated"] == 0
    assert pooled["rakor"]["total"]["perangkat_terlindungi"] == 7
    # It went through PgBouncer, in transaction mode, on at most POOL_SIZE server connections.
    stats = {r["database"]: r for r in _admin(pgbouncer, "SHOW STATS")}
    assert stats[databases["pooled"]]["total_xact_count"] > 50
    pools = {r["database"]: r for r in _admin(pgbouncer, "SHOW POOLS")}
    assert pools[databases["pooled"]]["pool_mode"] == "transaction"
    servers = [
        r
        for r in _admin(pgbouncer, "SHOW SERVERS")
        if r["database"] == databases["pooled"]
    ]
    assert len(servers) <= POOL_SIZE
    # No lock outlived the imports on any server session.
    with psycopg.connect(p.url("postgres"), autocommit=True) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        ).fetchone()[0]
    assert left == 0


HOLD = (
    "import sys, time, django\n"
    "django.setup()\n"
    "from lindung.imports.services import one_import_of\n"
    "with one_import_of(sys.argv[1]) as alone:\n"
    "    print('held' if alone else 'busy', flush=True)\n"
    "    time.sleep(120)\n"
)


def test_the_import_lock_behind_pgbouncer_excludes_and_dies_with_its_holder(
    pgbouncer, settings, tmp_path
):
    """A process holding a file's import lock through PgBouncer shuts out this one (talking to PostgreSQL
    directly, as another app server might); killed with SIGKILL, its lock goes with it."""
    settings.LINDUNG_PGBOUNCER = True
    sha = hashlib.sha256(b"the same file").hexdigest()
    p = primary()
    env = _env(tmp_path, "holder", p.url(port=pgbouncer), True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, sha],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with services.one_import_of(sha) as alone:
            assert not alone
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 10
        while True:
            with services.one_import_of(sha) as alone:
                if alone:
                    break
            assert time.monotonic() < deadline, "the killed holder's lock stayed"
            time.sleep(0.1)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
