"""Upload page (preview → background job), progress polled with htmx, summary, error file and template downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts import audit
from lindung.accounts.models import user_can
from lindung.regions.models import Region

from . import services
from .forms import UploadForm
from .models import ImportBatch


def visible_batches(user):
    """A user sees the imports they started; superusers see all."""
    qs = ImportBatch.objects.all()
    return qs if user.is_superuser else qs.filter(actor=user)


def _save_upload(upload, batch: ImportBatch) -> Path:
    suffix = Path(upload.name).suffix.lower()
    relative = "imports/uploads/impor_{}{}".format(batch.pk, suffix)
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    batch.file.name = relative
    batch.save(update_fields=["file"])
    return target


@login_required
def upload(request):
    if not user_can(request.user, "import"):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        region = form.cleaned_data["region"].strip() or None
        if upload_file.size > settings.LINDUNG_MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is too large."))
        elif region and not Region.objects.filter(code=region).exists():
            form.add_error("region", "Kode wilayah {} tidak ditemukan.".format(region))
        elif region and not user_can(request.user, "import", region):
            form.add_error(
                "region",
                "Anda tidak berwenang mengimpor untuk wilayah {}.".format(region),
            )
        else:
            batch = ImportBatch.objects.create(
                kind=form.cleaned_data["kind"],
                filename=upload_file.name[:255],
                actor=request.user,
                region_id=region,
                dry_run=form.cleaned_data["dry_run"],
                default_sumber_dana=form.cleaned_data["sumber_dana"],
            )
            path = _save_upload(upload_file, batch)
            try:
                preview = services.preview(
                    path, kind=batch.kind, region_code=batch.region_id
                )
            except ValueError as exc:
                batch.delete()
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
    from .tasks import import_task

    batch = get_object_or_404(
        visible_batches(request.user), pk=pk, state=ImportBatch.State.PENDING
    )
    # Claim the batch first so a double click cannot queue the same file twice.
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, state=ImportBatch.State.PENDING
    ).update(state=ImportBatch.State.RUNNING, message="Dalam antrean…")
    if not claimed:
        return redirect("imports:batch", pk=batch.pk)
    import_task.enqueue(
        batch.pk,
        str(Path(settings.MEDIA_ROOT) / batch.file.name),
        batch.kind,
        batch.region_id,
        batch.dry_run,
        request.user.pk,
        batch.default_sumber_dana,
    )
    return redirect("imports:batch", pk=batch.pk)


@login_required
def batch_detail(request, pk: int):
    batch = get_object_or_404(visible_batches(request.user), pk=pk)
    context = {"batch": batch, "errors": batch.errors[:200]}
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
