"""Reads of lists and reports from a real streaming replica of the test cluster (issue 24).

The module starts one hot standby with ``pg_basebackup -R -X stream`` on a free loopback port and adds it to Django
as ``replica1`` (on the test database's name: the replica streams every database of the cluster). The tests are
transactional: the replica only ever sees committed rows.
"""

from __future__ import annotations

import copy
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.common import dbrouting
from tests.conftest import DESA_X, make_user
from tests.participants.factories import make_kepesertaan, nik_for, perangkat_data

from .conftest import free_port, pg_bin, postgresql_only, primary, run, scratch_folder

ALIAS = "replica1"
# The replica alias is a test mirror of default: never flushed or created by the test case, but queries are allowed.
pytestmark = [
    postgresql_only,
    pytest.mark.django_db(transaction=True, databases=["default", ALIAS]),
]


@dataclass
class Replica:
    bin: Path
    data: Path
    sock: Path
    port: int

    def start(self) -> None:
        run(
            [
                self.bin / "pg_ctl",
                "-D",
                self.data,
                "-l",
                self.data / "log",
                "-w",
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sock} -c fsync=off",
                "start",
            ]
        )

    def stop(self) -> None:
        run([self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"])


@pytest.fixture(scope="module")
def replica_server(django_db_setup):
    """A hot standby of the test cluster, and ``replica1`` as settings make it from DATABASE_REPLICA_URLS."""
    bin_dir = pg_bin()
    folder = scratch_folder("lindung-replica-")
    p = primary()
    server = Replica(bin_dir, folder / "data", folder / "sock", free_port())
    started = False
    try:
        run(["mkdir", "-m", "700", server.sock])
        run(
            [
                bin_dir / "pg_basebackup",
                "-D",
                server.data,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "-h",
                p.host,
                "-p",
                p.port,
                "-U",
                p.user,
            ]
        )
        started = True
        server.start()
        conf = copy.deepcopy(connections["default"].settings_dict)
        conf.update(HOST="127.0.0.1", PORT=server.port)
        conf["OPTIONS"] = {**conf.get("OPTIONS", {}), "connect_timeout": 2}
        conf["TEST"] = {**conf.get("TEST", {}), "MIRROR": "default"}
        connections.settings[ALIAS] = conf
        yield server
    finally:
        if ALIAS in connections.settings:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]
        if started:
            try:
                server.stop()
            except AssertionError:  # already stopped by a test that failed half-way
                pass
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def replica(replica_server, transactional_db, settings):
    """The router on, with ``replica1`` as its one replica, for this test."""
    settings.LINDUNG_REPLICAS = [ALIAS]
    dbrouting.reset_health()
    yield replica_server
    dbrouting.reset_health()


def _one(alias: str, sql: str):
    with connections[alias].cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


def wait_replayed(timeout: float = 15) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    target = _one("default", "SELECT pg_current_wal_insert_lsn()::text")
    deadline = time.monotonic() + timeout
    while True:
        with connections[ALIAS].cursor() as cur:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cur.fetchone()[0]:
                return
        if time.monotonic() > deadline:
            raise AssertionError("the replica did not catch up")
        time.sleep(0.05)


class Queries:
    """The SQL each database ran inside the block."""

    def __enter__(self):
        self._contexts = {
            alias: CaptureQueriesContext(connections[alias])
            for alias in ("default", ALIAS)
        }
        for c in self._contexts.values():
            c.__enter__()
        return self

    def __exit__(self, *exc):
        for c in self._contexts.values():
            c.__exit__(*exc)

    def read(self, alias: str, table: str) -> bool:
        return any(table in q["sql"] for q in self._contexts[alias].captured_queries)


MEMBERS = "participants_kepesertaan"


def _list(client) -> str:
    response = client.get(reverse("participants:list"))
    assert response.status_code == 200
    return response.content.decode()


def test_lists_exports_and_reports_are_read_from_the_replica(replica):
    assert _one(ALIAS, "SELECT pg_is_in_recovery()") is True
    make_kepesertaan(name="Yohanes Replika")
    user = make_user("provinsi", ["53"])
    wait_replayed()
    client = Client()
    client.force_login(user)
    with Queries() as q:
        assert "Yohanes Replika" in _list(client)
    assert q.read(ALIAS, MEMBERS) and not q.read("default", MEMBERS)
    # The user and the session are read from the primary (a revoked role counts at once).
    assert q.read("default", "auth_user") and not q.read(ALIAS, "auth_user")
    # A CSV export streams its rows after the view returned: from the replica too.
    with Queries() as q:
        response = client.get(reverse("participants:download"))
        body = b"".join(response.streaming_content).decode()
    assert "Yohanes Replika" in body
    assert q.read(ALIAS, MEMBERS) and not q.read("default", MEMBERS)
    # The rakor page: the cache check reads the replica; its summary refresh writes, so what follows it in the
    # request is read from the primary (the fresh summary rows are not on the replica yet).
    with Queries() as q:
        response = client.get(reverse("reports:rakor"), {"region": "53"})
    assert response.status_code == 200
    assert q.read(ALIAS, "accounts_auditevent")
    assert q.read("default", "reports_kabupatensummary")
    assert not q.read(ALIAS, "reports_desasummary")
    assert not q.read(ALIAS, "reports_kabupatensummary")
    # A page outside the list (the participant's own page) reads the primary.
    k = make_kepesertaan(serial=2, name="Detail Primer")
    with Queries() as q:
        response = client.get(reverse("participants:detail", args=[k.pk]))
    assert response.status_code == 200 and "Detail Primer" in response.content.decode()
    assert not q.read(ALIAS, MEMBERS)


def test_the_author_of_a_write_reads_it_back_from_the_primary(replica, settings):
    settings.LINDUNG_REPLICA_PIN_SECONDS = 2
    user = make_user("desa", [DESA_X])
    author, other = Client(), Client()
    author.force_login(user)
    other.force_login(user)  # the same user in another browser: not pinned
    wait_replayed()
    _one(ALIAS, "SELECT pg_wal_replay_pause()::text")
    try:
        data = perangkat_data(
            serial=41,
            nik=nik_for(41),
            name="Maria Baru",
            jabatan="kaur_keuangan",
            sumber_dana="add",
            risk_group="sangat_rendah",
        )
        response = author.post(reverse("participants:add"), data)
        assert response.status_code == 302
        assert dbrouting.PIN_COOKIE in response.cookies
        with Queries() as q:
            assert "Maria Baru" in _list(author)
        assert q.read("default", MEMBERS) and not q.read(ALIAS, MEMBERS)
        # The replica has not replayed the write: a browser without the pin reads it there, without the row.
        with Queries() as q:
            assert "Maria Baru" not in _list(other)
        assert q.read(ALIAS, MEMBERS)
        # The pin lasts LINDUNG_REPLICA_PIN_SECONDS; then the author reads the replica again.
        time.sleep(2.2)
        with Queries() as q:
            assert "Maria Baru" not in _list(author)
        assert q.read(ALIAS, MEMBERS)
    finally:
        _one(ALIAS, "SELECT pg_wal_replay_resume()::text")
    wait_replayed()
    assert "Maria Baru" in _list(other)


def test_a_replica_lagging_more_than_the_setting_is_not_read(replica, settings):
    settings.LINDUNG_REPLICA_MAX_LAG_SECONDS = 1
    settings.LINDUNG_REPLICA_CHECK_SECONDS = 0
    client = Client()
    client.force_login(make_user("provinsi", ["53"]))
    wait_replayed()
    _one(ALIAS, "SELECT pg_wal_replay_pause()::text")
    try:
        time.sleep(1.3)
        make_kepesertaan(name="Setelah Jeda")  # committed on the primary, not replayed
        with Queries() as q:
            assert "Setelah Jeda" in _list(client)
        assert q.read("default", MEMBERS) and not q.read(ALIAS, MEMBERS)
        # The same replica within a wider limit is read again, stale.
        settings.LINDUNG_REPLICA_MAX_LAG_SECONDS = 60
        with Queries() as q:
            assert "Setelah Jeda" not in _list(client)
        assert q.read(ALIAS, MEMBERS)
    finally:
        _one(ALIAS, "SELECT pg_wal_replay_resume()::text")


def test_a_replica_that_stops_mid_run_fails_no_request(replica, settings, caplog):
    # The health check said yes and is trusted for a minute: the next page finds the replica gone mid-request.
    settings.LINDUNG_REPLICA_CHECK_SECONDS = 60
    make_kepesertaan(name="Tetap Tampil")
    client = Client()
    client.force_login(make_user("provinsi", ["53"]))
    wait_replayed()
    with Queries() as q:
        assert "Tetap Tampil" in _list(client)
    assert q.read(ALIAS, MEMBERS)
    replica.stop()
    try:
        with CaptureQueriesContext(connections["default"]) as on_primary:
            assert "Tetap Tampil" in _list(
                client
            )  # failed on the replica, run again on the primary
        assert any(MEMBERS in q["sql"] for q in on_primary.captured_queries)
        assert "again on the primary" in caplog.text
        assert dbrouting.healthy(ALIAS) is False
        assert client.get(reverse("reports:rakor"), {"region": "53"}).status_code == 200
        # A fresh health check (every request) finds it down before the view runs.
        settings.LINDUNG_REPLICA_CHECK_SECONDS = 0
        caplog.clear()
        assert "Tetap Tampil" in _list(client)
        assert (
            "unavailable" in caplog.text and "again on the primary" not in caplog.text
        )
    finally:
        replica.start()
