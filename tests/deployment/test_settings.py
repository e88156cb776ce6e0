"""The database settings of issue 24 and the router without replicas (both database passes)."""

from __future__ import annotations

import pytest
from django.db import router
from django.test import Client
from django.urls import reverse

from lindung import settings as lindung_settings
from lindung.common import dbrouting
from lindung.participants.models import Kepesertaan


def test_replica_urls_become_replica_aliases_of_a_postgresql_primary(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://lindung@10.0.0.1:5432/lindung")
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS",
        "postgresql://lindung@10.0.0.2:5432/lindung, postgresql://lindung@10.0.0.3/lindung",
    )
    monkeypatch.delenv("LINDUNG_PGBOUNCER", raising=False)
    databases = lindung_settings._databases()
    assert list(databases) == ["default", "replica1", "replica2"]
    assert databases["replica2"]["HOST"] == "10.0.0.3"
    assert databases["replica1"]["OPTIONS"]["connect_timeout"] == 2
    assert databases["replica1"]["TEST"] == {"MIRROR": "default"}
    assert not databases["default"]["DISABLE_SERVER_SIDE_CURSORS"]


def test_pgbouncer_turns_off_server_side_cursors_everywhere(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://lindung@10.0.0.1:6432/lindung")
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS", "postgresql://lindung@10.0.0.2:6432/lindung"
    )
    monkeypatch.setenv("LINDUNG_PGBOUNCER", "1")
    databases = lindung_settings._databases()
    assert all(d["DISABLE_SERVER_SIDE_CURSORS"] for d in databases.values())


def test_no_replicas_without_postgresql(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS", "postgresql://lindung@10.0.0.2:5432/lindung"
    )
    assert list(lindung_settings._databases()) == ["default"]


@pytest.mark.django_db
def test_without_replicas_the_router_and_middleware_change_nothing(
    settings, operator_desa
):
    settings.LINDUNG_REPLICAS = []
    r = dbrouting.ReplicaRouter()
    assert r.db_for_read(Kepesertaan) is None and r.db_for_write(Kepesertaan) is None
    assert r.allow_migrate("default", "participants") is None
    assert router.db_for_read(Kepesertaan) == "default"
    client = Client()
    client.force_login(operator_desa)
    response = client.post(reverse("participants:add"), {})
    assert dbrouting.PIN_COOKIE not in response.cookies
    assert client.get(reverse("participants:list")).status_code == 200


def test_with_replicas_only_marked_requests_may_read_a_replica(settings):
    """Outside a replica-eligible request (the worker, a command, any other view) reads and writes use default, and
    migrations only run there; no replica is even asked about its health."""
    settings.LINDUNG_REPLICAS = ["replica1"]
    r = dbrouting.ReplicaRouter()
    assert r.db_for_read(Kepesertaan) == "default"
    assert r.db_for_write(Kepesertaan) == "default"
    assert r.allow_migrate("default", "participants") is True
    assert r.allow_migrate("replica1", "participants") is False
    assert r.allow_relation(object(), object()) is True
