"""Write jobs on a second database connection in a thread, each job in its own transaction, in submission order.

A bulk load alternates Python work (validating and formatting a chunk) with database work (the server inserting it,
updating its indexes, checking foreign keys at COMMIT). With the ids allocated and the COPY text formatted up front
(``common.bulk.prepare_columns``), a job only sends and waits, so the database works on chunk N while the caller
prepares chunk N+1. The thread holds the GIL only briefly: building the COPY text in the thread instead made both
threads slower on two cores (measured, see bench/README.md).

Only for PostgreSQL and only outside a transaction: the second connection cannot see what the caller's open
transaction has written, and SQLite has one writer at a time anyway (``usable``).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from django.db import connections, transaction

logger = logging.getLogger(__name__)

Job = Callable[[], None]


def usable(using: str = "default") -> bool:
    """True when jobs can be handed to a second connection: PostgreSQL, and the caller holds no transaction."""
    connection = connections[using]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class TransactionWriter:
    """``submit(job)`` queues ``job`` (a callable that writes with Django's connection ``using``); a thread runs each
    in ``transaction.atomic``. ``depth`` jobs may wait, so memory holds at most depth + 1 prepared chunks.

    Use as a context manager: leaving the block normally waits for every job and raises the first job's error;
    leaving it with an exception drops the jobs not yet started (the one running finishes or rolls back on its own).
    A job that fails stops the writer: the next ``submit`` or the end of the block raises its error.
    """

    def __init__(self, using: str = "default", depth: int = 1) -> None:
        self.using = using
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="lindung-writer", daemon=True
        )
        # Jobs submitted, and seconds the submitting thread waited for the writer (near 0 when preparing the jobs is
        # the slower side); logged at the end.
        self.jobs = 0
        self.waited = 0.0

    def __enter__(self) -> TransactionWriter:
        self._thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None or self._error is not None:
            self._stop.set()
        self._put(None, raising=False)  # the thread drains what is left and ends
        self._thread.join()
        logger.debug(
            "writer done: %d jobs, the submitter waited %.1f s", self.jobs, self.waited
        )
        if exc_type is None:
            self._raise()

    def submit(self, job: Job) -> None:
        self._raise()
        self._put(job)
        self.jobs += 1

    def _put(self, item: Job | None, raising: bool = True) -> None:
        start = time.perf_counter()
        try:
            while self._thread.is_alive():
                try:
                    self._jobs.put(item, timeout=0.2)
                    return
                except queue.Full:
                    if raising:
                        self._raise()
        finally:
            self.waited += time.perf_counter() - start
        if raising:  # never drop a job silently: the thread is gone, say why
            self._raise()
            raise RuntimeError("the writer thread has stopped")

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                if self._stop.is_set() or self._error is not None:
                    continue
                try:
                    with transaction.atomic(using=self.using):
                        job()
                except BaseException as exc:  # handed to the submitting thread
                    self._error = exc
        finally:
            try:
                connections[self.using].close()
            except BaseException as exc:
                self._error = self._error or exc
