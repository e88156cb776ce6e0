"""Issue 24: on PostgreSQL the bill-line table becomes ``PARTITION BY RANGE (period)``, one partition per month.

PostgreSQL only (SQLite: nothing), and Django's migration state does not change: the model keeps ``id`` as its
primary key. In the database the primary key is ``(id, period)``, because a partitioned table's primary key must hold
the partition key; ``id`` stays unique in practice because every id comes from the one identity sequence.

One transaction (the migration's): lock the table, create the partitioned table with the same columns, a DEFAULT
partition and a partition for every month that has lines or bills plus this month and the next three, copy the rows, drop the
old table, take its name (and its sequence's, set to where the old one was), then rebuild its indexes, unique
constraint and foreign keys under their own names, read from the old table, so nothing is restated here. Indexes are
built after the copy, which is the fast way. Nothing has a foreign key to the bill lines (checked, and refused if one
appears). The reverse turns it back into a plain table; it refuses while a detached month (an archive table) exists,
whose lines would otherwise be left out.

Later months are created by ``lindung.contributions.partitions`` (the billing run and the daily job).
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations

TABLE = "contributions_tagihanline"
WORK = TABLE + "__new"
MONTHS_AHEAD = 3


def _months_from(day: dt.date, count: int) -> list[dt.date]:
    out, year, month = [], day.year, day.month
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _next_month(day: dt.date) -> dt.date:
    return _months_from(day, 2)[1]


def _definitions(cursor, table: str) -> dict:
    """What to rebuild: foreign keys and unique constraints (name, definition), other indexes (CREATE statements)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') AND conparentid = 0 ORDER BY conname",
        [table],
    )
    rows = cursor.fetchall()
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) "
        "ORDER BY c.relname",
        [table],
    )
    # A partitioned index prints as "ON ONLY table": built that way it would cover no partition.
    indexes = [row[0].replace(" ON ONLY ", " ON ", 1) for row in cursor.fetchall()]
    return {
        "unique": [(n, d) for n, d, t in rows if t == "u"],
        "fk": [(n, d) for n, d, t in rows if t == "f"],
        "indexes": indexes,
    }


def _refuse_references(cursor) -> None:
    cursor.execute(
        "SELECT conname, conrelid::regclass::text FROM pg_constraint WHERE confrelid = %s::regclass",
        [TABLE],
    )
    found = cursor.fetchall()
    if found:
        raise RuntimeError(
            "{} is referenced by foreign keys {}: cannot rebuild it".format(
                TABLE, found
            )
        )


def _sequence_state(cursor, table: str):
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    return cursor.fetchone()


def _swap(cursor, quote, defs, state, primary_key: str) -> None:
    """Drop the old table, give the new one its name and sequence, rebuild what ``defs`` lists."""
    cursor.execute(f"DROP TABLE {quote(TABLE)}")
    cursor.execute(f"ALTER TABLE {quote(WORK)} RENAME TO {quote(TABLE)}")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    cursor.execute(
        "ALTER SEQUENCE {} RENAME TO {}".format(
            cursor.fetchone()[0], quote(TABLE + "_id_seq")
        )
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)", [TABLE, *state]
    )
    cursor.execute(
        "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})".format(
            quote(TABLE), quote(TABLE + "_pkey"), primary_key
        )
    )
    for name, definition in defs["unique"]:
        cursor.execute(
            f"ALTER TABLE {quote(TABLE)} ADD CONSTRAINT {quote(name)} {definition}"
        )
    for statement in defs["indexes"]:
        cursor.execute(statement)
    for name, definition in defs["fk"]:
        cursor.execute(
            f"ALTER TABLE {quote(TABLE)} ADD CONSTRAINT {quote(name)} {definition}"
        )
    cursor.execute(f"ANALYZE {quote(TABLE)}")


def _columns(cursor, table: str) -> str:
    cursor.execute(
        "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return ", ".join(row[0] for row in cursor.fetchall())


def _is_partitioned(cursor) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass)",
        [TABLE],
    )
    return cursor.fetchone()[0]


_LIKE = "(LIKE {} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMPRESSION)"


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if _is_partitioned(cursor):
            return
        cursor.execute(f"LOCK TABLE {quote(TABLE)} IN ACCESS EXCLUSIVE MODE")
        _refuse_references(cursor)
        defs = _definitions(cursor, TABLE)
        state = _sequence_state(cursor, TABLE)
        # Every month with lines or bills (a month with bills and no partition would look archived).
        cursor.execute(
            f"SELECT date_trunc('month', period)::date FROM {quote(TABLE)} "
            "UNION SELECT date_trunc('month', period)::date FROM contributions_tagihan"
        )
        months = {row[0] for row in cursor.fetchall()}
        months |= set(_months_from(dt.date.today().replace(day=1), MONTHS_AHEAD + 1))
        cursor.execute(
            "CREATE TABLE {} {} PARTITION BY RANGE (period)".format(
                quote(WORK), _LIKE.format(quote(TABLE))
            )
        )
        cursor.execute(
            "CREATE TABLE {} PARTITION OF {} DEFAULT".format(
                quote(TABLE + "_default"), quote(WORK)
            )
        )
        for month in sorted(months):
            cursor.execute(
                "CREATE TABLE {} PARTITION OF {} FOR VALUES FROM (%s) TO (%s)".format(
                    quote(f"{TABLE}_y{month.year:04d}m{month.month:02d}"), quote(WORK)
                ),
                [month, _next_month(month)],
            )
        columns = _columns(cursor, TABLE)
        cursor.execute(
            f"INSERT INTO {quote(WORK)} ({columns}) SELECT {columns} FROM {quote(TABLE)}"
        )
        # The primary key holds the partition key (PostgreSQL requires it); ids are unique by their sequence.
        _swap(cursor, quote, defs, state, "id, period")


def unpartition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if not _is_partitioned(cursor):
            return
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE %s AND NOT relispartition",
            [TABLE + "\\_y%"],
        )
        detached = [row[0] for row in cursor.fetchall()]
        if detached:
            raise RuntimeError(
                "Detached bill-line months exist ({}): attach them again "
                "(lindung billing partitions --attach YYYY-MM) or drop them first.".format(
                    ", ".join(detached)
                )
            )
        cursor.execute(f"LOCK TABLE {quote(TABLE)} IN ACCESS EXCLUSIVE MODE")
        _refuse_references(cursor)
        defs = _definitions(cursor, TABLE)
        state = _sequence_state(cursor, TABLE)
        cursor.execute(
            "CREATE TABLE {} {}".format(quote(WORK), _LIKE.format(quote(TABLE)))
        )
        columns = _columns(cursor, TABLE)
        cursor.execute(
            f"INSERT INTO {quote(WORK)} ({columns}) SELECT {columns} FROM {quote(TABLE)}"
        )
        _swap(
            cursor, quote, defs, state, "id"
        )  # DROP TABLE drops the partitions with it


class Migration(migrations.Migration):
    dependencies = [("contributions", "0006_rule_basis")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
