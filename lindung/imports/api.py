"""Import API: POST a spreadsheet (multipart) → the docs/interfaces.md summary; GET a batch's state and counts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
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
    response={202: SummaryOut},
    summary="Queue a spreadsheet import (XLSX/XLS/ODS/CSV); returns the batch, poll GET /imports/{id}",
)
def post_import(
    request,
    file: File[UploadedFile],
    kind: Form[str],
    region: Form[str | None] = None,
    dry_run: Form[bool] = False,
    sumber_dana: Form[str | None] = None,
):
    """The file is checked at once (permission, arguments, header: a file refused as a whole is a 400 with the
    reason) and then imported in the background, like the web upload: a large file never runs inside the request
    (150,000 rows took 32 s against gunicorn's 120 s limit). The answer is the batch; GET it for the outcome."""
    try:
        batch = services.create_batch(
            actor=request.user,
            upload=file,
            kind=kind,
            region_code=region or None,
            dry_run=dry_run,
            sumber_dana=sumber_dana or "",
        )
    except services.ImportFileError as exc:
        raise ValidationError(str(exc)) from None
    try:
        preview = services.preview(
            services.batch_path(batch), kind=batch.kind, region_code=batch.region_id
        )
    except ValueError as exc:
        services.discard_batch(batch)
        raise ValidationError(str(exc)) from None
    if preview["missing"]:
        services.discard_batch(batch)
        raise ValidationError(
            preview["refusal"]
            or "kolom wajib tidak ditemukan: {}".format(", ".join(preview["missing"]))
        )
    services.start_batch(batch)
    batch.refresh_from_db()
    return 202, _summary(request, batch)


@router.get("/{pk}", response=SummaryOut, summary="State and counts of one import")
def get_import(request, pk: int):
    return _summary(request, get_object_or_404(visible_batches(request.user), pk=pk))
