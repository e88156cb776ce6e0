"""``lindung reconcile FILE [--region CODE] [--json] [--user USERNAME]`` (docs/reconciliation.md)."""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.imports.management.commands._oneline import one_line_errors
from lindung.reconciliation import rules, services


class Command(BaseCommand):
    help = _(
        "Rekonsiliasi daftar peserta BPJS Ketenagakerjaan dengan data Lindung; "
        "mencetak ringkasan (--json: format docs/interfaces.md)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        return one_line_errors(
            super().create_parser(prog_name, subcommand, **kwargs), "reconcile"
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--region",
            default=None,
            help=_(
                "bandingkan hanya wilayah ini (kode Kemendagri, di dalam cakupan pengguna)"
            ),
        )
        parser.add_argument(
            "--json", action="store_true", help=_("cetak ringkasan JSON")
        )
        parser.add_argument(
            "--user",
            default=None,
            help=_("jalankan sebagai pengguna ini (cakupan wilayahnya)"),
        )

    def handle(self, *args, **opts) -> None:
        try:
            actor = _actor(opts["user"])
            run = services.reconcile(
                actor=actor,
                path=opts["file"],
                region_code=opts["region"] or None,
                progress=None if opts["json"] or not sys.stderr.isatty() else _bar,
            )
        except (services.ReconcileError, PermissionDenied, CommandError) as exc:
            if opts["json"]:
                # docs/interfaces.md: a file refused as a whole still prints one JSON object, and exits non-zero.
                self.stdout.write(json.dumps({"error": str(exc)}, ensure_ascii=False))
            raise CommandError(str(exc)) from None
        data = services.summary(run)
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            "Rekonsiliasi #{} · total {} · ditolak {} · di luar cakupan {}".format(
                run.pk, data["total"], data["rejected"], data["outside_scope"]
            )
        )
        self.stdout.write(
            " · ".join(
                "{} {}".format(rules.CLASS_LABELS[name], count)
                for name, count in data["classes"].items()
            )
        )
        for e in data["errors"][:20]:
            self.stdout.write("  baris {row} [{column}]: {message}".format(**e))


def _actor(username: str | None):
    if not username:
        return None
    actor = get_user_model().objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError("pengguna tidak ditemukan: {}".format(username))
    return actor


def _bar(done: int, total: int) -> None:
    sys.stderr.write("\rMembandingkan baris: {:,}".format(done).replace(",", "."))
    sys.stderr.flush()
