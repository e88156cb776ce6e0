from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from lindung.reports import exports, services, summary

FORMATS = exports.WRITERS


class Command(BaseCommand):
    help = _(
        "Reports: 'report rakor --region 53 [--as-of YYYY-MM-DD] --format xlsx|pdf|csv|json --out FILE'; "
        "'report summary --rebuild' after edits made outside Lindung's services (admin, SQL)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        rakor = sub.add_parser(
            "rakor", help=_("coordination-meeting report per kabupaten/kota")
        )
        rakor.add_argument(
            "--region", default="", help=_("region code (e.g. 53); empty = Indonesia")
        )
        rakor.add_argument(
            "--as-of", default=None, help=_("YYYY-MM-DD (default: today)")
        )
        rakor.add_argument("--format", default="json", choices=sorted(FORMATS))
        rakor.add_argument("--out", default="-", help=_("output file, '-' for stdout"))
        summary = sub.add_parser(
            "summary", help=_("the per-village rakor summary: bring it up to date")
        )
        summary.add_argument(
            "--rebuild",
            action="store_true",
            help=_("forget it and build it again (edits that bypassed the audit log)"),
        )

    def handle(self, *args, report, **opts):
        if report == "summary":
            return self._summary(rebuild=opts["rebuild"])
        return self._rakor(**opts)

    def _summary(self, *, rebuild: bool) -> None:

        if rebuild:
            summary.rebuild()
        modes = [r["mode"] for r in summary.refresh_today()]
        self.stderr.write(
            "Ringkasan rakor diperbarui ({}).".format(", ".join(sorted(set(modes))))
        )

    def _rakor(self, *, region, as_of, format, out, **opts):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
        except ValueError:
            raise CommandError(
                f"Tanggal --as-of tidak valid: {as_of} (pakai YYYY-MM-DD)"
            ) from None
        try:
            data = services.rakor(user=None, region_code=region or None, as_of=day)
        except Http404:
            raise CommandError(f"Kode wilayah tidak ditemukan: {region}") from None
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        payload = FORMATS[format](data)
        if out == "-":
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
        else:
            try:
                Path(out).write_bytes(payload)
            except OSError as exc:
                raise CommandError(
                    f"Tidak dapat menulis {out}: {exc.strerror}"
                ) from None
            self.stderr.write(f"Laporan rakor ditulis ke {out}")
