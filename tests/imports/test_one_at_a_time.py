"""Two imports of the same file at the same time: the second is told "sedang berjalan" (issue 19); a system error
never puts a full NIK into the batch message or the raised error (issue 19)."""

from __future__ import annotations

import hashlib

import pytest

from lindung.imports import services
from lindung.imports.models import ImportBatch
from lindung.participants.models import Kepesertaan

from .helpers import perangkat_row, write_csv

pytestmark = pytest.mark.django_db


def test_the_same_file_while_it_runs_is_told_it_is_running(tmp_path):
    path = write_csv(tmp_path / "a.csv", [perangkat_row(1), perangkat_row(2)])
    first = ImportBatch.objects.create(
        kind="perangkat",
        filename="a.csv",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        state=ImportBatch.State.RUNNING,
    )
    with pytest.raises(
        services.ImportFileError,
        match="sedang berjalan sebagai impor #{}".format(first.pk),
    ):
        services.run_import(actor=None, path=path, kind="perangkat")
    assert not Kepesertaan.objects.exists()
    assert (
        ImportBatch.objects.exclude(pk=first.pk).get().state == ImportBatch.State.FAILED
    )
    # Once the first has finished, the file imports.
    ImportBatch.objects.filter(pk=first.pk).update(state=ImportBatch.State.DONE)
    assert services.run_import(actor=None, path=path, kind="perangkat").inserted == 2


def test_a_system_error_names_no_full_nik(tmp_path, monkeypatch):
    nik = perangkat_row(1)[0]

    def boom(*args, **kwargs):
        raise RuntimeError(
            "duplicate key value violates unique constraint DETAIL: Key (nik)=({}) exists".format(
                nik
            )
        )

    monkeypatch.setattr(services, "_decide", boom)
    with pytest.raises(RuntimeError) as exc:
        services.run_import(
            actor=None,
            path=write_csv(tmp_path / "b.csv", [perangkat_row(1)]),
            kind="perangkat",
        )
    batch = ImportBatch.objects.get()
    assert nik not in batch.message and nik not in str(exc.value)
    assert nik[:6] + "•" in batch.message
