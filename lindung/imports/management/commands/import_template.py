"""``lindung template --kind perangkat|rentan --out FILE.xlsx``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _
from xlsxwriter.exceptions import FileCreateError

from lindung.imports.services import build_template

from ._oneline import one_line_errors


class Command(BaseCommand):
    help = _("Tulis templat XLSX impor peserta untuk satu jenis peserta.")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        return one_line_errors(
            super().create_parser(prog_name, subcommand, **kwargs), "template"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", required=True, choices=["perangkat", "rentan"])
        parser.add_argument("--out", required=True)

    def handle(self, *args, **opts) -> None:
        try:
            path = build_template(opts["kind"], opts["out"])
        except (OSError, FileCreateError) as exc:
            raise CommandError("templat tidak dapat ditulis: {}".format(exc)) from None
        self.stdout.write(str(path))
