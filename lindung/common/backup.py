"""Portable logical backup and restore with a checksum of every table (works on SQLite and PostgreSQL)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction

APP_LABELS = [
    "auth",
    "regions",
    "accounts",
    "participants",
    "imports",
    "contributions",
    "claims",
    "agreements",
    "reports",
]
FORMAT_VERSION = 1


def _models():
    for label in APP_LABELS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            # Permissions are created by migrations (and refer to content types), not user data.
            if (
                not model._meta.proxy
                and model._meta.managed
                and model._meta.label != "auth.Permission"
            ):
                yield model


def table_checksums() -> dict[str, dict]:
    """Row count and SHA-256 over every row (ordered by primary key, serialised as JSON) per model."""
    out = {}
    for model in _models():
        digest = hashlib.sha256()
        count = 0
        for obj in model._base_manager.order_by("pk").iterator(chunk_size=5000):
            data = json.dumps(
                serializers.serialize("python", [obj]),
                default=_canonical,
                sort_keys=True,
            )
            digest.update(data.encode())
            count += 1
        out[model._meta.label] = {"rows": count, "sha256": digest.hexdigest()}
    return out


def _canonical(value) -> str:
    """Values as the backup stores them. Django's JSON serializer keeps milliseconds only, so a time with 0.000123 s
    comes back as a whole second; compare at millisecond precision, always written out."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000).isoformat(
            timespec="milliseconds"
        )
    return str(value)


def backup(path: str) -> dict:
    """Write every table as Django fixtures plus checksums to a gzip'd JSON file."""
    buf = io.StringIO()
    call_command(
        "dumpdata",
        *APP_LABELS,
        "--natural-foreign",
        format="json",
        stdout=buf,
        exclude=["auth.permission"],
    )
    checksums = table_checksums()
    payload = {
        "format": FORMAT_VERSION,
        "checksums": checksums,
        "data": json.loads(buf.getvalue()),
    }
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(payload, fh)
    return checksums


def restore(path: str) -> dict:
    """Replace the data with the backup's, then verify every table's checksum; on mismatch nothing is kept."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        payload = json.load(fh)
    if payload.get("format") != FORMAT_VERSION:
        raise ValueError("Format berkas cadangan tidak dikenal.")
    fixture = json.dumps(payload["data"])
    with transaction.atomic():
        for model in reversed(list(_models())):
            # Regions form a PROTECTed tree that everything points at; loaddata overwrites them by code instead.
            if model._meta.label != "regions.Region":
                model._base_manager.all().delete()
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=True) as tmp:
            tmp.write(fixture)
            tmp.flush()
            call_command("loaddata", tmp.name, verbosity=0)
        _reset_sequences()
        now = table_checksums()
        bad = [k for k, v in payload["checksums"].items() if now.get(k) != v]
        if bad:
            raise ValueError(
                "Checksum tidak cocok setelah pemulihan: " + ", ".join(bad)
            )
    return now


def _reset_sequences() -> None:
    from django.core.management.color import no_style

    sql = connection.ops.sequence_reset_sql(no_style(), list(_models()))
    with connection.cursor() as cur:
        for statement in sql:
            cur.execute(statement)
