"""``lindung claims quote --input FILE.json [--json]``: quote one claim case or an array of cases.

``lindung claims status ID --to STATUS --user USERNAME [--note …] [--reference … --paid-on YYYY-MM-DD]``: one step of
the claim workflow as that user (the same service as the claim page and the API; docs/claims.md)."""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from lindung.claims import services
from lindung.claims.models import Klaim
from lindung.common.errors import message_of
from lindung.common.format import rupiah


class Command(BaseCommand):
    help = _(
        "Klaim manfaat JKK/JKM: 'claims quote --input FILE.json [--json]', "
        "'claims status ID --to STATUS --user USERNAME'"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        quote = sub.add_parser(
            "quote",
            help=_("Hitung manfaat klaim dari berkas JSON (satu kasus atau daftar)"),
        )
        quote.add_argument("--input", help=_("berkas JSON; '-' untuk stdin"))
        quote.add_argument(
            "--json", action="store_true", help=_("cetak hasil sebagai JSON")
        )
        status = sub.add_parser(
            "status",
            help=_("Verifikasi, setujui, tolak atau tandai dibayar satu klaim"),
        )
        status.add_argument("klaim", help=_("nomor klaim"))
        status.add_argument(
            "--to", help=_("diverifikasi, disetujui, ditolak atau dibayar")
        )
        status.add_argument("--user", help=_("nama pengguna petugas yang bertindak"))
        status.add_argument("--note", default="", help=_("catatan (wajib untuk tolak)"))
        status.add_argument(
            "--reference", default="", help=_("nomor referensi pembayaran (dibayar)")
        )
        status.add_argument(
            "--paid-on", default=None, help=_("tanggal pembayaran YYYY-MM-DD (dibayar)")
        )

    def handle(self, *args, **options) -> None:
        # Missing arguments give one Indonesian line, not argparse's usage block.
        if options.get("action") == "status":
            self._status(options)
            return
        if options.get("action") != "quote":
            raise CommandError(
                "Pemakaian: lindung claims quote --input FILE.json [--json]"
            )
        if not options.get("input"):
            raise CommandError("Opsi --input FILE.json wajib diisi.")
        payload = self._read(options["input"])
        try:
            result = services.quote_claims(payload)
        except ValidationError as exc:
            raise CommandError(message_of(exc)) from None
        except Http404:
            raise CommandError("NIK tidak ditemukan di daftar peserta.") from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for one in result if isinstance(result, list) else [result]:
            self._print(one)

    def _status(self, options) -> None:

        if not options.get("to") or not options.get("user"):
            raise CommandError(
                "Pemakaian: lindung claims status ID --to STATUS --user USERNAME "
                "[--note …] [--reference … --paid-on YYYY-MM-DD]"
            )
        user = (
            get_user_model()
            .objects.filter(username=options["user"], is_active=True)
            .first()
        )
        if user is None:
            raise CommandError(f"Pengguna tidak ditemukan: {options['user']}")
        klaim_id = str(options["klaim"])
        klaim = (
            Klaim.objects.visible_to(user).filter(pk=int(klaim_id)).first()
            if klaim_id.isdigit() and len(klaim_id) < 12
            else None
        )
        if klaim is None:
            raise CommandError(
                f"Klaim #{klaim_id} tidak ditemukan di wilayah pengguna."
            )
        try:
            klaim = services.transition_klaim(
                actor=user,
                klaim=klaim,
                to_status=options["to"],
                note=options["note"],
                payment_reference=options["reference"],
                paid_on=options["paid_on"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            raise CommandError("; ".join(messages)) from None
        self.stdout.write(f"Klaim #{klaim.pk}: {klaim.status}")

    def _read(self, path: str):
        try:
            if path == "-":
                return json.load(sys.stdin)
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        except FileNotFoundError:
            raise CommandError(f"Berkas tidak ditemukan: {path}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"Berkas bukan JSON yang sah: {exc}") from None
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat dibaca: {exc}") from None

    def _print(self, result: dict) -> None:
        verdict = "LAYAK" if result["eligible"] else "DITOLAK"
        self.stdout.write(f"{result['event']} {result['incident_date']}: {verdict}")
        for item in result["items"]:
            self.stdout.write(
                f"  {item['label']:<60} {rupiah(item['amount']):>18}  ({item['formula']})"
            )
        self.stdout.write(f"  {'Jumlah tunai':<60} {rupiah(result['total']):>18}")
        schol = result["scholarship"]
        if schol["eligible"]:
            self.stdout.write(
                f"  {'Beasiswa tahun ajaran ini':<60} {rupiah(schol['this_year']):>18}"
            )
        for cond in result["conditions"]:
            mark = "✓" if cond["met"] else "✗"
            self.stdout.write(f"  {mark} {cond['detail']}")
