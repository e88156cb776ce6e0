"""PostgreSQL: a trigram index for the participant search by part of a name (``name__icontains``).

Django's icontains on PostgreSQL is ``UPPER(name::text) LIKE UPPER('%…%')``; a GIN index with ``gin_trgm_ops`` on
that expression lets it find a name among millions without reading the whole table. pg_trgm ships with PostgreSQL
(contrib) and is a trusted extension (PostgreSQL 13+), so the database owner may create it. Where it cannot be
created the migration leaves a warning and the search works as before, only slower. SQLite: nothing to do.
"""

from __future__ import annotations

import warnings

from django.db import migrations, transaction

INDEX = "participants_peserta_name_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            with schema_editor.connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {INDEX} ON participants_peserta "
                    "USING gin (UPPER(name::text) gin_trgm_ops)"
                )
    except Exception as exc:  # no pg_trgm on this server, or no right to create it
        warnings.warn(
            f"pg_trgm index for name search not created ({exc}); search by name scans the table",
            stacklevel=1,
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_fewer_single_column_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
