"""Lists you can work with: one pager (page size kept in the URL with the filters) and one download per list, the
same rows the filters show. Each list view describes its download once (:class:`Export`) and calls
:func:`respond`; the template includes ``common/_pager.html`` and ``common/_downloads.html``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone

from .exports import download

PAGE_SIZES = (50, 100, 300)
FORMATS = ("csv", "xlsx")


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
    """A list's download: the file name's stem, the header, one row per object, and what the audit row says."""

    name: str
    header: Sequence[str]
    row: Callable[[object], Sequence]
    model: str
    what: str  # "daftar tagihan", for the audit note

    def rows(self, qs) -> Iterable[Sequence]:
        source = qs.iterator(chunk_size=2000) if isinstance(qs, QuerySet) else qs
        for obj in source:
            yield self.row(obj)


def wants_download(request) -> bool:
    return request.GET.get("format") in FORMATS


def send(
    request, qs, export: Export, *, count: int | None = None, unmasked: bool = False
):
    """Every row the filters show (not one page), streamed as CSV or built as XLSX; audited as an export."""
    return download(
        request,
        name="{}-{}".format(export.name, timezone.localdate().isoformat()),
        header=[str(h) for h in export.header],
        rows=export.rows(qs),
        count=qs.count() if count is None else count,
        fmt=request.GET["format"],
        model=export.model,
        note="unduh {} ({})".format(export.what, request.GET.urlencode()[:150]),
        unmasked=unmasked,
    )


def respond(request, qs, export: Export, template: str, context: dict, **paging):
    """The list page, or its download when ``format=csv|xlsx`` is asked."""
    if wants_download(request):
        return send(request, qs, export)
    return render(request, template, {**context, **paged(request, qs, **paging)})
