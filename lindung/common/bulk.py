"""Fast INSERT of many rows without model instances: the one bulk writer for imports, billing and settlement.

Django's ``bulk_create`` builds a model instance per row and prepares every value through the field machinery; for a
million rows that cost more than the database work itself. Here PostgreSQL gets ``COPY`` in text format (rows
formatted by ``copy_line``; psycopg binds each parameter of a multi-row INSERT in Python, ~10× slower measured on
100k values) and SQLite one prepared INSERT run by sqlite3's C loop (``executemany``), with a bigger page cache for
the duration: index inserts for a million rows thrash SQLite's 2 MB default.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from django.db import connections, models, router
from django.utils import timezone

CHUNK = 20000
SQLITE_CACHE_KIB = 262144  # 256 MB while a bulk write runs; SQLite's default is 2 MB

_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPE)


# COPY text per value type, looked up by exact type: one dict probe instead of a chain of isinstance checks.
_BY_TYPE: dict[type, Callable[[object], str]] = {
    int: int.__repr__,
    str: _copy_text,
    bool: lambda value: "t" if value else "f",
    type(None): lambda value: "\\N",
    dt.date: dt.date.isoformat,  # date and aware datetime: ISO 8601 is what COPY text reads
    dt.datetime: dt.datetime.isoformat,
}


def _copy_value(value) -> str:
    text = _BY_TYPE.get(type(value))
    if text is not None:
        return text(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPE)


def _copy_fields(row: Iterable) -> str:
    return "\t".join([_BY_TYPE.get(type(v), _copy_value)(v) for v in row])


def copy_line(row: Iterable) -> str:
    """One row in COPY text format (tab-separated, \\N for NULL, backslash escapes)."""
    return _copy_fields(row) + "\n"


def analyze(*models_) -> None:
    """PostgreSQL: fresh planner statistics for tables that just grew a lot (a bulk load), so the next queries are not
    planned for the empty tables autovacuum last saw (a billing anti-join planned as a nested loop took minutes)."""
    connection = connections[router.db_for_write(models_[0])]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE {}".format(
                ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_)
            )
        )


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    """``items`` in slices of ``size`` (IN lists, COPY blocks, executemany batches)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _copy(cursor, table: str, names: str, rows: list) -> None:
    """PostgreSQL COPY of ``rows`` into ``table`` (quoted) ``names`` (quoted, comma-separated), in text format."""
    with cursor.cursor.copy("COPY {} ({}) FROM STDIN".format(table, names)) as copy:
        for part in chunks(rows):
            copy.write("".join(map(copy_line, part)))


def _copy_shared(
    cursor, table: str, names: str, rows: list[tuple[tuple, tuple]]
) -> None:
    """Like ``_copy`` for (head, tail) rows: each distinct tail object is formatted once, not once per row."""
    tails: dict[int, str] = {}
    with cursor.cursor.copy("COPY {} ({}) FROM STDIN".format(table, names)) as copy:
        for part in chunks(rows):
            out = []
            for head, tail in part:
                text = tails.get(id(tail))
                if text is None:
                    text = tails[id(tail)] = "\t" + copy_line(tail)
                out.append(_copy_fields(head) + text)
            copy.write("".join(out))


@contextmanager
def sqlite_cache(cursor) -> Iterator[None]:
    """A big page cache on this SQLite connection while the block runs."""
    cursor.execute("PRAGMA cache_size")
    before = cursor.fetchone()[0]
    cursor.execute("PRAGMA cache_size = -{}".format(SQLITE_CACHE_KIB))
    try:
        yield
    finally:
        cursor.execute("PRAGMA cache_size = {}".format(int(before)))


def _table_and_names(connection, model, columns: tuple[str, ...]) -> tuple[str, str]:
    quote = connection.ops.quote_name
    names = ", ".join(
        quote(
            model._meta.get_field(
                c.removesuffix("_id") if c.endswith("_id") else c
            ).column
        )
        for c in columns
    )
    return quote(model._meta.db_table), names


