"""Cross-app notifications, so a lower app tells what changed without importing the app that cares (issue 22).

``coverage_changed`` is sent after a write that changes who is covered in whole regions or past months (a billing
run, a confirmed or reversed payment, a settlement). The reports app listens and refreshes its rakor summary after
the transaction commits (``reports.apps``); contributions never imports reports."""

from __future__ import annotations

from django.dispatch import Signal

coverage_changed = Signal()


def announce_coverage_changed(sender) -> None:
    coverage_changed.send(sender=sender)
