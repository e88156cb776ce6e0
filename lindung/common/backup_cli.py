"""The passphrase options shared by ``lindung backup`` and ``lindung restore``."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import CommandError


def _passphrase_arguments(parser) -> None:
    parser.add_argument(
        "--passphrase-file",
        default=None,
        help="encrypt/decrypt with the passphrase in this file (or set LINDUNG_BACKUP_PASSPHRASE)",
    )


def _passphrase(opts) -> str | None:
    """The passphrase from --passphrase-file or LINDUNG_BACKUP_PASSPHRASE; never from the command line, where
    other users of the machine could read it in the process list."""
    path = opts.get("passphrase_file")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CommandError(f"Tidak dapat membaca {path}: {exc.strerror}") from None
        if not text:
            raise CommandError(f"Berkas frasa sandi {path} kosong.")
        return text
    return os.environ.get("LINDUNG_BACKUP_PASSPHRASE") or None
