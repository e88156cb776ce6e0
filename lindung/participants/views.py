"""Registry screens: list (htmx rows), detail with history and coverage, add/edit, status, KPJ, NIK unmasking."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.models import user_can
from lindung.common import lists
from lindung.common.errors import message_of
from lindung.common.format import mask_nik
from lindung.contributions.services import coverage_strip, paid_through

from . import services
from .choices import Kind, Status, SumberDana
from .filters import filtered
from .forms import EndForm, KepesertaanForm, KpjForm, StatusForm
from .models import Kepesertaan

PAGE_SIZE = 50
# Deeper pages are not offered: OFFSET that far sorts most of a national table for one page; filters narrow it.
MAX_PAGES = 200


class CappedPaginator(Paginator):
    """Pages up to MAX_PAGES, and counts only that far: ``COUNT(*)`` over a LIMIT of cap + 1 rows, so a list of the
    whole country (10 M memberships: 377 ms for the exact count) costs what a list of 10,001 does. ``capped`` says
    there are more; exact totals per region are the dashboard's and the rakor report's job."""

    @cached_property
    def _seen(self) -> int:
        """Rows, counted up to one past the cap."""
        return self.object_list.order_by().values("pk")[: self._cap + 1].count()

    @property
    def _cap(self) -> int:
        return MAX_PAGES * self.per_page

    @cached_property
    def count(self) -> int:
        return min(self._seen, self._cap)

    @property
    def capped(self) -> bool:
        return self._seen > self._cap

    @property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)


logger = logging.getLogger(__name__)


@login_required
def peserta_list(request):
    qs = filtered(request.user, request.GET)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for k in page.object_list:
        k.nik_masked = mask_nik(k.peserta.nik)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "params": params.urlencode(),
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "sumber": SumberDana.choices,
        "f": request.GET,
        "can_add": user_can(request.user, "change"),
        "capped": page.paginator.capped,
        "shown": MAX_PAGES * PAGE_SIZE,
    }
    if request.htmx:
        return render(request, "participants/_peserta_rows.html", context)
    return render(request, "participants/list.html", context)


DOWNLOAD_HEADER = [
    "NIK",
    "Nama",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Jenis Peserta",
    "Jabatan/Pekerjaan",
    "Kode Desa",
    "Desa",
    "Sumber Dana",
    "Status",
    "KPJ",
    "Tanggal Daftar",
]


@login_required
def peserta_download(request):
    """The list as the filters show it, every row (not one page), as CSV or XLSX; NIK masked unless the user may
    unmask and asks to (``unmask=1``), which the export's audit row records."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    unmask = request.GET.get("unmask") == "1" and user_can(request.user, "unmask")
    return lists.send(
        request,
        filtered(request.user, request.GET),
        PARTICIPANT_EXPORT,
        fmt=fmt,
        unmasked=unmask,
    )


def _participant_rows(user, params, qs):
    unmask = params.get("unmask") == "1" and user_can(user, "unmask")
    for k in qs.iterator(chunk_size=2000):
        p = k.peserta
        yield [
            # Asked per row of the same role table (the user's regions are cached): reading the desa of every
            # membership the user may unmask first was a second pass over the whole scope.
            p.nik
            if unmask and user_can(user, "unmask", k.desa_id)
            else mask_nik(p.nik),
            p.display_name,
            p.birth_date.strftime("%d-%m-%Y"),
            p.get_sex_display(),
            k.get_kind_display(),
            k.role_label,
            k.desa_id,
            k.desa.name,
            k.get_sumber_dana_display(),
            k.get_status_display(),
            k.kpj,
            k.registered_on.strftime("%d-%m-%Y"),
        ]


PARTICIPANT_EXPORT = lists.Export(
    name="peserta",
    header=DOWNLOAD_HEADER,
    row=None,
    model="participants.Kepesertaan",
    what="daftar peserta",
    path="lindung.participants.views.PARTICIPANT_EXPORT",
    query=filtered,
    rows_for=_participant_rows,
)


def _get(request, pk: int) -> Kepesertaan:
    return get_object_or_404(
        Kepesertaan.objects.visible_to(request.user).select_related("peserta", "desa"),
        pk=pk,
    )


def _coverage(kepesertaan: Kepesertaan) -> dict:
    """Coverage strip from the contributions app."""
    try:
        return {
            "strip": coverage_strip(kepesertaan, timezone.localdate()),
            "paid_through": paid_through(kepesertaan),
        }
    except Exception:  # the other app's helper must never break the registry page
        logger.exception("coverage strip failed for kepesertaan %s", kepesertaan.pk)
        return {}


def _template_exists(name: str) -> bool:

    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


