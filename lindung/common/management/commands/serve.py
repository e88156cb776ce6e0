from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.translation import gettext_lazy as _

from lindung.contributions import tasks as contribution_tasks
from lindung.imports import tasks as import_tasks
from lindung.reconciliation import tasks as reconciliation_tasks
from lindung.reports import tasks as report_tasks
from lindung.reports.summary import seconds_to_next_day


class Command(BaseCommand):
    help = _(
        "Serve the web app with gunicorn (static files via whitenoise) and run the task worker beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default=os.environ.get("LINDUNG_HOST", "127.0.0.1"),
            help=_("address to serve on (default 127.0.0.1)"),
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("LINDUNG_PORT", "8000")),
            help=_("port to serve on (default 8000)"),
        )
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("LINDUNG_WORKERS", "3"))
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=_("do not start the background task worker"),
        )

    def handle(self, *args, host, port, workers, no_worker, **opts):
        call_command("collectstatic", interactive=False, verbosity=0)

        def stop(signum, frame):
            raise KeyboardInterrupt  # so that the finally below stops gunicorn and the worker too

        signal.signal(signal.SIGTERM, stop)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lindung.settings"}
        procs = []
        if not no_worker:
            procs.append(
                subprocess.Popen([sys.executable, "-m", "lindung", "worker"], env=env)
            )
        self.stdout.write(
            f"Lindung berjalan di http://{host}:{port}/  (Ctrl+C untuk berhenti)"
        )
        self.stdout.flush()
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lindung.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--access-logfile",
                "-",
                # UU PDP: no query strings in the access log (a search for a NIK or a name must not be logged).
                "--access-logformat",
                '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s',
                "--timeout",
                "120",
            ],
            env=env,
        )
        procs.append(gunicorn)
        stopping = threading.Event()
        threading.Thread(target=_daily, args=(stopping,), daemon=True).start()
        try:
            gunicorn.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stopping.set()
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()


DAILY_DELAY = dt.timedelta(minutes=5)


def _daily(stopping: threading.Event) -> None:
    """Enqueue the rakor summary refresh now and a few minutes after every midnight, for the task worker (this one or
    another server's): the first report of a day then reads a built summary instead of building it (10 s at 1 M
    memberships). Several servers enqueueing it is harmless: the second run finds the summary current."""

    wait = 0.0
    while not stopping.wait(wait):
        try:
            # The stored status first (it follows the paid bills), then the summary that counts it.
            contribution_tasks.refresh_status_task.enqueue()
            report_tasks.refresh_today_task.enqueue()
            import_tasks.purge_expired_task.enqueue()  # retention of uploaded sheets and error files
            reconciliation_tasks.purge_expired_task.enqueue()
        # Never take the server down: say so, and try again tomorrow.
        except Exception as exc:
            sys.stderr.write(f"Ringkasan rakor harian tidak dijadwalkan: {exc}\n")
        finally:
            close_old_connections()
        wait = seconds_to_next_day(dt.datetime.now(), DAILY_DELAY)
