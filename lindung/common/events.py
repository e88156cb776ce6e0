"""Cross-app notifications, so a lower app tells what changed without importing the app that cares (issue 22).

``coverage_changed`` is sent after a write that changes who is covered in whole regions or past months (a billing
run, a confirmed or reversed payment, a settlement). The reports app listens and refreshes its rakor summary after
the transaction commits (``reports.apps``); contributions never imports reports. ``audit_written`` is sent for every
audited write, so the summary follows each write incrementally."""

from __future__ import annotations

from django.dispatch import Signal

coverage_changed = Signal()

# Sent by every writer of audit rows (``accounts.audit.record`` and the bulk writers), inside the write's transaction:
# the reports app brings its summary up to date after that transaction commits (``summary.refresh_after_write``).
audit_written = Signal()


def announce_coverage_changed(sender) -> None:
    coverage_changed.send(sender=sender)


def announce_audit_written(sender) -> None:
    audit_written.send(sender=sender)
