"""Upload page (preview → background job), progress polled with htmx, summary, error file and template downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lindung.accounts import audit
from lindung.accounts.models import user_can
from lindung.common import lists

from . import services
from .forms import UploadForm
from .models import ImportBatch


def visible_batches(user):
    return ImportBatch.objects.visible_to(user).select_related("region", "actor")


@login_required
def upload(request):
    if not user_can(request.user, "import"):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"].strip() or None
        try:
            batch = services.create_batch(
                actor=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                region_code=region,
                dry_run=form.cleaned_data["dry_run"],
                sumber_dana=form.cleaned_data["sumber_dana"],
            )
        except PermissionDenied as exc:
            form.add_error("region", str(exc))
        except services.ImportFileError as exc:
            form.add_error("region" if "wilayah" in str(exc) else "file", str(exc))
        else:
            try:
                preview = services.preview(
                    services.batch_path(batch), kind=batch.kind, region_code=region
                )
            except ValueError as exc:
                services.discard_batch(batch)
                form.add_error("file", str(exc))
            else:
                return render(
                    request,
                    "imports/preview.html",
                    {"batch": batch, "preview": preview},
                )
    recent = visible_batches(request.user)[:10]
    return render(request, "imports/upload.html", {"form": form, "recent": recent})


@login_required
@require_POST
def start(request, pk: int):
    # Only its uploader starts a previewed import (others in the region may follow it, not start it).
    batch = get_object_or_404(
        ImportBatch.objects.filter(actor=request.user),
        pk=pk,
        state=ImportBatch.State.PENDING,
    )
    services.start_batch(batch)  # a double click queues nothing twice
    return redirect("imports:batch", pk=batch.pk)


@login_required
def batch_list(request):
    """Every import the user may follow, newest first, by state; downloadable like every list."""
    qs = batch_query(request.user, request.GET)
    state = request.GET.get("state", "")
    context = {"state": state, "states": ImportBatch.State.choices}
    return lists.respond(request, qs, BATCH_EXPORT, "imports/list.html", context)


def batch_query(user, params):
    qs = visible_batches(user)
    if params.get("state", "") in ImportBatch.State.values:
        qs = qs.filter(state=params["state"])
    return qs


BATCH_EXPORT = lists.Export(
    name="impor",
    header=[
        "Nomor",
        "Berkas",
        "Jenis",
        "Kode Wilayah",
        "Pengunggah",
        "Status",
        "Uji Coba",
        "Jumlah Baris",
        "Baru",
        "Diperbarui",
        "Tidak Berubah",
        "Ditolak",
        "Dilewati",
        "Peringatan",
        "Diunggah",
        "Selesai",
    ],
    row=lambda b: [
        b.pk,
        b.filename,
        b.kind,
        b.region_id or "",
        b.actor.username if b.actor else "",
        b.get_state_display(),
        "ya" if b.dry_run else "tidak",
        b.total,
        b.inserted,
        b.updated,
        b.unchanged,
        b.rejected,
        b.skipped,
        b.warnings,
        timezone.localtime(b.created_at).strftime("%d-%m-%Y %H:%M"),
        timezone.localtime(b.finished_at).strftime("%d-%m-%Y %H:%M")
        if b.finished_at
        else "",
    ],
    model="imports.ImportBatch",
    what="daftar impor",
    path="lindung.imports.views.BATCH_EXPORT",
    query=batch_query,
)


@login_required
def batch_detail(request, pk: int):
    batch = get_object_or_404(visible_batches(request.user), pk=pk)
    context = {
        "batch": batch,
        "errors": batch.errors[:200],
        "warnings": batch.warning_list[:200],
    }
    if request.htmx:
        return render(request, "imports/_progress.html", context)
    return render(request, "imports/batch.html", context)


@login_required
def errors_download(request, pk: int):
    batch = get_object_or_404(visible_batches(request.user), pk=pk)
    path = services.error_file_path(batch)
    if path is None or not path.is_file():
        raise Http404
    # The error file holds the rows' personal data as uploaded: its download is audited like unmasking (UU PDP).
    audit.record(
        actor=request.user,
        action="export",
        obj=batch,
        region_code=batch.region_id or "",
        note="unduh berkas kesalahan impor #{}".format(batch.pk),
    )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename="kesalahan_{}.xlsx".format(Path(batch.filename).stem),
    )


@login_required
def template_download(request):
    kind = request.GET.get("kind", "perangkat")
    try:
        tmp = Path(tempfile.mkdtemp()) / "templat_{}.xlsx".format(kind)
        services.build_template(kind, tmp)
    except services.ImportFileError:
        raise Http404 from None
    return FileResponse(tmp.open("rb"), as_attachment=True, filename=tmp.name)
