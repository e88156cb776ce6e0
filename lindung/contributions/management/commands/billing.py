"""``lindung billing run --period YYYY-MM [--region CODE] [--json]``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from lindung.common.format import rupiah
from lindung.contributions import services

from ._common import bad_input_as_command_error, check_region, dumps, parse_month


class Command(BaseCommand):
    help = "Tagihan iuran: 'run' creates the month's bills (idempotent; later members get a supplementary bill)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="bill every active membership for a month")
        run.add_argument("--period", required=True, help="YYYY-MM")
        run.add_argument(
            "--region", help="only this region code and what lies under it"
        )
        run.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, **opts):
        period = parse_month(opts["period"])
        region = check_region(opts.get("region"))
        start = time.perf_counter()
        with bad_input_as_command_error():
            result = services.run_billing(actor=None, period=period, region_code=region)
        result["seconds"] = round(time.perf_counter() - start, 2)
        if opts["json"]:
            self.stdout.write(dumps(result))
        else:
            self.stdout.write(
                f"Periode {result['period']}: {result['bills']} tagihan "
                f"({result['supplementary']} susulan), {result['lines']} baris, "
                f"{rupiah(result['amount'])} dalam {result['seconds']} s"
            )
            if result["missing_funding"]:
                self.stdout.write(
                    f"{result['missing_funding']} peserta belum punya sumber dana, belum ditagih"
                )
