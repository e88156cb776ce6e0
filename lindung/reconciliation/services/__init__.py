"""Reconciliation with BPJS's participant list (issue 23, docs/reconciliation.md): one code path for ``lindung
reconcile``, ``POST /api/v1/reconciliation/`` and the web upload (``runs``), stored runs and their lists
(``stored``), and the actions taken on a run's result (``actions``)."""

from .actions import (
    REGISTRATION_HEADER,
    close_ended,
    ended_candidates,
    export_registrations,
    mark_to_send,
    pending_by_payer,
    pending_for,
    write_back_kpj,
)
from .runs import (
    CHUNK,
    INLINE_ROWS,
    ReconcileError,
    check_permission,
    file_sha256,
    reconcile,
    visible_runs,
)
from .stored import (
    XLSX_HEADER,
    check_file,
    create_run,
    error_file_path,
    region_counts,
    result_rows,
    run_path,
    run_stored,
    start_run,
    summary,
    write_class_xlsx,
)

__all__ = [
    "CHUNK",
    "INLINE_ROWS",
    "REGISTRATION_HEADER",
    "XLSX_HEADER",
    "ReconcileError",
    "check_file",
    "check_permission",
    "close_ended",
    "create_run",
    "ended_candidates",
    "error_file_path",
    "export_registrations",
    "file_sha256",
    "mark_to_send",
    "pending_by_payer",
    "pending_for",
    "reconcile",
    "region_counts",
    "result_rows",
    "run_path",
    "run_stored",
    "start_run",
    "summary",
    "visible_runs",
    "write_back_kpj",
    "write_class_xlsx",
]
