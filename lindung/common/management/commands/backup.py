from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.common import backup
from lindung.common.backup_cli import _passphrase, _passphrase_arguments


class Command(BaseCommand):
    help = _("Back up every table to one gzip'd JSON file with per-table checksums.")

    def add_arguments(self, parser):
        parser.add_argument(
            "out", help=_("output file, e.g. lindung-2026-11-25.tar.gz")
        )
        _passphrase_arguments(parser)

    def handle(self, *args, out, **opts):
        try:
            sums = backup.backup(out, passphrase=_passphrase(opts))
        except OSError as exc:
            raise CommandError(f"Tidak dapat menulis {out}: {exc.strerror}") from None
        self.stdout.write(
            f"Cadangan ditulis ke {out}: {len(sums)} tabel, {sum(v['rows'] for v in sums.values())} baris"
        )
