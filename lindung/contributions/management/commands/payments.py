"""``lindung payments record --bill NUMBER --amount N --date YYYY-MM-DD --reference REF [--confirm]``,
``lindung payments import FILE`` and ``lindung payments reverse ID --reason TEXT``: the BPJS side (issue 19), so
payments recorded here are confirmed at once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.common.format import rupiah
from lindung.contributions import services
from lindung.contributions.models import Payer, Pembayaran, Tagihan

from ._common import bad_input_as_command_error, dumps, parse_day


class Command(BaseCommand):
    help = _(
        "Pembayaran iuran: record one payment or import a CSV/XLSX file of payments."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rec = sub.add_parser(
            "record",
            help=_("record one payment (allocated to the oldest open bill first)"),
        )
        rec.add_argument(
            "--payer", help=_("payer code, e.g. desa-53.01.04.2003 (or give --bill)")
        )
        rec.add_argument("--bill", help=_("bill number to pay first"))
        rec.add_argument(
            "--amount", required=True, help=_("349632, 349.632 or 'Rp 349.632,00'")
        )
        rec.add_argument("--date", required=True, help=_("YYYY-MM-DD"))
        rec.add_argument(
            "--reference", required=True, help=_("bank reference (required)")
        )
        rec.add_argument(
            "--confirm",
            action="store_true",
            help=_(
                "record an amount other than what is owed (without it, what it would do is shown)"
            ),
        )
        rec.add_argument("--json", action="store_true")
        rev = sub.add_parser(
            "reverse", help=_("reverse a confirmed payment, with a reason")
        )
        rev.add_argument("id", type=int)
        rev.add_argument("--reason", required=True)
        imp = sub.add_parser(
            "import", help=_("CSV/XLSX: payer, period or bill, amount, date, reference")
        )
        imp.add_argument("file")
        imp.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, **opts):
        if action == "reverse":
            payment = Pembayaran.objects.filter(pk=opts["id"]).first()
            if payment is None:
                raise CommandError("Pembayaran #{} tidak ditemukan".format(opts["id"]))
            with bad_input_as_command_error():
                services.reverse_payment(
                    actor=None, payment=payment, reason=opts["reason"]
                )
            self.stdout.write("Pembayaran #{} dibatalkan".format(payment.pk))
            return
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
        try:
            with bad_input_as_command_error():
                payment = services.record_payment(
                    actor=None,
                    payer=payer,
                    amount=opts["amount"],
                    paid_at=parse_day(opts["date"]),
                    reference=opts["reference"],
                    tagihan=bill,
                    confirm=opts["confirm"],
                )
        except CommandError as exc:
            cause = exc.__cause__
            if isinstance(cause, services.AmountNeedsConfirmation):
                raise CommandError(
                    "{} Ulangi dengan --confirm.".format(cause.messages[0])
                ) from cause
            raise
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
