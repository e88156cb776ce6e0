"""Lists you can work with: one pager (page size kept in the URL with the filters) and one download per list, the
same rows the filters show. Each list view describes its download once (:class:`Export`) and calls
:func:`respond`; the template includes ``common/_pager.html`` and ``common/_downloads.html``.

A CSV is streamed row by row whatever its size. An XLSX is built whole, so beyond ``MAX_XLSX_ROWS`` rows it is
built by the task worker instead (an :class:`~lindung.common.models.ExportJob` with its progress): the list's
``query`` rebuilds the same rows for the same user from the saved filters."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string

from lindung.accounts import audit

from . import exports
from .exports import download
from .models import ExportJob
from .spreadsheet import write_xlsx
from .uploads import delete_files

PAGE_SIZES = (50, 100, 300)
FORMATS = ("csv", "xlsx")
PROGRESS_EVERY = 5000


def page_size(request) -> int:
    try:
        size = int(request.GET.get("size", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def paged(
    request, qs, paginator: type[Paginator] = Paginator, size: int | None = None
) -> dict:
    """The page the request asks for, and what ``_pager.html`` and ``_downloads.html`` need: ``params`` are the
    filters without the page, so the pager and the download links keep them."""
    size = size or page_size(request)
    page = paginator(qs, size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return {
        "page": page,
        "params": params.urlencode(),
        "page_size": size,
        "page_sizes": PAGE_SIZES,
        "count": page.paginator.count,
    }


@dataclass(frozen=True)
class Export:
    """A list's download: the file name's stem, the header, one row per object, what the audit row says, and
    where the list's rows come from.

    ``path`` is this object's dotted path and ``query(user, params)`` the list's queryset for a user and its
    filters: with both, a large XLSX is built in the background (the worker finds the list by ``path``).
    ``rows_for(user, params, qs)``, when given, replaces ``row`` (a list whose rows depend on the user, such as
    the participants' NIK unmasking)."""

    name: str
    header: Sequence[str]
    row: Callable[[object], Sequence] | None
    model: str
    what: str  # "daftar tagihan", for the audit note
    path: str = ""
    query: Callable[[object, QueryDict], QuerySet] | None = None
    rows_for: Callable[[object, QueryDict, QuerySet], Iterable[Sequence]] | None = None

    def rows(self, qs, user=None, params=None) -> Iterable[Sequence]:
        if self.rows_for is not None:
            yield from self.rows_for(
                user, params if params is not None else QueryDict(), qs
            )
            return
        source = qs.iterator(chunk_size=2000) if isinstance(qs, QuerySet) else qs
        for obj in source:
            yield self.row(obj)


def wants_download(request) -> bool:
    return request.GET.get("format") in FORMATS


def send(
    request,
    qs,
    export: Export,
    *,
    fmt: str | None = None,
    count: int | None = None,
    unmasked: bool = False,
):
    """Every row the filters show (not one page), streamed as CSV or built as XLSX (``fmt``, else the request's
    ``format``); audited as an export. An XLSX beyond ``MAX_XLSX_ROWS`` rows is queued for the worker (its page
    shows the progress)."""
    count = qs.count() if count is None else count
    fmt = fmt or request.GET["format"]
    if fmt == "xlsx" and count > exports.MAX_XLSX_ROWS and export.query is not None:
        return redirect("export_job", pk=queue(request, export, count, unmasked).pk)
    return download(
        request,
        name=_stem(export),
        header=[str(h) for h in export.header],
        rows=export.rows(qs, request.user, request.GET),
        count=count,
        fmt=fmt if count <= exports.MAX_XLSX_ROWS else "csv",
        model=export.model,
        note=_note(export, request.GET),
        unmasked=unmasked,
    )


def respond(request, qs, export: Export, template: str, context: dict, **paging):
    """The list page, or its download when ``format=csv|xlsx`` is asked."""
    if wants_download(request):
        return send(request, qs, export)
    return render(request, template, {**context, **paged(request, qs, **paging)})


def _stem(export: Export) -> str:
    return "{}-{}".format(export.name, timezone.localdate().isoformat())


def _note(export: Export, params) -> str:
    return "unduh {} ({})".format(export.what, params.urlencode()[:150])


# --- large downloads, built by the worker ---------------------------------------------------------------------------


def queue(request, export: Export, count: int, unmasked: bool = False) -> ExportJob:
    """Record the export (audited now, like any download: who asked for which rows) and queue its build."""
    from .tasks import (
        build_export_task,  # a real cycle: the task module calls build() below
    )

    _forget_old(request.user)
    params = request.GET.copy()
    params.pop("format", None)
    job = ExportJob.objects.create(
        user=request.user,
        export=export.path,
        params=params.urlencode(),
        fmt="xlsx",
        total=count,
        filename=_stem(export) + ".xlsx",
    )
    audit.record(
        actor=request.user,
        action="export",
        model=export.model,
        note=_note(export, params)[:255],
        changes={
            "rows": count,
            "format": "xlsx",
            "nik_unmasked": unmasked,
            "background": job.pk,
        },
    )
    build_export_task.enqueue(job.pk)
    return job


KEEP_FOR = dt.timedelta(days=1)


def _forget_old(user) -> None:
    """A built file holds personal data: kept a day for its requester, then deleted with its job."""
    for job in ExportJob.objects.filter(
        user=user, created_at__lt=timezone.now() - KEEP_FOR
    ):
        delete_files(job.file)
        job.delete()


def build(job_id: int) -> ExportJob:
    """Build a queued export: the list's rows for its user and filters, the progress saved as it goes."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING)
    try:
        export: Export = import_string(job.export)
        params = QueryDict(job.params)
        qs = export.query(job.user, params)

        def counted():
            for n, row in enumerate(export.rows(qs, job.user, params), start=1):
                if n % PROGRESS_EVERY == 0:
                    ExportJob.objects.filter(pk=job.pk).update(processed=n)
                yield row
                job.processed = n

        tmp = Path(tempfile.mkdtemp()) / job.filename
        write_xlsx(tmp, [str(h) for h in export.header], counted())
        with tmp.open("rb") as handle:
            job.file.save(job.filename, File(handle), save=False)
        tmp.unlink(missing_ok=True)
        job.state = ExportJob.State.DONE
    except Exception as exc:  # the page says so; the worker goes on with the next job
        job.state, job.message = ExportJob.State.FAILED, str(exc)[:255]
    job.finished_at = timezone.now()
    job.save()
    return job
