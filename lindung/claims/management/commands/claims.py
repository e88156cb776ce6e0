"""``lindung claims quote --input FILE.json [--json]``: quote one claim case or an array of cases."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from lindung.claims import services
from lindung.common.format import rupiah


class Command(BaseCommand):
    help = "Klaim manfaat JKK/JKM: 'claims quote --input FILE.json [--json]'"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        quote = sub.add_parser(
            "quote",
            help="Hitung manfaat klaim dari berkas JSON (satu kasus atau daftar)",
        )
        quote.add_argument("--input", help="berkas JSON; '-' untuk stdin")
        quote.add_argument(
            "--json", action="store_true", help="cetak hasil sebagai JSON"
        )

    def handle(self, *args, **options) -> None:
        # Missing arguments give one Indonesian line, not argparse's usage block.
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
            raise CommandError("; ".join(exc.messages)) from None
        except Http404:
            raise CommandError("NIK tidak ditemukan di daftar peserta.") from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for one in result if isinstance(result, list) else [result]:
            self._print(one)

    def _read(self, path: str):
        try:
            if path == "-":
                import sys

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
