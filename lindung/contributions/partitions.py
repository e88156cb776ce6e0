"""Monthly partitions of the bill-line table on PostgreSQL (issue 24, docs/bills.md "Partitioned bill lines").

On PostgreSQL ``contributions_tagihanline`` is a declarative partitioned table, ``PARTITION BY RANGE (period)``: one
partition per month, named ``contributions_tagihanline_yYYYYmMM``, and a DEFAULT partition
(``contributions_tagihanline_default``) that catches a line whose month has no partition yet. Migration
``0007_partitioned_lines`` made it so; SQLite keeps one plain table and every function here is a no-op there (or,
for ``detach``/``attach``, a clear error).

- ``ensure_partitions`` creates the missing months (this month and the next ``months_ahead``) and moves any rows
  the DEFAULT partition holds into their month's new partition. ``run_billing`` calls ``ensure_partition`` for its
  month and the daily job calls ``ensure_partitions``, so a billing run never lands in DEFAULT.
- ``detach`` takes a month out of the table (its table stays, for ``pg_dump -t``); ``attach`` puts it back.

A partition is created as a plain table and then attached (``ATTACH PARTITION`` locks the parent in SHARE UPDATE
EXCLUSIVE mode, which lets reads and writes go on), never with ``CREATE TABLE … PARTITION OF``, which would lock the
whole table against readers.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import OperationalError, connections, router, transaction
from django.db.models import F
from django.utils import timezone

from lindung.accounts import audit
from lindung.common.bulk import analyze

from . import rules
from .models import Tagihan, TagihanLine

log = logging.getLogger(__name__)

TABLE = TagihanLine._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"
_NAME = re.compile(rf"^{TABLE}_y(\d{{4}})m(\d{{2}})$")
_RANGE = re.compile(
    r"FOR VALUES FROM \('(\d{4}-\d{2}-\d{2})'\) TO \('(\d{4}-\d{2}-\d{2})'\)"
)
# Advisory-lock key of partition changes (pg_advisory_xact_lock(namespace, key)); imports use 1701.
LOCK_NAMESPACE = 1702
LOCK_KEY = 1
# How long a partition change waits for a lock before giving up (a long report holding the DEFAULT partition).
LOCK_TIMEOUT = "10s"


class PartitionError(ValidationError):
    """A partition change that cannot be made; the message is Indonesian and safe to show."""


@dataclass(frozen=True, slots=True)
class Partition:
    name: str
    period: dt.date | None  # first day of the month; None for the DEFAULT partition
    until: dt.date | None  # end of the range (exclusive)
    attached: bool  # False: a detached month kept as a table of its own (an archive)
    rows: int  # PostgreSQL's estimate (reltuples), 0 before the first ANALYZE
    bytes: int  # table and indexes

    @property
    def is_default(self) -> bool:
        return self.attached and self.period is None


def partition_name(period: dt.date) -> str:
    """``contributions_tagihanline_y2026m01`` for any day of January 2026."""
    return f"{TABLE}_y{period.year:04d}m{period.month:02d}"


def _connection():
    return connections[router.db_for_write(TagihanLine)]


def _q(name: str) -> str:
    return _connection().ops.quote_name(name)


def is_partitioned() -> bool:
    """True on PostgreSQL once migration 0007 made the bill-line table partitioned."""
    connection = _connection()
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))",
            [TABLE],
        )
        return cursor.fetchone()[0]


def _fetch_partitions(cursor) -> list[Partition]:
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint, "
        "pg_total_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass(%s)",
        [TABLE],
    )
    out = []
    for name, bound, reltuples, size in cursor.fetchall():
        match = _RANGE.search(bound or "")
        period = dt.date.fromisoformat(match.group(1)) if match else None
        until = dt.date.fromisoformat(match.group(2)) if match else None
        out.append(Partition(name, period, until, True, max(reltuples, 0), size))
    # Detached months: tables named like a partition, in the table's schema, no longer attached.
    cursor.execute(
        "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) FROM pg_class c "
        "WHERE c.relkind = 'r' AND c.relnamespace = (SELECT relnamespace FROM pg_class "
        "WHERE oid = to_regclass(%s)) AND c.relname LIKE %s AND NOT c.relispartition",
        [TABLE, f"{TABLE}\\_y%"],
    )
    for name, reltuples, size in cursor.fetchall():
        match = _NAME.match(name)
        if match:
            period = dt.date(int(match.group(1)), int(match.group(2)), 1)
            out.append(
                Partition(
                    name,
                    period,
                    rules.add_months(period, 1),
                    False,
                    max(reltuples, 0),
                    size,
                )
            )
    return sorted(
        out, key=lambda p: (not p.attached, p.period is None, p.period or dt.date.min)
    )


def list_partitions() -> list[Partition]:
    """The attached partitions in month order, then DEFAULT, then the detached months. Empty on SQLite."""
    if not is_partitioned():
        return []
    with _connection().cursor() as cursor:
        return _fetch_partitions(cursor)


def _covering(partitions: list[Partition], period: dt.date) -> Partition | None:
    for p in partitions:
        if p.attached and p.period is not None and p.period <= period < p.until:
            return p
    return None


def _columns(cursor) -> str:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [TABLE],
    )
    return ", ".join(_q(row[0]) for row in cursor.fetchall())


@contextmanager
def _change(connection) -> Iterator:
    """A partition change's transaction and cursor; a lock not granted within ``LOCK_TIMEOUT`` says so."""
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # One partition change at a time (waiting as long as the other takes), then a bounded wait for locks.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, LOCK_KEY]
            )
            with _bounded_lock_wait(cursor):
                _fire_pending_checks(cursor)
                yield cursor
    except OperationalError as exc:
        if not _lock_not_granted(exc):
            raise
        raise PartitionError(
            "Tabel baris tagihan sedang dipakai (laporan atau proses lain yang panjang); partisi tidak diubah. "
            "Coba lagi nanti."
        ) from None


