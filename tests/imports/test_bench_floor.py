"""bench_import's write floor (the least the database must do, which the speed goals are held against) stores
again exactly the rows the import wrote, in the import's chunks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from lindung.imports import services
from lindung.participants.models import Kepesertaan, Peserta, StatusHistory

from .helpers import perangkat_row, write_csv

# Outside a transaction, as the benchmark runs: PostgreSQL refuses TRUNCATE with foreign-key checks pending.
pytestmark = pytest.mark.django_db(transaction=True)


def _bench_import():
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_import.py"
    spec = importlib.util.spec_from_file_location("bench_import", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stored() -> dict:
    return {
        m.__name__: list(m.objects.order_by("id").values_list())
        for m in (Peserta, Kepesertaan, StatusHistory)
    }


def test_write_floor_stores_the_same_rows_again(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)  # several chunks
    path = write_csv(tmp_path / "p.csv", [perangkat_row(i) for i in range(1, 8)])
    services.run_import(actor=None, path=path, kind="perangkat")
    before = _stored()
    assert len(before["Kepesertaan"]) == 7

    floor = _bench_import()._write_floor()

    assert floor["rows"] == 7 and set(floor["parts"]) == {
        "Peserta",
        "Kepesertaan",
        "StatusHistory",
        "commit",
    }
    assert _stored() == before
