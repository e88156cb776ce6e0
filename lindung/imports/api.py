"""Import API: POST a spreadsheet (multipart) → the INTERFACES.md summary; GET a batch's state and counts."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from . import services
from .views import visible_batches

router = Router(tags=["imports"])


class ErrorOut(Schema):
    row: int
    column: str
    message: str


class SummaryOut(Schema):
    id: int
    state: str
    total: int
    processed: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    skipped: int
    warnings: int
    errors: list[ErrorOut]
    errors_truncated: bool
    error_file: str | None


def _summary(request, batch, errors=None) -> SummaryOut:
    from django.urls import reverse

    url = (
        request.build_absolute_uri(reverse("imports:errors", args=[batch.pk]))
        if batch.error_file
        else None
    )
    return SummaryOut(
        id=batch.pk,
        state=batch.state,
        total=batch.total,
        processed=batch.processed,
        inserted=batch.inserted,
        updated=batch.updated,
        unchanged=batch.unchanged,
        rejected=batch.rejected,
        skipped=batch.skipped,
        warnings=batch.warnings,
        errors=errors if errors is not None else batch.errors,
        errors_truncated=batch.errors_truncated if errors is None else False,
        error_file=url,
    )


@router.post(
    "/",
    response=SummaryOut,
    summary="Import a spreadsheet (XLSX/XLS/ODS/CSV) and return the summary",
)
def post_import(
    request,
    file: File[UploadedFile],
    kind: Form[str],
    region: Form[str | None] = None,
    dry_run: Form[bool] = False,
    sumber_dana: Form[str | None] = None,
):
    suffix = Path(file.name or "").suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("upload" + suffix)
        with path.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        try:
            batch = services.run_import(
                actor=request.user,
                path=path,
                kind=kind,
                region_code=region or None,
                dry_run=dry_run,
                sumber_dana=sumber_dana or "",
            )
        except services.ImportFileError as exc:
            raise ValidationError(str(exc)) from None
    batch.filename = (file.name or "upload")[:255]
    batch.save(update_fields=["filename"])
    return _summary(request, batch, errors=batch.all_errors)


@router.get("/{pk}", response=SummaryOut, summary="State and counts of one import")
def get_import(request, pk: int):
    return _summary(request, get_object_or_404(visible_batches(request.user), pk=pk))