def _fire_pending_checks(cursor) -> None:
    """No pending deferred foreign-key checks in the change's transaction: PostgreSQL refuses ALTER TABLE on a
    table with pending trigger events; firing them now only checks earlier what the commit would check."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def _bounded_lock_wait(cursor) -> Iterator[None]:
    """Inside a transaction: statements of the block wait at most ``LOCK_TIMEOUT`` for a lock; the transaction's
    own setting is restored after it (``set_config(…, true)``: a rolled-back block restores it too)."""
    cursor.execute("SELECT current_setting('lock_timeout')")
    before = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
    yield
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])


def _lock_not_granted(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == "55P03"  # lock_not_available


def _default_rows(cursor, start: dt.date, end: dt.date) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM {} WHERE period >= %s AND period < %s)".format(
            _q(DEFAULT_PARTITION)
        ),
        [start, end],
    )
    return cursor.fetchone()[0]


def _move_from_default(cursor, target: str, start: dt.date, end: dt.date) -> int:
    """Move the DEFAULT partition's rows of [start, end) into the table ``target`` (not attached yet)."""
    columns = _columns(cursor)
    cursor.execute(
        "WITH moved AS (DELETE FROM {default} WHERE period >= %s AND period < %s RETURNING {cols}) "
        "INSERT INTO {target} ({cols}) SELECT {cols} FROM moved".format(
            default=_q(DEFAULT_PARTITION), target=_q(target), cols=columns
        ),
        [start, end],
    )
    return cursor.rowcount


