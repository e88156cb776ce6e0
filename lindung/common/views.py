from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader

from .models import ExportJob


def api_docs_redirect(request):
    return redirect("/api/v1/docs")


def bad_request(request, exception, template_name="400.html"):
    """A 400 inside the site layout, saying what was refused (Django's own 400 page has neither)."""
    message = exception.args[0] if getattr(exception, "args", None) else ""
    body = loader.get_template(template_name).render(
        {"exception": message if isinstance(message, str) else ""}, request
    )
    return HttpResponseBadRequest(body)


@login_required
def export_job(request, pk: int):
    """A large download being built: its progress (polled with htmx), then the file."""
    job = get_object_or_404(ExportJob.objects.filter(user=request.user), pk=pk)
    template = (
        "common/_export_progress.html" if request.htmx else "common/export_job.html"
    )
    return render(request, template, {"job": job})


@login_required
def export_file(request, pk: int):
    job = get_object_or_404(
        ExportJob.objects.filter(user=request.user, state=ExportJob.State.DONE), pk=pk
    )
    if not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
