"""``lindung billing run --period YYYY-MM [--region CODE] [--json]`` and
``lindung billing partitions [--ahead N] [--detach YYYY-MM] [--attach YYYY-MM] [--json]``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from lindung.common.format import rupiah
from lindung.contributions import partitions, services

from ._common import bad_input_as_command_error, check_region, dumps, parse_month


class Command(BaseCommand):
    help = (
        "Tagihan iuran: 'run' creates the month's bills (idempotent; later members get a supplementary bill); "
        "'partitions' lists and creates the monthly bill-line partitions on PostgreSQL, detaches or attaches a month."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="bill every active membership for a month")
        run.add_argument("--period", required=True, help="YYYY-MM")
        run.add_argument(
            "--region", help="only this region code and what lies under it"
        )
        run.add_argument("--json", action="store_true")
        parts = sub.add_parser(
            "partitions",
            help="monthly bill-line partitions (PostgreSQL): create the coming months, list them",
        )
        parts.add_argument(
            "--ahead",
            type=int,
            default=3,
            help="create partitions up to N months after this one (default 3)",
        )
        parts.add_argument(
            "--detach",
            metavar="YYYY-MM",
            help="detach a past, fully paid month for archiving (its table stays for pg_dump -t)",
        )
        parts.add_argument(
            "--attach", metavar="YYYY-MM", help="attach a detached month again"
        )
        parts.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, **opts):
        if action == "partitions":
            self._partitions(opts)
            return
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

    def _partitions(self, opts) -> None:
        detach = parse_month(opts["detach"]) if opts.get("detach") else None
        attach = parse_month(opts["attach"]) if opts.get("attach") else None
        result: dict = {"detached": None, "attached": None}
        with bad_input_as_command_error():
            if not partitions.is_partitioned():
                self.stdout.write(
                    "Baris tagihan tidak dipartisi (hanya di PostgreSQL): tidak ada yang dilakukan."
                )
                return
            if detach:
                result["detached"] = partitions.detach(detach)
            if attach:
                result["attached"] = partitions.attach(attach)
            result["created"] = partitions.ensure_partitions(months_ahead=opts["ahead"])
        listed = partitions.list_partitions()
        if opts["json"]:
            result["partitions"] = [
                {
                    "partition": p.name,
                    "period": f"{p.period:%Y-%m}" if p.period else "default",
                    "attached": p.attached,
                    "rows_estimate": p.rows,
                    "bytes": p.bytes,
                }
                for p in listed
            ]
            self.stdout.write(dumps(result))
            return
        if result["detached"]:
            self.stdout.write(
                f"Dilepas: {result['detached']['partition']} (arsipkan dengan "
                f"pg_dump -t {result['detached']['partition']}, lalu DROP TABLE)"
            )
        if result["attached"]:
            self.stdout.write(
                f"Dipasang kembali: {result['attached']['partition']}"
                + (
                    f" ({result['attached']['moved']} baris dipindah dari DEFAULT)"
                    if result["attached"]["moved"]
                    else ""
                )
            )
        for made in result["created"]:
            self.stdout.write(
                f"Partisi baru: {made['partition']}"
                + (
                    f" ({made['moved']} baris dipindah dari DEFAULT)"
                    if made["moved"]
                    else ""
                )
            )
        for p in listed:
            month = f"{p.period:%Y-%m}" if p.period else "DEFAULT"
            state = "terpasang" if p.attached else "dilepas (arsip)"
            self.stdout.write(
                f"{month:<8} {p.name:<40} {state:<16} ~{p.rows} baris, {p.bytes // 1024} KiB"
            )