def ensure_partition(period: dt.date) -> dict | None:
    """Make sure the month of ``period`` has its partition: create and attach it when missing, moving that month's
    rows out of DEFAULT first (PostgreSQL refuses to attach a range the DEFAULT partition holds rows of). Returns
    ``{"partition", "period", "moved"}`` when it created one, ``None`` when there was nothing to do (or SQLite)."""
    period = rules.month_start(period)
    if not is_partitioned():
        return None
    connection = _connection()
    with connection.cursor() as cursor:
        # The usual case: the partition exists (catalog reads, no lock).
        if _covering(_fetch_partitions(cursor), period):
            return None
    name, end = partition_name(period), rules.add_months(period, 1)
    with _change(connection) as cursor:
        # Again, under the lock: another process may have made it meanwhile.
        partitions = _fetch_partitions(cursor)
        if _covering(partitions, period):
            return None
        if any(p.name == name for p in partitions):
            raise PartitionError(
                f"Baris tagihan {period:%Y-%m} sudah dilepas (arsip, tabel {name}). Pasang kembali dengan "
                f"'lindung billing partitions --attach {period:%Y-%m}', atau hapus tabel arsipnya, sebelum "
                "menagih bulan ini."
            )
        if Tagihan.objects.filter(period=period).exists() and not _default_rows(
            cursor, period, end
        ):
            # Bills without their lines: the month was archived (detached, dumped and dropped). A new, empty
            # partition would let the next billing run bill the whole month a second time.
            raise PartitionError(
                f"Bulan {period:%Y-%m} sudah punya tagihan, tetapi baris tagihannya tidak ada (diarsipkan lalu "
                f"dihapus?). Pulihkan tabel {name} dari arsip dan pasang kembali dengan 'lindung billing "
                f"partitions --attach {period:%Y-%m}'."
            )
        cursor.execute(
            "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION)".format(
                _q(name), _q(TABLE)
            )
        )
        moved = _move_from_default(cursor, name, period, end)
        cursor.execute(
            "ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM (%s) TO (%s)".format(
                _q(TABLE), _q(name)
            ),
            [period, end],
        )
        if moved:
            cursor.execute("ANALYZE {}".format(_q(name)))
    return {"partition": name, "period": f"{period:%Y-%m}", "moved": moved}


def analyze_month(period: dt.date) -> None:
    """Fresh planner statistics for the bill lines of ``period``'s month after a bulk write (``common.bulk.analyze``).
    Partitioned: only that month's partition. ``ANALYZE`` of the partitioned table samples every partition as well
    as the whole, so its cost grows with every month kept (3.9 s against 0.5 s with two months of 1 M lines)."""
    connection = _connection()
    if connection.vendor != "postgresql":
        return
    if not is_partitioned():
        analyze(TagihanLine)
        return
    with connection.cursor() as cursor:
        partition = _covering(_fetch_partitions(cursor), rules.month_start(period))
        cursor.execute(
            "ANALYZE {}".format(_q(partition.name if partition else DEFAULT_PARTITION))
        )


def _default_months(cursor) -> list[dt.date]:
    cursor.execute(
        "SELECT DISTINCT date_trunc('month', period)::date FROM {}".format(
            _q(DEFAULT_PARTITION)
        )
    )
    return [row[0] for row in cursor.fetchall()]


def ensure_partitions(
    months_ahead: int = 3, through: dt.date | None = None
) -> list[dict]:
    """Create the missing partitions from this month to ``months_ahead`` months ahead (or to the month of
    ``through`` when that is later), and one for every month whose rows sit in DEFAULT, moving them there.
    Idempotent: a second call creates nothing. Returns what ``ensure_partition`` returned for each one created."""
    if months_ahead < 0:
        raise PartitionError("Jumlah bulan ke depan tidak boleh negatif.")
    if not is_partitioned():
        return []
    first = rules.month_start(timezone.localdate())
    last = rules.add_months(first, months_ahead)
    if through is not None:
        last = max(last, rules.month_start(through))
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = rules.add_months(month, 1)
    with _connection().cursor() as cursor:
        months += _default_months(cursor)
    created = [ensure_partition(m) for m in sorted(set(months))]
    return [c for c in created if c]


def _require_postgresql() -> None:
    if not is_partitioned():
        raise PartitionError(
            "Partisi baris tagihan hanya ada di PostgreSQL (setelah migrasi contributions 0007); di SQLite "
            "baris tagihan tetap satu tabel."
        )