def bulk_insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order; attnames such as "payer_id" or field names) into ``model``'s
    table: COPY on PostgreSQL, executemany on SQLite. No model instances, no signals, no defaults filled in."""
    _write(model, columns, rows, _copy, lambda rows: rows)


def bulk_insert_shared(
    model, columns: tuple[str, ...], rows: list[tuple[tuple, tuple]]
) -> None:
    """``bulk_insert`` for rows given as (head, tail) where many rows share the same tail *object* (a bill line's
    period, amounts and rules are those of its price case): on PostgreSQL each distinct tail is formatted once.
    ``columns`` name the head's columns, then the tail's; rows keep their order."""
    _write(
        model,
        columns,
        rows,
        _copy_shared,
        lambda rows: [head + tail for head, tail in rows],
    )


def _write(model, columns: tuple[str, ...], rows: list, copy, flat) -> None:
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    table, names = _table_and_names(connection, model, columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy(cursor, table, names, rows)
            return
        _sqlite_insert(cursor, table, names, len(columns), flat(rows))


def _sqlite_insert(cursor, table: str, names: str, width: int, rows: list) -> None:
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        table, names, ", ".join(["?"] * width)
    )
    with sqlite_cache(cursor):
        for part in chunks(rows):
            cursor.cursor.executemany(sql, part)


def _adapter(field: models.Field, connection) -> Callable | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        if connection.vendor == "postgresql":  # COPY text: the JSON itself
            return lambda value: json.dumps(value, cls=field.encoder)
        return lambda value: ops.adapt_json_value(value, field.encoder)
    return None


def _default(field: models.Field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    return None if field.null else ("" if field.empty_strings_allowed else None)


_MISSING = object()


def _value_rows(
    fields: list[models.Field], connection, rows: list[Mapping]
) -> list[tuple]:
    """Rows of adapted values in ``fields`` order, built a column at a time (a per-value loop cost more than the
    INSERT itself)."""
    now = timezone.now()
    columns = []
    for field in fields:
        adapt = _adapter(field, connection)
        default = _default(field, now)
        # Defaults (timestamps above all) are adapted once, not once per row.
        if adapt is not None and default is not None:
            default = adapt(default)
        name = field.attname
        if not any(name in row for row in rows):
            columns.append([default] * len(rows))
            continue
        column = [row.get(name, _MISSING) for row in rows]
        if adapt is None:
            columns.append([default if v is _MISSING else v for v in column])
        else:
            columns.append(
                [
                    default if v is _MISSING else (adapt(v) if v is not None else None)
                    for v in column
                ]
            )
    return list(zip(*columns, strict=True))


def insert_dicts(
    model: type[models.Model],
    rows: Iterable[Mapping[str, object]],
    returning: tuple[str, ...] = (),
    match: str = "",
    where: Mapping[str, object] | None = None,
) -> list[tuple]:
    """INSERT ``rows`` (field attname → value; missing fields take their default).

    With ``returning`` (column names, e.g. ("nik", "id")) the new rows' values come back, in no set order.
    ``match`` names the field that identifies the new rows (read back after COPY on PostgreSQL, after
    executemany on SQLite), among those with the same ``where`` values on PostgreSQL: e.g. match="nik", or
    match="peserta_id" with where={"import_batch_id": 7, …}.
    """
    rows = list(rows)
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    fields = [
        f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)
    ]
    values = _value_rows(fields, connection, rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, names, values)
            if not returning:
                return []
            position = [f.attname for f in fields].index(match)
            conditions = ["{} = ANY(%s)".format(quote(match))]
            params: list = [[row[position] for row in values]]
            for column, value in (where or {}).items():
                conditions.append("{} = %s".format(quote(column)))
                params.append(value)
            cursor.execute(
                "SELECT {} FROM {} WHERE {}".format(
                    ", ".join(quote(c) for c in returning),
                    table,
                    " AND ".join(conditions),
                ),
                params,
            )
            return cursor.fetchall()
        # SQLite: one prepared INSERT run by sqlite3's C loop (executemany); no giant statement to build, convert
        # and parse. New rows are those above the largest id before the INSERT that carry our ``match`` values.
        raw = cursor.cursor
        pk = quote(model._meta.pk.column)
        before = raw.execute(
            "SELECT COALESCE(MAX({}), 0) FROM {}".format(pk, table)
        ).fetchone()[0]
        with sqlite_cache(cursor):
            raw.executemany(
                "INSERT INTO {} ({}) VALUES ({})".format(
                    table, names, ", ".join(["?"] * len(fields))
                ),
                values,
            )
        if not returning:
            return []
        position = [f.attname for f in fields].index(match)
        ours = {row[position] for row in values}
        found = raw.execute(
            "SELECT {}, {} FROM {} WHERE {} > ?".format(
                quote(model._meta.get_field(match).column),
                ", ".join(quote(c) for c in returning),
                table,
                pk,
            ),
            [before],
        ).fetchall()
        return [row[1:] for row in found if row[0] in ours]
