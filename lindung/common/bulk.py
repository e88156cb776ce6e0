"""Fast INSERT of many rows without model instances: the one bulk writer for imports, billing and settlement.

Django's ``bulk_create`` builds a model instance per row and prepares every value through the field machinery; for a
million rows that cost more than the database work itself. Here PostgreSQL gets ``COPY`` in text format (rows
formatted by ``copy_line``; psycopg binds each parameter of a multi-row INSERT in Python, ~10× slower measured on
100k values) and SQLite one prepared INSERT run by sqlite3's C loop (``executemany``), with a bigger page cache for
the duration: index inserts for a million rows thrash SQLite's 2 MB default.

``prepare_columns`` takes the rows column by column (a list per column, or ``Same`` for one value in every row) and
formats the COPY text a column at a time, each column's formatter mapped over it in one go; it can also allocate the
new ids up front, so that a prepared chunk is written by ``write_prepared`` on another connection (common.writer).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

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


def _copy_into(cursor, table: str, names: str, texts: Iterable[str]) -> None:
    """THE PostgreSQL COPY of Lindung: ``texts`` (blocks of COPY text lines) into ``table`` (quoted) ``names``
    (quoted, comma-separated). Every bulk write goes through here (bulk_insert, bulk_insert_shared,
    write_prepared)."""
    with cursor.cursor.copy("COPY {} ({}) FROM STDIN".format(table, names)) as copy:
        for text in texts:
            copy.write(text)


def _copy(cursor, table: str, names: str, rows: list) -> None:
    """COPY of ``rows`` (tuples), formatted a block at a time."""
    _copy_into(
        cursor, table, names, ("".join(map(copy_line, part)) for part in chunks(rows))
    )


def _copy_shared(
    cursor, table: str, names: str, rows: list[tuple[tuple, tuple]]
) -> None:
    """Like ``_copy`` for (head, tail) rows: each distinct tail object is formatted once, not once per row."""
    tails: dict[int, str] = {}

    def blocks() -> Iterator[str]:
        for part in chunks(rows):
            out = []
            for head, tail in part:
                text = tails.get(id(tail))
                if text is None:
                    text = tails[id(tail)] = "\t" + copy_line(tail)
                out.append(_copy_fields(head) + text)
            yield "".join(out)

    _copy_into(cursor, table, names, blocks())


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


def _table_and_names(connection, model, columns: Iterable[str]) -> tuple[str, str]:
    """The quoted table and column list for ``columns`` (attnames such as "payer_id", or field names)."""
    quote = connection.ops.quote_name
    # get_field takes an attname as well as a field name ("payer_id" or "payer"); a plain field that happens to
    # end in "_id" must not lose its suffix.
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    return quote(model._meta.db_table), names


def bulk_insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order; attnames such as "payer_id" or field names) into ``model``'s
    table: COPY on PostgreSQL, executemany on SQLite. No model instances, no signals, no defaults filled in."""
    _write(model, columns, rows, _copy, lambda rows: rows)


def bulk_insert_shared(
    model,
    columns: tuple[str, ...],
    rows: list[tuple[tuple, tuple]],
    table: str | None = None,
) -> None:
    """``bulk_insert`` for rows given as (head, tail) where many rows share the same tail *object* (a bill line's
    period, amounts and rules are those of its price case): on PostgreSQL each distinct tail is formatted once.
    ``columns`` name the head's columns, then the tail's; rows keep their order. ``table``: another table with the
    model's columns (a bill-line partition being loaded, ``contributions.partitions.load_month``)."""
    _write(
        model,
        columns,
        rows,
        _copy_shared,
        lambda rows: [head + tail for head, tail in rows],
        table,
    )


def _write(
    model, columns: tuple[str, ...], rows: list, copy, flat, into: str | None = None
) -> None:
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    table, names = _table_and_names(connection, model, columns)
    if into is not None:
        table = connection.ops.quote_name(into)
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


@dataclass(slots=True, frozen=True)
class Same:
    """One value for every row of a column (a batch id, a status, a default): adapted and formatted once."""

    value: object


def _value_columns(
    fields: list[models.Field], connection, given: Mapping[str, object]
) -> list[list | Same]:
    """The adapted values of each field in ``fields`` order: a list per column, or ``Same`` for a column with one
    value (given so, or a default). A list may hold ``_MISSING`` for a row without the field: its default."""
    now = timezone.now()
    columns: list[list | Same] = []
    for field in fields:
        adapt = _adapter(field, connection)
        default = _default(field, now)
        # Defaults (timestamps above all) are adapted once, not once per row.
        if adapt is not None and default is not None:
            default = adapt(default)
        value = given.get(field.attname, _MISSING)
        if value is _MISSING:
            columns.append(Same(default))
        elif isinstance(value, Same):
            columns.append(
                Same(
                    adapt(value.value)
                    if adapt and value.value is not None
                    else value.value
                )
            )
        elif adapt is None:
            columns.append(
                [default if v is _MISSING else v for v in value]
                if _MISSING in value
                else value
            )
        else:
            columns.append(
                [
                    default if v is _MISSING else (adapt(v) if v is not None else None)
                    for v in value
                ]
            )
    return columns