def detach(period: dt.date, archive: bool = True) -> dict:
    """Take the month of ``period`` out of the bill-line table: ``ALTER TABLE … DETACH PARTITION``. Its table stays
    as ``contributions_tagihanline_yYYYYmMM`` (keeping its indexes and foreign keys) for ``pg_dump -t`` and for
    ``attach``. While detached, the month's lines are gone from bills, coverage, masa iur and reports.

    ``archive=True`` (the default, what the CLI does) allows only a month that is over and whose bills are all
    paid: a payment is allocated to the oldest open bill, and the lines of a detached month could not take it.
    ``archive=False`` skips those checks (a short maintenance detach; attach it again soon)."""
    _require_postgresql()
    period = rules.month_start(period)
    name = partition_name(period)
    if archive:
        if period >= rules.month_start(timezone.localdate()):
            raise PartitionError(
                f"Bulan {period:%Y-%m} belum lewat: hanya bulan yang sudah lewat yang boleh diarsipkan."
            )
        open_bills = Tagihan.objects.filter(period=period, paid__lt=F("total")).count()
        if open_bills:
            raise PartitionError(
                f"Bulan {period:%Y-%m} masih punya {open_bills} tagihan yang belum lunas: pembayaran berikutnya "
                "bisa dialokasikan ke tagihan itu, jadi barisnya tidak boleh dilepas."
            )
    connection = _connection()
    with _change(connection) as cursor:
        partition = next(
            (p for p in _fetch_partitions(cursor) if p.name == name and p.attached),
            None,
        )
        if partition is None or (partition.period, partition.until) != (
            period,
            rules.add_months(period, 1),
        ):
            raise PartitionError(
                f"Tidak ada partisi terpasang untuk bulan {period:%Y-%m} ({name})."
            )
        cursor.execute("ALTER TABLE {} DETACH PARTITION {}".format(_q(TABLE), _q(name)))
        cursor.execute(
            "COMMENT ON TABLE {} IS %s".format(_q(name)),
            [
                f"Baris tagihan {period:%Y-%m}, dilepas dari {TABLE} pada "
                f"{timezone.localdate():%Y-%m-%d}; pasang kembali: lindung billing partitions "
                f"--attach {period:%Y-%m}"
            ],
        )
        _audit("partition_detach", period, name)
    return {"partition": name, "period": f"{period:%Y-%m}", "rows": partition.rows}


def attach(period: dt.date) -> dict:
    """Put a detached month back (``ALTER TABLE … ATTACH PARTITION``); its indexes and foreign keys are reused.
    Rows of that month that meanwhile landed in DEFAULT are moved into it first (a duplicate line is refused by the
    table's own unique constraint). PostgreSQL scans the month once to check it holds only that month."""
    _require_postgresql()
    period = rules.month_start(period)
    name, end = partition_name(period), rules.add_months(period, 1)
    connection = _connection()
    with _change(connection) as cursor:
        partitions = _fetch_partitions(cursor)
        if not any(p.name == name and not p.attached for p in partitions):
            raise PartitionError(
                f"Tidak ada tabel arsip {name} yang dilepas untuk bulan {period:%Y-%m}."
            )
        if _covering(partitions, period):
            raise PartitionError(
                f"Bulan {period:%Y-%m} sudah punya partisi terpasang; tabel arsip {name} tidak dipasang."
            )
        moved = _move_from_default(cursor, name, period, end)
        cursor.execute(
            "ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM (%s) TO (%s)".format(
                _q(TABLE), _q(name)
            ),
            [period, end],
        )
        cursor.execute("COMMENT ON TABLE {} IS NULL".format(_q(name)))
        cursor.execute("ANALYZE {}".format(_q(name)))
        _audit("partition_attach", period, name, moved=moved)
    return {"partition": name, "period": f"{period:%Y-%m}", "moved": moved}


def _audit(action: str, period: dt.date, name: str, **extra) -> None:
    audit.record(
        actor=None,
        action=action,
        model="contributions.TagihanLine",
        object_id=f"{period:%Y-%m}",
        changes={"partition": name, **extra},
    )


# A month's first billing run with at least this many lines loads them into a table of its own and swaps it in for
# the month's empty partition (``load_month``); smaller runs and later runs of the month insert into the table.
LOAD_MIN_LINES = 50_000
_INDEX_DEF = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON \S+ (USING .+)$")


