from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from lindung import demo


class Command(BaseCommand):
    help = _(
        "Load the synthetic Nusa Tenggara Timur demo (same seed, same data), create demo users, then serve."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=_("load the demo without starting the web app"),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=_("the generator's seed (the same seed gives the same data)"),
        )
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help=_("address to serve on (default 127.0.0.1)"),
        )
        parser.add_argument(
            "--port", type=int, default=8000, help=_("port to serve on (default 8000)")
        )

    def handle(self, *args, no_serve, seed, host, port, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        start = time.perf_counter()
        call_command("regions", "load")
        self.stdout.write("Memuat data demo NTT …")
        summary = demo.load_demo(seed=seed)
        for key, value in summary.items():
            self.stdout.write(f"  {key}: {value}")
        self.stdout.write(f"Demo siap dalam {time.perf_counter() - start:.1f} s.\n")
        self.stdout.write(
            f"Buka http://{host}:{port}/ dan masuk dengan salah satu akun demo:"
        )
        for user in demo.DEMO_USERS:
            self.stdout.write(
                f"  {user['role']:<10} {user['username']:<16} sandi: {demo.DEMO_PASSWORD}   ({user['label']})"
            )
        self.stdout.flush()
        if not no_serve:
            call_command("serve", host=host, port=port)
