from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import ApiToken


class Command(BaseCommand):
    help = _(
        "Issue an API token for a user (the token acts with that user's roles and regions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username, name, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Pengguna tidak ditemukan: {username}")
        self.stdout.write(ApiToken.issue(user, name))
