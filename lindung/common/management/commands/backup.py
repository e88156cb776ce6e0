from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lindung.common import backup


class Command(BaseCommand):
    help = "Back up every table to one gzip'd JSON file with per-table checksums."

    def add_arguments(self, parser):
        parser.add_argument("out", help="output file, e.g. lindung-2026-11-25.json.gz")

    def handle(self, *args, out, **opts):
        try:
            sums = backup.backup(out)
        except OSError as exc:
            raise CommandError(f"Tidak dapat menulis {out}: {exc.strerror}") from None
        self.stdout.write(
            f"Cadangan ditulis ke {out}: {len(sums)} tabel, {sum(v['rows'] for v in sums.values())} baris"
        )
