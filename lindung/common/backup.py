"""Portable logical backup and restore with a checksum of every table and every media file (works on SQLite and
PostgreSQL), optionally encrypted with a passphrase.

Format 2 is a gzip'd tar holding ``data.json`` (the tables as Django fixtures, with per-table checksums) and
``media/…`` (uploads, error files, claim documents, proofs of payment), each file's SHA-256 listed in
``data.json``. With a passphrase the whole archive is encrypted (Fernet: AES-128-CBC with HMAC-SHA256, the key
derived from the passphrase with scrypt and a random salt) behind the marker ``LINDUNG-ENC1``. Format 1 files (a
gzip'd JSON without media) are still restored.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
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
    "branches",
    "reconciliation",
]
FORMAT_VERSION = 2
ENCRYPTED = b"LINDUNG-ENC1"
SALT_BYTES = 16


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

    if isinstance(value, dt.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000).isoformat(
            timespec="milliseconds"
        )
    return str(value)


def _key(passphrase: str, salt: bytes) -> bytes:
    raw = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())
    return base64.urlsafe_b64encode(raw)


def _encrypt(data: bytes, passphrase: str) -> bytes:
    salt = os.urandom(SALT_BYTES)
    return ENCRYPTED + salt + Fernet(_key(passphrase, salt)).encrypt(data)


def _decrypt(data: bytes, passphrase: str | None) -> bytes:
    if not passphrase:
        raise ValueError("Berkas cadangan ini terenkripsi: berikan frasa sandinya.")
    salt = data[len(ENCRYPTED) : len(ENCRYPTED) + SALT_BYTES]
    try:
        return Fernet(_key(passphrase, salt)).decrypt(
            data[len(ENCRYPTED) + SALT_BYTES :]
        )
    except InvalidToken:
        raise ValueError("Frasa sandi salah, atau berkas cadangan rusak.") from None


def _media_root() -> Path:

    return Path(settings.MEDIA_ROOT)


def _media_files() -> list[Path]:
    root = _media_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def backup(path: str, passphrase: str | None = None) -> dict:
    """Write every table (Django fixtures plus checksums) and every media file to ``path``, encrypted when a
    passphrase is given. The file is created readable by its owner only."""
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
    root, files = _media_root(), _media_files()
    media = {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files
    }
    payload = {
        "format": FORMAT_VERSION,
        "checksums": checksums,
        "media": media,
        "data": json.loads(buf.getvalue()),
    }
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        data = json.dumps(payload).encode()
        info = tarfile.TarInfo("data.json")
        info.size, info.mode = len(data), 0o600
        tar.addfile(info, io.BytesIO(data))
        for p in files:
            tar.add(p, arcname="media/" + str(p.relative_to(root)), recursive=False)
    content = archive.getvalue()
    if passphrase:
        content = _encrypt(content, passphrase)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return checksums


def _read(path: str, passphrase: str | None) -> tuple[dict, dict[str, bytes]]:
    """The payload and the media files of a backup (format 1 or 2, encrypted or not)."""
    raw = Path(path).read_bytes()
    if raw.startswith(ENCRYPTED):
        raw = _decrypt(raw, passphrase)
    if raw[:2] != b"\x1f\x8b":
        raise ValueError("Berkas ini bukan cadangan Lindung.")
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
            payload, media = None, {}
            for member in tar.getmembers():
                if not member.isfile():
                    continue
                content = tar.extractfile(member).read()
                if member.name == "data.json":
                    payload = json.loads(content)
                elif member.name.startswith("media/"):
                    media[member.name.removeprefix("media/")] = content
            if payload is None:
                raise ValueError("Berkas cadangan tanpa data.json.")
            return payload, media
    except tarfile.ReadError:
        return json.loads(gzip.decompress(raw)), {}  # format 1: gzip'd JSON, no media


def restore(path: str, passphrase: str | None = None) -> dict:
    """Replace the data (and media files) with the backup's, then verify every table's and file's checksum; on
    a mismatch nothing is kept."""
    payload, media = _read(path, passphrase)
    if payload.get("format") not in (1, FORMAT_VERSION):
        raise ValueError("Format berkas cadangan tidak dikenal.")
    for name, digest in payload.get("media", {}).items():
        if hashlib.sha256(media.get(name, b"")).hexdigest() != digest:
            raise ValueError("Checksum berkas media tidak cocok: " + name)
    root = _media_root().resolve()
    targets = {}
    for name in media:
        target = (root / name).resolve()
        if (
            root not in target.parents
        ):  # a crafted archive may not write outside the media folder
            raise ValueError("Nama berkas media tidak sah di cadangan: " + name)
        targets[name] = target
    fixture = json.dumps(payload["data"])
    with transaction.atomic():
        for model in reversed(list(_models())):
            # Regions form a PROTECTed tree that everything points at; loaddata overwrites them by code instead.
            if model._meta.label != "regions.Region":
                model._base_manager.all().delete()

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
    for name, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(media[name])
    return now


def _reset_sequences() -> None:

    sql = connection.ops.sequence_reset_sql(no_style(), list(_models()))
    with connection.cursor() as cur:
        for statement in sql:
            cur.execute(statement)
