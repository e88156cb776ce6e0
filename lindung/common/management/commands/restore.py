from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.common import backup
from lindung.common.backup_cli import _passphrase, _passphrase_arguments


class Command(BaseCommand):
    help = _(
        "Restore a backup made by 'lindung backup' (replaces current data; verifies every table's checksum)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--yes", action="store_true", help=_("do not ask for confirmation")
        )
        _passphrase_arguments(parser)

    def handle(self, *args, path, yes, **opts):
        passphrase = _passphrase(opts)
        if not yes:
            raise CommandError(
                "Pemulihan mengganti semua data. Ulangi dengan --yes bila yakin."
            )
        try:
            sums = backup.restore(path, passphrase=passphrase)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Pemulihan gagal: {exc}") from None
        self.stdout.write(
            f"Dipulihkan: {len(sums)} tabel, {sum(v['rows'] for v in sums.values())} baris, checksum cocok"
        )
