"""``lindung import FILE --kind perangkat|rentan [--region CODE] [--dry-run] [--errors OUT.xlsx] [--json]``."""

from __future__ import annotations

import json
import shutil
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.imports.services import (
    ImportFileError,
    error_file_path,
    run_import,
    summary,
    write_error_file,
)

from ._oneline import one_line_errors


class Command(BaseCommand):
    help = _(
        "Impor spreadsheet peserta (XLSX/XLS/ODS/CSV); mencetak ringkasan (--json: format docs/interfaces.md)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        return one_line_errors(
            super().create_parser(prog_name, subcommand, **kwargs), "import"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=["perangkat", "rentan"])
        parser.add_argument(
            "--region",
            default=None,
            help=_(
                "batasi ke wilayah ini (kode Kemendagri); kode desa memberi desa kepada berkas tanpa kolom desa"
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("periksa saja, tidak menyimpan")
        )
        parser.add_argument(
            "--sumber-dana",
            default="",
            help=_(
                "sumber dana untuk baris yang kolom Sumber Dana-nya kosong, mis. ADD "
                "(mengisi yang kosong, tidak mengganti yang sudah tercatat)"
            ),
        )
        parser.add_argument(
            "--errors",
            default=None,
            help=_("tulis berkas XLSX baris yang ditolak ke sini"),
        )
        parser.add_argument(
            "--json", action="store_true", help=_("cetak ringkasan JSON")
        )
        parser.add_argument(
            "--user",
            default=None,
            help=_("jalankan sebagai pengguna ini (cakupan wilayahnya)"),
        )

    def handle(self, *args, **opts) -> None:
        actor = None
        if opts["user"]:
            actor = (
                get_user_model()
                .objects.filter(username=opts["user"], is_active=True)
                .first()
            )
            if actor is None:
                raise CommandError("pengguna tidak ditemukan: {}".format(opts["user"]))
        progress = (
            None
            if opts["json"] or not sys.stderr.isatty() and opts["verbosity"] < 2
            else _bar
        )
        try:
            batch = run_import(
                actor=actor,
                path=opts["file"],
                kind=opts["kind"],
                region_code=opts["region"],
                dry_run=opts["dry_run"],
                progress=progress,
                sumber_dana=opts["sumber_dana"],
            )
        except (ImportFileError, PermissionDenied) as exc:
            if opts["json"]:
                # docs/interfaces.md: a file refused as a whole still prints one JSON object, and exits non-zero.
                self.stdout.write(json.dumps({"error": str(exc)}, ensure_ascii=False))
            raise CommandError(str(exc)) from None
        if progress:
            sys.stderr.write("\n")
        if opts["errors"]:
            source = error_file_path(batch)
            try:
                if source:
                    shutil.copyfile(source, opts["errors"])
                else:
                    write_error_file(
                        opts["errors"], list(getattr(batch, "header", [])), []
                    )
            except OSError as exc:
                raise CommandError(
                    "berkas kesalahan tidak dapat ditulis: {}".format(exc)
                ) from None
        data = summary(batch)
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            "Total {total} · baru {inserted} · diperbarui {updated} · tetap {unchanged} · "
            "ditolak {rejected} · dilewati {skipped}".format(**data)
        )
        for e in data["errors"][:20]:
            self.stdout.write("  baris {row} [{column}]: {message}".format(**e))
        if len(data["errors"]) > 20:
            self.stdout.write(
                "  … {} kesalahan lainnya (lihat --errors)".format(
                    len(data["errors"]) - 20
                )
            )


def _bar(done: int, total: int, stage: str) -> None:
    if stage == "validate":
        sys.stderr.write("\rMemeriksa baris: {:,}".format(done).replace(",", "."))
    else:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(
            "\rMenyimpan [{}{}] {:,}/{:,}".format(
                "#" * filled, "." * (width - filled), done, total
            ).replace(",", ".")
        )
    sys.stderr.flush()
