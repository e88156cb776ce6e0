"""Reconciliation API: POST BPJS's list (multipart) → the docs/interfaces.md summary; GET a run's summary.

A list of up to ``services.INLINE_ROWS`` rows is reconciled inside the request (200 and the summary, the run's id in
the ``Location`` header); a larger one is queued (202 with ``{"id", "state"}``): poll ``GET /{id}``, which answers the
same summary once the state is ``done`` (docs/reconciliation.md).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router
from ninja.files import UploadedFile

from lindung.accounts.models import user_can

from . import services
from .models import ReconciliationRun

router = Router(tags=["reconciliation"])


def _location(request, run: ReconciliationRun) -> str:
    return request.build_absolute_uri("/api/v1/reconciliation/{}".format(run.pk))


@router.post(
    "/",
    summary="Reconcile BPJS's participant list (XLSX/XLS/ODS/CSV) with the registry in your scope",
)
def post_reconciliation(
    request, file: File[UploadedFile], region: Form[str | None] = None
):
    """The permission is checked before the file is read; a file refused as a whole is a 400 with the reason."""
    region = (region or "").strip() or None
    try:
        run = services.create_run(actor=request.user, upload=file, region_code=region)
        size = services.check_file(run)
    except services.ReconcileError as exc:
        raise ValidationError(str(exc)) from None
    if size > services.INLINE_ROWS:
        services.start_run(run)
        run.refresh_from_db()
        response = JsonResponse({"id": run.pk, "state": run.state}, status=202)
    else:
        run = services.run_stored(run.pk)
        if run.state == ReconciliationRun.State.FAILED:
            raise ValidationError(run.message)
        response = JsonResponse(services.summary(run), status=200)
    response["Location"] = _location(request, run)
    return response


@router.get("/{pk}", summary="State of a reconciliation run; its summary once done")
def get_reconciliation(request, pk: int):
    if not user_can(request.user, "reconcile"):
        raise PermissionDenied("Anda tidak berwenang merekonsiliasi data BPJS.")
    run = get_object_or_404(services.visible_runs(request.user), pk=pk)
    body = {"id": run.pk, "state": run.state}
    if run.state == ReconciliationRun.State.DONE:
        body.update(services.summary(run))
    elif run.state == ReconciliationRun.State.FAILED:
        body["error"] = run.message
    else:
        body.update(processed=run.processed, size=run.size)
    return JsonResponse(body)
