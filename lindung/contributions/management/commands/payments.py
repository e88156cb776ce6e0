"""``lindung payments record --payer CODE --amount N --date YYYY-MM-DD`` and ``lindung payments import FILE``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lindung.common.format import rupiah
from lindung.contributions import services
from lindung.contributions.models import Payer, Tagihan

from ._common import bad_input_as_command_error, dumps, parse_day


class Command(BaseCommand):
    help = "Pembayaran iuran: record one payment or import a CSV/XLSX file of payments."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rec = sub.add_parser(
            "record",
            help="record one payment (allocated to the oldest open bill first)",
        )
        rec.add_argument(
            "--payer", help="payer code, e.g. desa-53.01.04.2003 (or give --bill)"
        )
        rec.add_argument("--bill", help="bill number to pay first")
        rec.add_argument("--amount", required=True)
        rec.add_argument("--date", required=True, help="YYYY-MM-DD")
        rec.add_argument("--reference", default="")
        rec.add_argument("--json", action="store_true")
        imp = sub.add_parser(
            "import", help="CSV/XLSX: payer, period or bill, amount, date, reference"
        )
        imp.add_argument("file")
        imp.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, **opts):
        if action == "import":
            with bad_input_as_command_error():
                result = services.import_payments(actor=None, path=opts["file"])
            if opts["json"]:
                self.stdout.write(dumps(result))
                return
            self.stdout.write(
                f"{result['total']} baris: {result['accepted']} diterima "
                f"({rupiah(result['amount'])}), {result['rejected']} ditolak"
            )
            for err in result["errors"]:
                self.stdout.write(
                    f"  baris {err['row']} {err['column']}: {err['message']}"
                )
            return
        bill = (
            Tagihan.objects.select_related("payer").filter(number=opts["bill"]).first()
            if opts["bill"]
            else None
        )
        if opts["bill"] and bill is None:
            raise CommandError(f"Nomor tagihan tidak ditemukan: {opts['bill']}")
        payer = (
            bill.payer
            if bill
            else Payer.objects.filter(code=opts["payer"] or "").first()
        )
        if payer is None:
            raise CommandError(f"Kode pembayar tidak ditemukan: {opts['payer']}")
        with bad_input_as_command_error():
            payment = services.record_payment(
                actor=None,
                payer=payer,
                amount=opts["amount"],
                paid_at=parse_day(opts["date"]),
                reference=opts["reference"],
                tagihan=bill,
            )
        data = {
            "id": payment.pk,
            "payer": payer.code,
            "amount": payment.amount,
            "paid_at": payment.paid_at.isoformat(),
            "unallocated": payment.unallocated,
        }
        self.stdout.write(
            dumps(data)
            if opts["json"]
            else f"Pembayaran #{payment.pk} {rupiah(payment.amount)} dicatat; sisa kredit "
            f"{rupiah(payment.unallocated)}"
        )
