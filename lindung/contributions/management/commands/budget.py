"""``lindung budget --year YYYY [--region CODE] [--format xlsx|csv|json] [--out FILE]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.contributions import exports, services

from ._common import bad_input_as_command_error, check_region


class Command(BaseCommand):
    help = _(
        "Budget projection of contributions per desa and kabupaten/kota and funding source."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=str)
        parser.add_argument("--region", help=_("region code (default: all)"))
        parser.add_argument("--format", choices=["xlsx", "csv", "json"], default="json")
        parser.add_argument(
            "--out", help=_("output file (default: standard output; required for xlsx)")
        )

    def handle(self, *args, **opts):
        if not opts["year"].isdigit() or not 2015 <= int(opts["year"]) <= 2100:
            raise CommandError(f"Tahun tidak valid: {opts['year']}")
        region = check_region(opts.get("region"))
        with bad_input_as_command_error():
            rows = services.budget_projection(
                user=None, year=int(opts["year"]), region_code=region
            )
        fmt, out = opts["format"], opts.get("out")
        if fmt == "xlsx" and not out:
            raise CommandError("Format xlsx memerlukan --out FILE")
        data = exports.budget_bytes(rows, fmt)
        if out:
            try:
                with open(out, "wb") as fh:
                    fh.write(data)
            except OSError as exc:
                raise CommandError(
                    f"Tidak dapat menulis {out}: {exc.strerror}"
                ) from exc
            self.stderr.write(f"{len(rows)} baris ditulis ke {out}")
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
