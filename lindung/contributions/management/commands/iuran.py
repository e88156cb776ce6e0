"""``lindung iuran quote --input FILE.json [--json]`` and ``lindung iuran status --as-of DATE``."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.common.format import rupiah
from lindung.contributions import services

from ._common import bad_input_as_command_error, dumps, parse_day


class Command(BaseCommand):
    help = _(
        "Iuran: 'quote' computes contributions for cases in a JSON file; 'status' refreshes aktif/nonaktif."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        quote = sub.add_parser(
            "quote", help=_("one case or an array of cases (docs/interfaces.md)")
        )
        quote.add_argument(
            "--input", required=True, help=_("JSON file: one case or an array")
        )
        quote.add_argument(
            "--json",
            action="store_true",
            help=_("print JSON (docs/interfaces.md shape)"),
        )
        status = sub.add_parser(
            "status", help=_("set kepesertaan aktif/nonaktif from paid contributions")
        )
        status.add_argument("--as-of", required=True, help=_("YYYY-MM-DD"))
        status.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, **opts):
        if action == "status":
            with bad_input_as_command_error():
                result = services.refresh_status(
                    actor=None, as_of=parse_day(opts["as_of"])
                )
            self.stdout.write(
                dumps(result)
                if opts["json"]
                else f"aktif: {result['aktif']}, nonaktif: {result['nonaktif']}"
            )
            return
        data = self._load(opts["input"])
        with bad_input_as_command_error():
            result = services.quote_many(data)
        if opts["json"]:
            self.stdout.write(dumps(result))
            return
        for item in result if isinstance(result, list) else [result]:
            self._print(item)

    def _load(self, name: str):
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {name}")
        try:
            return json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Berkas JSON tidak valid: {exc}") from exc

    def _print(self, item: dict) -> None:
        self.stdout.write(f"Periode {item['period']}")
        for line in item["lines"]:
            relief = f"  ({line['relief']})" if line["relief"] else ""
            self.stdout.write(
                f"  {line['programme'].upper():4} dasar {rupiah(line['base']):>16}  tarif {line['rate']:>7}"
                f"  {rupiah(line['amount']):>14}{relief}"
            )
        self.stdout.write(
            f"  Pemberi kerja {rupiah(item['employer'])} · pekerja {rupiah(item['worker'])} · "
            f"total {rupiah(item['total'])}"
        )