def _copy_column(column: list | Same, count: int):
    """A column's values as COPY text: each distinct type's formatter mapped over the whole column in one go."""
    if isinstance(column, Same):
        return itertools.repeat(_copy_value(column.value), count)
    types = set(map(type, column))
    text = _BY_TYPE.get(types.pop()) if len(types) == 1 else None
    if text is _copy_text:
        joined = "".join(column)
        if not any(c in joined for c in "\\\t\n\r"):
            return column  # nothing to escape (names, codes): the strings as they are
    if text is not None:
        return list(map(text, column))
    return [_copy_value(v) for v in column]


@dataclass(slots=True)
class Prepared:
    """Rows of one model made ready to INSERT by ``prepare_columns``: adapted values column by column (the new id
    first when ids were allocated) and, for PostgreSQL, the COPY text already formatted. Writing it
    (``write_prepared``) needs no more Python work than sending it, so it can happen on another connection, in
    another thread."""

    model: type[models.Model]
    count: int
    names: list[str]  # attnames, in column order
    columns: list[list | Same]
    copy_text: str | None = None

    def column(self, *attnames: str) -> list[tuple]:
        """The values of ``attnames`` for every row, in row order (e.g. ("nik", "id") after allocating ids)."""
        picked = [self.columns[self.names.index(name)] for name in attnames]
        return list(
            zip(
                *(
                    itertools.repeat(c.value, self.count) if isinstance(c, Same) else c
                    for c in picked
                ),
                strict=False,
            )
        )

    def values(self, attname: str) -> list:
        """One column's values, in row order."""
        column = self.columns[self.names.index(attname)]
        return [column.value] * self.count if isinstance(column, Same) else column

    def rows(self) -> list[tuple]:
        return self.column(*self.names)


def prepare_columns(
    model: type[models.Model],
    count: int,
    columns: Mapping[str, object],
    *,
    ids: bool = False,
) -> Prepared:
    """``count`` rows of ``model`` given column by column: attname → a list of ``count`` values, or ``Same(value)``
    for every row. Fields not named take their default.

    ``ids=True`` allocates the new rows' primary keys now, so that rows referring to them can be prepared before
    anything is written: on PostgreSQL from the table's sequence (COPY has no RETURNING, and reading new rows back by
    value was planned as a scan of the whole table while its statistics still described it empty: 1.4 s per
    10,000 rows); on SQLite above the largest id ever given, which needs the write lock this transaction holds
    (Lindung's SQLite transactions begin IMMEDIATE).
    """
    connection = connections[router.db_for_write(model)]
    fields = [
        f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)
    ]
    for name, value in columns.items():
        if not isinstance(value, Same) and len(value) != count:
            raise ValueError(
                "column {} has {} values, not {}".format(name, len(value), count)
            )
    values = _value_columns(fields, connection, columns)
    names = [f.attname for f in fields]
    if ids:
        values.insert(0, _next_ids(connection, model, count) if count else [])
        names.insert(0, model._meta.pk.attname)
    prepared = Prepared(model=model, count=count, names=names, columns=values)
    if connection.vendor == "postgresql" and count:
        text = [_copy_column(c, count) for c in values]
        prepared.copy_text = "\n".join(map("\t".join, zip(*text))) + "\n"
    return prepared


def prepare_dicts(
    model: type[models.Model],
    rows: Iterable[Mapping[str, object]],
    *,
    ids: bool = False,
) -> Prepared:
    """``prepare_columns`` for rows given as dicts (attname → value; a missing key takes the field's default)."""
    rows = list(rows)
    names = {name: None for row in rows for name in row}
    return prepare_columns(
        model,
        len(rows),
        {name: [row.get(name, _MISSING) for row in rows] for name in names},
        ids=ids,
    )


def write_prepared(prepared: Prepared) -> None:
    """INSERT what ``prepare_columns`` made ready, on the calling thread's connection."""
    if not prepared.count:
        return
    connection = connections[router.db_for_write(prepared.model)]
    table, names = _table_and_names(connection, prepared.model, prepared.names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_into(cursor, table, names, [prepared.copy_text])
            return
        _sqlite_insert(cursor, table, names, len(prepared.names), prepared.rows())


def _next_ids(connection, model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model`` (see ``prepare_columns``)."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name first: pg_get_serial_sequence in the SELECT list runs once per row (8× slower).
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                [sequence, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError(
                "SQLite: allocate ids inside the transaction that writes them"
            )
        quote = connection.ops.quote_name
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT MAX({}) FROM {}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))".format(
                quote(pk), quote(table)
            ),
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))
