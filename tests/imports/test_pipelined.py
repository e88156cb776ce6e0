"""A file of several chunks outside a transaction: on PostgreSQL the writer thread writes while the next chunk is
validated; the outcome (rows, ids, history, audit, counters, crash semantics) is the same as writing in line."""

from __future__ import annotations

import pytest
from django.db import connection

from lindung.accounts.models import AuditEvent
from lindung.common import writer as writer_module
from lindung.imports import services
from lindung.imports.models import ImportBatch
from lindung.participants.models import Kepesertaan, StatusHistory

from .helpers import crash_in_second_chunk, perangkat_row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(monkeypatch):
    """Counts the jobs handed to a writer thread."""
    jobs = []
    real = writer_module.TransactionWriter.submit

    def spy(self, job):
        jobs.append(job)
        return real(self, job)

    monkeypatch.setattr(writer_module.TransactionWriter, "submit", spy)
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    return jobs


def _counts(batch):
    return batch.inserted, batch.updated, batch.unchanged, batch.rejected


def test_several_chunks_are_written_by_the_writer_on_postgresql(tmp_path, submitted):
    rows = [perangkat_row(i) for i in range(1, 6)] + [perangkat_row(3)]
    path = write_csv(tmp_path / "p.csv", rows)
    batch = services.run_import(actor=None, path=path, kind="perangkat")
    # 6 rows in chunks of 2: three jobs on PostgreSQL, none on SQLite (written in line).
    assert len(submitted) == (3 if connection.vendor == "postgresql" else 0)
    batch.refresh_from_db()
    assert _counts(batch) == (5, 0, 0, 1) and batch.processed == 6
    assert batch.state == "done" and batch.errors[0]["row"] == 7
    members = Kepesertaan.objects.select_related("peserta").order_by("id")
    assert [m.peserta.name for m in members] == [
        "Orang {}".format(i) for i in range(1, 6)
    ]
    assert sorted(StatusHistory.objects.values_list("kepesertaan_id", flat=True)) == [
        m.id for m in members
    ]
    assert (
        sum(
            e.changes["kepesertaan_baru"]
            for e in AuditEvent.objects.filter(model="imports.ImportBatch")
        )
        == 5
    )
    again = services.run_import(actor=None, path=path, kind="perangkat")
    assert _counts(again) == (0, 0, 5, 1)


def test_a_write_failing_in_the_writer_fails_the_batch_and_keeps_earlier_chunks(
    tmp_path, submitted, monkeypatch
):
    path = write_csv(tmp_path / "p.csv", [perangkat_row(i) for i in range(1, 6)])
    real = services._chunk_job
    monkeypatch.setattr(services, "_chunk_job", crash_in_second_chunk(real))
    with pytest.raises(RuntimeError, match="listrik padam"):
        services.run_import(actor=None, path=path, kind="perangkat")
    failed = ImportBatch.objects.get()
    assert failed.state == "failed" and failed.processed == failed.inserted == 2
    assert Kepesertaan.objects.count() == StatusHistory.objects.count() == 2
    monkeypatch.setattr(services, "_chunk_job", real)
    rerun = services.run_import(actor=None, path=path, kind="perangkat")
    assert _counts(rerun) == (3, 0, 2, 0) and Kepesertaan.objects.count() == 5


def test_a_corrected_file_updates_in_place_through_the_writer(tmp_path, submitted):
    from tests.participants.factories import nik_for

    rows = [perangkat_row(i) for i in range(1, 6)]
    services.run_import(
        actor=None, path=write_csv(tmp_path / "a.csv", rows), kind="perangkat"
    )
    rows[1] = perangkat_row(2, wage="2.500.000", name="Orang Dua")
    rows[4] = perangkat_row(5, wage="1.000.000")
    fixed = services.run_import(
        actor=None, path=write_csv(tmp_path / "b.csv", rows), kind="perangkat"
    )
    assert _counts(fixed) == (0, 2, 3, 0)
    if connection.vendor == "postgresql":
        assert (
            len(submitted) == 6
        )  # both files went through the writer, three chunks each
    two = Kepesertaan.objects.select_related("peserta").get(peserta__nik=nik_for(2))
    five = Kepesertaan.objects.get(peserta__nik=nik_for(5))
    assert (two.wage, two.version, two.peserta.name, two.peserta.version) == (
        2500000,
        2,
        "Orang Dua",
        2,
    )
    assert (five.wage, five.version, five.import_batch_id) == (1000000, 2, fixed.pk)
    changes = AuditEvent.objects.filter(action="update").values_list("model", "changes")
    assert sorted(model for model, _c in changes) == [
        "participants.Kepesertaan",
        "participants.Kepesertaan",
        "participants.Peserta",
    ]
    assert {"wage": [2022200, 2500000]} in [c for _m, c in changes]
