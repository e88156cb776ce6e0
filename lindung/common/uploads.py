"""Uploaded files kept under the media folder: the checks before storing one, storing it with its SHA-256 taken
while it is written, and deleting the files of a record (retention). The import and the reconciliation share it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

# Longer than any spreadsheet extension (".xlsx", ".html"): a 250-character one once ended in a 500.
MAX_SUFFIX = 6


def checked_name(upload, error: type[Exception]) -> tuple[str, str]:
    """The upload's file name and lower-case extension; ``error`` (the caller's Indonesian error type) for a
    file over ``LINDUNG_MAX_UPLOAD_BYTES`` or an extension no spreadsheet has."""
    if upload.size > settings.LINDUNG_MAX_UPLOAD_BYTES:
        raise error(
            "berkas terlalu besar ({:,} byte; paling besar {:,} byte)".format(
                upload.size, settings.LINDUNG_MAX_UPLOAD_BYTES
            ).replace(",", ".")
        )
    name = Path(upload.name or "upload").name
    suffix = Path(name).suffix.lower()
    if len(suffix) > MAX_SUFFIX:
        raise error("jenis berkas tidak didukung (pakai .xlsx, .xls, .ods atau .csv)")
    return name, suffix


def store(upload, relative: str) -> str:
    """Write ``upload`` to ``MEDIA_ROOT/relative`` (its folder 0700, the file 0600 through the umask) and return
    its SHA-256, computed chunk by chunk as it is written."""
    target = media_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def delete_files(*fields) -> None:
    """Delete the stored files of FileFields and clear their names (the record itself is saved by the caller)."""
    for field in fields:
        if field and field.name:
            media_path(field.name).unlink(missing_ok=True)
        field.name = ""
