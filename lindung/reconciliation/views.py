"""Reconciliation pages: upload (background run, progress polled with htmx), counts per kabupaten and desa, lists
per class with their XLSX, the actions, and the registrations to send per payer. Thin: every rule is in services."""

from __future__ import annotations

import tempfile
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts import audit
from lindung.accounts.models import user_can
from lindung.common.errors import message_of

from . import rules, services
from .forms import CloseForm, UploadForm
from .models import ReconciliationRun

PAGE_SIZE = 100


def reconciler(view):
    """Signed in and holding the "reconcile" action (BPJS officers, regency offices)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not user_can(request.user, "reconcile"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _run(request, pk: int) -> ReconciliationRun:
    return get_object_or_404(services.visible_runs(request.user), pk=pk)


@reconciler
def index(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"].strip() or None
        try:
            run = services.create_run(
                actor=request.user, upload=form.cleaned_data["file"], region_code=region
            )
            services.check_file(run)
        except PermissionDenied as exc:
            form.add_error("region", str(exc))
        except services.ReconcileError as exc:
            form.add_error("region" if "wilayah" in str(exc) else "file", str(exc))
        else:
            services.start_run(run)
            return redirect("reconciliation:run", pk=run.pk)
    recent = services.visible_runs(request.user)[:10]
    return render(
        request, "reconciliation/index.html", {"form": form, "recent": recent}
    )


@reconciler
def latest(request):
    run = (
        services.visible_runs(request.user)
        .filter(state=ReconciliationRun.State.DONE)
        .first()
    )
    return (
        redirect("reconciliation:run", pk=run.pk)
        if run
        else redirect("reconciliation:index")
    )


@reconciler
def run_detail(request, pk: int):
    run = _run(request, pk)
    if request.htmx:
        if not run.is_finished:
            return render(request, "reconciliation/_progress.html", {"run": run})
        done = HttpResponse()
        done["HX-Redirect"] = (
            request.path
        )  # the finished run: the whole page, with its lists
        return done
    cls = request.GET.get("kelas", "")
    cls = cls if cls in rules.CLASSES else ""
    region = request.GET.get("wilayah", "").strip()[:13]
    kabupaten = region[:5] if len(region) >= 5 else ""
    context = {"run": run, "cls": cls, "region": region, "kabupaten": kabupaten}
    if run.state == ReconciliationRun.State.DONE:
        page = Paginator(
            services.result_rows(run, cls=cls, region=region), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        context.update(
            page=page,
            classes=[
                (name, rules.CLASS_LABELS[name], count)
                for name, count in run.class_counts().items()
            ],
            regions=services.region_counts(run, kabupaten),
            class_names=rules.CLASSES,
            ended=services.ended_candidates(run, request.user).count(),
        )
    return render(request, "reconciliation/run.html", context)


@reconciler
def download(request, pk: int):
    run = _run(request, pk)
    if run.state != ReconciliationRun.State.DONE:
        raise Http404
    cls = request.GET.get("kelas", "")
    cls = cls if cls in rules.CLASSES else ""
    region = request.GET.get("wilayah", "").strip()[:13]
    target = Path(tempfile.mkdtemp()) / "rekonsiliasi_{}_{}.xlsx".format(
        run.pk, cls or "semua"
    )
    services.write_class_xlsx(
        actor=request.user, run=run, cls=cls, region=region, target=target
    )
    return FileResponse(target.open("rb"), as_attachment=True, filename=target.name)


@reconciler
def errors_download(request, pk: int):
    run = _run(request, pk)
    path = services.error_file_path(run)
    if path is None or not path.is_file():
        raise Http404
    # The rows' personal data as BPJS sent them: the download is audited (UU PDP).
    audit.record(
        actor=request.user,
        action="export",
        obj=run,
        region_code=run.region_id or "",
        note="unduh berkas kesalahan rekonsiliasi #{}".format(run.pk),
    )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename="kesalahan_rekonsiliasi_{}.xlsx".format(run.pk),
    )


def _act(request, pk: int, action, message: str):
    run = _run(request, pk)
    try:
        result = action(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, message.format(**result))
    return redirect("reconciliation:run", pk=run.pk)


@reconciler
@require_POST
def write_back_kpj(request, pk: int):
    return _act(
        request,
        pk,
        services.write_back_kpj,
        _(
            "{written} KPJ numbers written back; {conflicts} held by someone else; {skipped} already had one."
        ),
    )


@reconciler
@require_POST
def mark_to_send(request, pk: int):
    return _act(
        request,
        pk,
        services.mark_to_send,
        _("{marked} memberships marked to be sent to BPJS."),
    )


@reconciler
def close_ended(request, pk: int):
    run = _run(request, pk)
    if run.state != ReconciliationRun.State.DONE:
        raise Http404
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.close_ended(
            actor=request.user, run=run, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("{closed} memberships ended.").format(**result))
        return redirect("reconciliation:run", pk=run.pk)
    candidates = services.ended_candidates(run, request.user)
    return render(
        request,
        "reconciliation/close.html",
        {
            "run": run,
            "form": form,
            "candidates": candidates[:500],
            "count": candidates.count(),
        },
    )


@reconciler
def pending(request):
    return render(
        request,
        "reconciliation/pending.html",
        {"payers": services.pending_by_payer(request.user)},
    )


@reconciler
def export_payer(request, payer_code: str):
    target = Path(tempfile.mkdtemp()) / "pendaftaran_bpjs_{}.xlsx".format(
        "".join(c if c.isalnum() or c in "-." else "_" for c in payer_code)[:60]
    )
    count = services.export_registrations(
        actor=request.user, payer_code=payer_code, target=target
    )
    if not count:
        raise Http404
    return FileResponse(target.open("rb"), as_attachment=True, filename=target.name)
