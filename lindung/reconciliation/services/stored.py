"""Stored runs: upload, the background job, the summary, and the lists of a run with their XLSX."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F

from lindung.accounts.models import (
    AuditEvent,
)
from lindung.common import uploads
from lindung.common.spreadsheet import SpreadsheetError, write_xlsx
from lindung.regions.models import Region, code_prefix_q

from .. import rules
from ..models import ReconciliationRow, ReconciliationRun
from .runs import (
    ReconcileError,
    _fail,
    _open_table,
    check_permission,
    reconcile,
)

# --------------------------------------------------------------------------------------------------------------
# Stored runs: upload, background, summary.
# --------------------------------------------------------------------------------------------------------------


def create_run(*, actor, upload, region_code: str | None = None) -> ReconciliationRun:
    """A pending run for an uploaded file (a Django UploadedFile), stored under the media folder. The permission
    is checked first, before anything of the file is read."""
    check_permission(actor, region_code)
    name, suffix = uploads.checked_name(upload, ReconcileError)
    run = ReconciliationRun.objects.create(
        filename=name[:255],
        actor=actor if getattr(actor, "pk", None) else None,
        region_id=region_code,
    )
    relative = "reconciliation/uploads/rekonsiliasi_{}{}".format(run.pk, suffix)
    run.file.name, run.sha256 = relative, uploads.store(upload, relative)
    run.save(update_fields=["file", "sha256"])
    return run


def run_path(run: ReconciliationRun) -> Path:
    return uploads.media_path(run.file.name)


def check_file(run: ReconciliationRun) -> int:
    """Open the stored file and check its header (ReconcileError, and the run is failed); returns its size."""
    try:
        table, _cols = _open_table(run_path(run))
    except (ReconcileError, SpreadsheetError) as exc:
        _fail(run, str(exc))
        raise ReconcileError(str(exc)) from None
    return table.size


def start_run(run: ReconciliationRun) -> bool:
    """Queue a pending run for the background worker; False when it was already started."""

    claimed = ReconciliationRun.objects.filter(
        pk=run.pk, state=ReconciliationRun.State.PENDING
    ).update(state=ReconciliationRun.State.RUNNING, message="Dalam antrean…")
    if claimed:
        # A real cycle: the task module imports these services to run the job.
        from ..tasks import reconcile_task

        reconcile_task.enqueue(run.pk)
    return bool(claimed)


def run_stored(run_id: int) -> ReconciliationRun:
    """Run a stored run (the background task, or inline for a small upload): file, region and actor from it."""
    run = ReconciliationRun.objects.select_related("actor").get(pk=run_id)
    try:
        return reconcile(
            actor=run.actor, path=run_path(run), region_code=run.region_id, run=run
        )
    except (ReconcileError, PermissionDenied) as exc:
        if run.state != ReconciliationRun.State.FAILED:
            _fail(run, str(exc))
        run.refresh_from_db()
        return run


def summary(run: ReconciliationRun) -> dict:
    """The docs/interfaces.md JSON: total, rejected, outside_scope, classes, rows, missing, errors. Right after a run
    it is built from what the run kept in memory; otherwise from the stored rows (the same content and order)."""
    memory = getattr(run, "in_memory", None)
    if memory is not None:
        rows = [
            {"row": row, "nik": nik, "classes": list(classes), "detail": detail}
            for row, nik, classes, detail in memory[0]
        ]
        missing = [{"nik": nik, "desa": desa} for nik, desa in memory[1]]
    else:
        rows, missing = _stored_summary(run)
    return {
        "total": run.total,
        "rejected": run.rejected,
        "outside_scope": run.outside_scope,
        "classes": run.class_counts(),
        "rows": rows,
        "missing": missing,
        "errors": run.errors,
    }


def _stored_summary(run: ReconciliationRun) -> tuple[list[dict], list[dict]]:
    rows, missing = [], []
    stored = (
        ReconciliationRow.objects.filter(run=run)
        .order_by("id")
        .values_list("row", "nik", "classes", "detail", "region_code")
    )
    for row, nik, classes, detail, region in stored.iterator(chunk_size=50000):
        if row is None:
            missing.append({"nik": nik, "desa": region})
        else:
            rows.append(
                {
                    "row": row,
                    "nik": nik,
                    "classes": [c for c in classes.split(",") if c],
                    "detail": detail,
                }
            )
    return rows, missing


def error_file_path(run: ReconciliationRun) -> Path | None:
    return Path(settings.MEDIA_ROOT) / run.error_file.name if run.error_file else None


# --------------------------------------------------------------------------------------------------------------
# Lists of a run: per class and region, and their XLSX.
# --------------------------------------------------------------------------------------------------------------


def result_rows(run: ReconciliationRun, *, cls: str = "", region: str = ""):
    qs = ReconciliationRow.objects.filter(run=run)
    if cls in rules.CLASSES:
        qs = qs.filter(classes__contains="," + cls + ",")
    if region:
        qs = qs.filter(code_prefix_q("region_code", region))
    return qs.order_by(F("row").asc(nulls_last=True), "region_code", "nik")


def region_counts(run: ReconciliationRun, kabupaten: str = "") -> list[dict]:
    """Counts per kabupaten, or per desa of ``kabupaten``, from the run's stored counts (names from regions)."""
    groups: dict[str, Counter] = defaultdict(Counter)
    for code, counts in run.by_region.items():
        if kabupaten:
            if not code.startswith(kabupaten + "."):
                continue
            key = code
        else:
            key = code[:5]
        groups[key].update(counts)
    names = dict(
        Region.objects.filter(code__in=list(groups)).values_list("code", "name")
    )
    return [
        {
            "code": code,
            "name": names.get(code, ""),
            "cells": [groups[code].get(name, 0) for name in rules.CLASSES],
        }
        for code in sorted(groups)
    ]


XLSX_HEADER = [
    "Baris",
    "NIK",
    "KPJ",
    "Nama",
    "Kode Wilayah",
    "Kelas",
    "Keterangan",
    "Status BPJS",
    "NPP/Pembina",
]


def write_class_xlsx(*, actor, run, cls: str, region: str, target: Path) -> Path:
    """The rows of one class (or all) as XLSX, cells as text; the download of personal data is audited."""

    qs = result_rows(run, cls=cls, region=region).values_list(
        "row",
        "nik",
        "kpj",
        "name",
        "region_code",
        "classes",
        "detail",
        "bpjs_status",
        "payer",
    )
    lines = (
        [
            "" if r[0] is None else str(r[0]),
            r[1],
            r[2],
            r[3],
            r[4],
            ", ".join(c for c in r[5].split(",") if c),
            r[6],
            r[7],
            r[8],
        ]
        for r in qs.iterator(chunk_size=20000)
    )
    write_xlsx(target, XLSX_HEADER, lines, text_columns=range(len(XLSX_HEADER)))
    AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action="export",
        model=run._meta.label,
        object_id=str(run.pk),
        region_code=region or run.region_id or "",
        note="unduh hasil rekonsiliasi #{} kelas {}".format(run.pk, cls or "semua"),
    )
    return target