@login_required
def peserta_detail(request, pk: int, nik: str | None = None):
    k = _get(request, pk)
    context = {
        "k": k,
        "nik_shown": nik or mask_nik(k.peserta.nik),
        "unmasked": nik is not None,
        "can_unmask": services.can_unmask(request.user, k) and nik is None,
        "can_change": user_can(request.user, "change", k.desa_id)
        and k.status != Status.BERHENTI,
        "can_kpj": user_can(request.user, "validate", k.desa_id)
        or user_can(request.user, "change", k.desa_id),
        "history": k.history.select_related("actor"),
        "others": k.peserta.kepesertaan.exclude(pk=k.pk).select_related("desa"),
        "status_form": StatusForm(initial={"status": k.status}),
        "end_form": EndForm(),
        "kpj_form": KpjForm(initial={"kpj": k.kpj}),
        "has_strip": _template_exists("contributions/_coverage_strip.html"),
    }
    if context["has_strip"]:
        context.update(_coverage(k))
    return render(request, "participants/detail.html", context)


@login_required
@require_POST
def unmask(request, pk: int):
    k = _get(request, pk)
    nik = services.unmask_nik(actor=request.user, kepesertaan=k)
    return peserta_detail(request, pk, nik=nik)


def _form_initial(k: Kepesertaan) -> dict:
    p = k.peserta
    return {
        "kind": k.kind,
        "nik": p.nik,
        "name": p.name,
        "birth_date": p.birth_date.strftime("%d/%m/%Y"),
        "sex": p.sex,
        "desa_code": k.desa_id,
        "jabatan": k.jabatan,
        "pekerjaan": k.pekerjaan,
        "wage": k.wage or "",
        "sumber_dana": k.sumber_dana,
        "jht": k.jht,
        "jp": k.jp,
        "risk_group": k.risk_group,
        "kpj": k.kpj,
        "phone": p.phone,
        "version": k.version,
        "start_of_term": k.start_of_term.strftime("%d/%m/%Y")
        if k.start_of_term
        else "",
    }


@login_required
def peserta_form(request, pk: int | None = None):
    k = _get(request, pk) if pk else None
    if not user_can(request.user, "change", k.desa_id if k else None):
        raise PermissionDenied
    form = KepesertaanForm(
        request.POST or None,
        initial=_form_initial(k) if k else {"kind": request.GET.get("kind")},
    )
    if k is not None:
        form.fields["nik"].disabled = True
        form.fields["kind"].disabled = True
        # The edit form shows the NIK as every page does: masked (the service takes it from the record).
        form.initial["nik"] = mask_nik(k.peserta.nik)
    context = {"form": form, "k": k}
    if request.method == "POST" and form.is_valid():
        try:
            data = form.service_data()
            if k is not None:
                data["kepesertaan_id"] = k.pk
                data["nik"], data["kind"] = k.peserta.nik, k.kind
            saved, outcome = services.register_or_update(actor=request.user, data=data)
        except services.AlreadyRegistered as exc:
            context["existing"] = exc.kepesertaan
            form.add_error(None, exc.messages[0])
        except services.IdentityChange as exc:
            # Shown old → new; the next submit (same values, confirm_identity set) saves them.
            context["identity_changes"] = exc.changes
            data = request.POST.copy()
            data["confirm_identity"] = "1"
            form = KepesertaanForm(data, initial=form.initial)
            if k is not None:
                form.fields["nik"].disabled = form.fields["kind"].disabled = True
            context["form"] = form
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except PermissionDenied as exc:
            form.add_error(
                None, str(exc) or _("You may not change data in this region.")
            )
        else:
            messages.success(
                request,
                {
                    "inserted": _("Participant registered."),
                    "updated": _("Changes saved."),
                    "unchanged": _("Nothing changed."),
                }[outcome],
            )
            return redirect("participants:detail", pk=saved.pk)
    return render(request, "participants/form.html", context)


def _post_action(request, pk: int, form_class, action) -> object:
    k = _get(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = action(k, form.cleaned_data)
            messages.success(request, message)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, message_of(exc))
    else:
        messages.error(request, _("Please check the form."))
    return redirect("participants:detail", pk=k.pk)


@login_required
@require_POST
def change_status(request, pk: int):
    def act(k, data):
        services.change_status(
            actor=request.user,
            kepesertaan=k,
            status=data["status"],
            reason=data["reason"],
        )
        return _("Status changed.")

    return _post_action(request, pk, StatusForm, act)


@login_required
@require_POST
def end(request, pk: int):
    def act(k, data):
        services.end_membership(
            actor=request.user,
            kepesertaan=k,
            reason=data["reason"],
            ended_on=data["ended_on"],
        )
        return _("Membership ended.")

    return _post_action(request, pk, EndForm, act)


@login_required
@require_POST
def set_kpj(request, pk: int):
    def act(k, data):
        _k, warning = services.set_kpj(
            actor=request.user, kepesertaan=k, kpj=data["kpj"]
        )
        return _("KPJ saved.") + (" " + warning if warning else "")

    return _post_action(request, pk, KpjForm, act)
