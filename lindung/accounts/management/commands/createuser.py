from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import Role
from lindung.accounts.services import create_user
from lindung.common.errors import message_of


class Command(BaseCommand):
    help = _(
        "Create a user with a role scoped to regions (e.g. --role desa --region 53.20.01.2001)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            help=_("region code; repeat for several"),
        )
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--staff", action="store_true", help=_("may use Django admin")
        )

    def handle(self, *args, **o):
        try:
            create_user(
                username=o["username"],
                password=o["password"],
                role=o["role"],
                regions=o["region"],
                name=o["name"],
                staff=o["staff"],
            )
        except ValidationError as exc:
            raise CommandError(message_of(exc)) from None
        self.stdout.write(f"Pengguna {o['username']} ({o['role']}) disimpan.")
