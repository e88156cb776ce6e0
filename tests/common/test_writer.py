"""The import's writer thread: jobs in order, each in its own transaction on a second connection; errors come back."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from lindung.common.writer import TransactionWriter, usable
from lindung.regions.models import Region

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the writer thread is for PostgreSQL"
)


def _add(code: str):
    return lambda: Region.objects.create(
        code=code, name="Uji " + code, level=4, type="desa", parent_id="53.01.04"
    )


def _codes(prefix: str) -> set[str]:
    return set(
        Region.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    )


@pytest.mark.django_db
def test_not_usable_inside_a_transaction_or_on_sqlite():
    # Inside the test's transaction a second connection could not see what it wrote.
    assert connection.in_atomic_block and usable() is False


@pytest.mark.django_db(transaction=True)
def test_usable_only_on_postgresql_outside_a_transaction():
    assert usable() is (connection.vendor == "postgresql")
    with transaction.atomic():
        assert usable() is False


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_jobs_are_committed_in_order_on_another_connection():
    connection.ensure_connection()
    main = connection.connection
    seen = []

    def job(code):
        def run():
            seen.append((code, connection.connection is not main))
            _add(code)()

        return run

    codes = ["53.01.04.90{:02d}".format(i) for i in range(5)]
    with TransactionWriter(depth=1) as writer:
        for code in codes:
            writer.submit(job(code))
    assert seen == [(code, True) for code in codes]
    assert Region.objects.filter(code__in=codes).count() == 5


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_failing_job_rolls_back_alone_and_its_error_reaches_the_caller():
    def bad():
        _add("53.01.04.9101")()
        raise RuntimeError("disk penuh")

    with pytest.raises(RuntimeError, match="disk penuh"):
        with TransactionWriter() as writer:
            writer.submit(_add("53.01.04.9100"))
            writer.submit(bad)
            try:
                for i in range(2, 50):  # refused once the writer has seen the error
                    writer.submit(_add("53.01.04.91{:02d}".format(i)))
            except RuntimeError:
                pass
    codes = _codes("53.01.04.91")
    # The first job committed, the failing one rolled back, none after it ran.
    assert codes == {"53.01.04.9100"}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_caller_drops_the_jobs_not_yet_started():
    import threading

    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(5)
        _add("53.01.04.9200")()

    with pytest.raises(KeyError):
        with TransactionWriter(depth=3) as writer:
            writer.submit(slow)
            started.wait(5)
            writer.submit(_add("53.01.04.9201"))
            writer.submit(_add("53.01.04.9202"))
            # Lets the running job end after the error below.
            threading.Timer(0.3, release.set).start()
            raise KeyError("operator membatalkan")
    codes = _codes("53.01.04.92")
    # The job already running finished; the two still queued never ran.
    assert codes == {"53.01.04.9200"}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_thread_ends_when_a_job_failed_and_the_block_ends_normally():
    import threading

    gate = threading.Event()

    def bad():
        gate.wait(5)
        raise RuntimeError("koneksi putus")

    with pytest.raises(RuntimeError, match="koneksi putus"):
        with TransactionWriter(depth=1) as writer:
            writer.submit(bad)
            writer.submit(_add("53.01.04.9300"))  # waits in the full queue
            gate.set()
    assert not writer._thread.is_alive()
    assert not Region.objects.filter(code="53.01.04.9300").exists()


def test_a_job_is_never_dropped_silently_once_the_thread_is_gone():
    with pytest.raises(RuntimeError, match="stopped"):
        with TransactionWriter() as writer:
            writer._jobs.put(None)  # the thread ends as if it had died
            writer._thread.join(5)
            writer.submit(lambda: None)
