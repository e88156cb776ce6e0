"""Real servers beside the PostgreSQL pass's cluster: a streaming replica (pg_basebackup -R) and PgBouncer.

Debian's PostgreSQL and PgBouncer refuse to run as root: as root they run through ``runuser -u postgres`` in a
folder under /tmp given to postgres, as scripts/test.sh does. A missing binary fails the test when CI=true and
skips it (with the reason) otherwise.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real PostgreSQL server (the PostgreSQL pass: DATABASE_URL)",
)


def missing(what: str) -> None:
    message = f"{what} not installed"
    if os.environ.get("CI") == "true":
        pytest.fail(message + ": failing because CI=true")
    pytest.skip(message)


def pg_bin() -> Path:
    """The folder of pg_ctl, pg_basebackup (PATH first, then the newest /usr/lib/postgresql/<ver>/bin)."""
    found = shutil.which("pg_ctl")
    folders = [Path(found).resolve().parent] if found else []
    folders += sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in folders:
        if (folder / "pg_ctl").exists() and (folder / "pg_basebackup").exists():
            return folder
    missing("PostgreSQL (pg_ctl, pg_basebackup; apt-get install postgresql)")


def as_postgres(args: list) -> list[str]:
    args = [str(a) for a in args]
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def run(args: list, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(as_postgres(args), capture_output=True, text=True, **kw)
    if done.returncode:
        raise AssertionError(
            "{} failed ({}): {}".format(
                Path(str(args[0])).name, done.returncode, done.stderr[-2000:]
            )
        )
    return done


def scratch_folder(prefix: str) -> Path:
    """A folder the server user can use (pytest's tmp_path is under root's 0700 folder)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Primary:
    host: str
    port: int
    user: str
    name: str  # the test database pytest-django created

    def url(self, name: str | None = None, port: int | None = None) -> str:
        return "postgresql://{}@{}:{}/{}".format(
            self.user, self.host, port or self.port, name or self.name
        )


def primary() -> Primary:
    s = connection.settings_dict
    return Primary(
        host=s["HOST"] or "127.0.0.1",
        port=int(s["PORT"] or 5432),
        user=s["USER"] or "lindung",
        name=s["NAME"],
    )