def load_month(period: dt.date, count: int, write) -> bool:
    """Write a month's first ``count`` bill lines with ``write(table)`` into a new table, then put that table in
    place of the month's empty partition; False (nothing done) when the month already has lines, ``count`` is
    below ``LOAD_MIN_LINES``, or on SQLite. Runs inside the billing run's transaction (its billing lock keeps
    other runs out: nothing else writes bill lines).

    Why: inserting a million lines into the attached partition maintains its four indexes row by row and queues
    two foreign-key checks per row for the commit (≈10 s of the run at 1 M lines, bench/README.md "Billing").
    Here the indexes are built once from the loaded rows, and each foreign key is checked by one join when it is
    added: the database enforces the same primary key, one-line-per-month constraint and foreign keys, checked
    set-based instead of row by row.

    The swap (``DETACH`` the empty partition, ``DROP`` it, ``ATTACH`` the new table, whose matching constraints
    and indexes PostgreSQL reuses) needs the parent's ACCESS EXCLUSIVE lock, held until the run commits: a second
    or two at the end, after all the heavy work. If the lock is not granted within ``LOCK_TIMEOUT`` (a long report
    reading bill lines), the rows are moved into the partition the ordinary way instead: slower, same result."""
    period = rules.month_start(period)
    if count < LOAD_MIN_LINES or not is_partitioned():
        return False
    connection = _connection()
    name, end = partition_name(period), rules.add_months(period, 1)
    with connection.cursor() as cursor:
        partition = _covering(_fetch_partitions(cursor), period)
        if partition is None or partition.name != name:
            return False
        cursor.execute("SELECT EXISTS (SELECT 1 FROM {})".format(_q(name)))
        if cursor.fetchone()[0]:
            return False
        token = format(int(timezone.now().timestamp() * 1000) % 0xFFFFF, "05x")
        staging = f"{name}_{token}"
        cursor.execute(
            "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION)".format(
                _q(staging), _q(TABLE)
            )
        )
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "ALTER TABLE {} ALTER COLUMN id SET DEFAULT nextval(%s::regclass)".format(
                _q(staging)
            ),
            [sequence],
        )
        write(staging)
        cursor.execute(
            "ALTER TABLE {} ALTER COLUMN id DROP DEFAULT".format(_q(staging))
        )
        _copy_constraints(cursor, name, staging, token)
        # The month's range, so that ATTACH trusts it instead of scanning the rows under its lock.
        check = f"{staging}_range"
        cursor.execute(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK (period IS NOT NULL AND period >= %s AND period < %s)".format(
                _q(staging), _q(check)
            ),
            [period, end],
        )
        cursor.execute("ANALYZE {}".format(_q(staging)))
        try:
            with transaction.atomic(using=connection.alias), _bounded_lock_wait(cursor):
                cursor.execute(
                    "ALTER TABLE {} DETACH PARTITION {}".format(_q(TABLE), _q(name))
                )
                cursor.execute("DROP TABLE {}".format(_q(name)))
                cursor.execute(
                    "ALTER TABLE {} RENAME TO {}".format(_q(staging), _q(name))
                )
                cursor.execute(
                    "ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM (%s) TO (%s)".format(
                        _q(TABLE), _q(name)
                    ),
                    [period, end],
                )
                cursor.execute(
                    "ALTER TABLE {} DROP CONSTRAINT {}".format(_q(name), _q(check))
                )
        except OperationalError as exc:
            if not _lock_not_granted(exc):
                raise
            log.warning(
                "billing %s: the bill-line table is in use, lines inserted without the swap",
                f"{period:%Y-%m}",
            )
            columns = _columns(cursor)
            cursor.execute(
                "INSERT INTO {table} ({cols}) SELECT {cols} FROM {staging}".format(
                    table=_q(TABLE), cols=columns, staging=_q(staging)
                )
            )
            cursor.execute("DROP TABLE {}".format(_q(staging)))
            cursor.execute("ANALYZE {}".format(_q(name)))
    return True


def _copy_constraints(cursor, partition: str, staging: str, token: str) -> None:
    """Give ``staging`` the primary key, unique constraints, foreign keys and indexes ``partition`` has (new names;
    ATTACH matches them by definition)."""
    cursor.execute(
        "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(%s) "
        "AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname",
        [partition],
    )
    for i, (kind, definition) in enumerate(cursor.fetchall()):
        cursor.execute(
            "ALTER TABLE {} ADD CONSTRAINT {} {}".format(
                _q(staging), _q(f"{partition}_{kind}{i}_{token}"), definition
            )
        )
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = to_regclass(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
        "AND c.conrelid = i.indrelid) ORDER BY i.indexrelid",
        [partition],
    )
    for i, (definition,) in enumerate(cursor.fetchall()):
        match = _INDEX_DEF.match(definition)
        if match is None:
            raise RuntimeError(f"unexpected index definition: {definition}")
        cursor.execute(
            "CREATE {}INDEX {} ON {} {}".format(
                match.group(1) or "",
                _q(f"{partition}_i{i}_{token}"),
                _q(staging),
                match.group(2),
            )
        )
