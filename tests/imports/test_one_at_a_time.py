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


@pytest.mark.django_db(transaction=True)
def test_the_same_file_while_it_runs_is_told_it_is_running(tmp_path):
    """Another process (here a thread with its own database connection) holds the file's import lock."""
    import threading

    from django.db import connections

    path = write_csv(tmp_path / "a.csv", [perangkat_row(1), perangkat_row(2)])
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with services.one_import_of(sha) as alone:
                assert alone
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(30)
    try:
        with pytest.raises(services.ImportFileError, match="sedang berjalan"):
            services.run_import(actor=None, path=path, kind="perangkat")
        assert not Kepesertaan.objects.exists()
    finally:
        release.set()
        thread.join(30)
    # Once the other import has finished (or died: the lock goes with it), the file imports.
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
