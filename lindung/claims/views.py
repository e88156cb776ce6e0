"""Claim screens: list, new claim with a live quote (htmx), detail with documents and status buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts import audit
from lindung.common import lists
from lindung.common.errors import message_of
from lindung.common.format import mask_nik

from . import filters, rules, services
from .choices import Event, Level, Status
from .forms import KlaimForm
from .models import Beasiswa, Klaim, KlaimDokumen


def _visible(request: HttpRequest):
    return Klaim.objects.visible_to(request.user).select_related(
        "kepesertaan__peserta", "kepesertaan__desa"
    )


@login_required
def klaim_list(request: HttpRequest) -> HttpResponse:
    qs = filters.claims(request.user, request.GET)
    status = request.GET.get("status", "")
    event = request.GET.get("event", "")
    context = {
        "status": status,
        "event": event,
        "statuses": Status.choices,
        "events": Event.choices,
        "can_submit": services.may(request.user, "submit"),
    }
    return lists.respond(request, qs, CLAIM_EXPORT, "claims/list.html", context)


CLAIM_EXPORT = lists.Export(
    name="klaim",
    header=[
        "Nomor",
        "NIK",
        "Nama Peserta",
        "Kode Desa",
        "Desa",
        "Peristiwa",
        "Tanggal Kejadian",
        "Pengaju",
        "Hubungan",
        "Status",
        "Layak",
        "Santunan (Rp)",
    ],
    # NIK masked: a claim list is for follow-up; the full NIK is on the participant's page, unmasked and audited.
    row=lambda k: [
        k.pk,
        mask_nik(k.kepesertaan.peserta.nik),
        k.kepesertaan.peserta.display_name,
        k.kepesertaan.desa_id,
        k.kepesertaan.desa.name,
        k.get_event_display(),
        k.incident_date.strftime("%d-%m-%Y"),
        k.claimant_name,
        k.claimant_relation,
        k.get_status_display(),
        "ya" if k.eligible else "tidak",
        k.total if k.eligible else 0,
    ],
    model="claims.Klaim",
    what="daftar klaim",
    path="lindung.claims.views.CLAIM_EXPORT",
    query=filters.claims,
)


@login_required
def klaim_new(request: HttpRequest) -> HttpResponse:
    if not services.may(request.user, "submit"):
        raise PermissionDenied(_("Only village and regency operators can file claims."))
    form = KlaimForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = form.details()
        try:
            klaim = services.submit_klaim(
                actor=request.user,
                kepesertaan=form.kepesertaan,
                claimant_name=data["claimant_name"],
                claimant_relation=data["claimant_relation"],
                cause=data.get("cause") or "",
                **details,
            )
        except ValidationError as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("Claim #{id} submitted.").format(id=klaim.pk))
            return redirect("claims:detail", pk=klaim.pk)
    return render(
        request,
        "claims/new.html",
        {"form": form, "matches": form.matches, "chosen": _chosen(form)},
    )


def _chosen(form: KlaimForm) -> int | None:
    return form.kepesertaan.pk if form.kepesertaan is not None else None


@login_required
@require_GET
def klaim_search(request: HttpRequest) -> HttpResponse:
    """htmx: the people matching the name or NIK typed on the claim form, within the user's regions."""
    if not services.may(request.user, "submit"):
        raise PermissionDenied(_("Only village and regency operators can file claims."))
    text = request.GET.get("peserta", "")
    return render(
        request,
        "claims/_matches.html",
        {
            "matches": services.search_kepesertaan(text, user=request.user),
            "searched": text.strip(),
        },
    )


@login_required
@require_POST
def klaim_quote(request: HttpRequest) -> HttpResponse:
    """htmx: the quote for what the form holds so far."""
    if not services.may(request.user, "submit"):
        raise PermissionDenied(_("Only village and regency operators can file claims."))
    form = KlaimForm(request.POST, user=request.user)
    ctx: dict = {"form": form}
    if form.is_valid():
        try:
            ctx["quote"] = services.preview_klaim(
                actor=request.user, kepesertaan=form.kepesertaan, **form.details()
            )
            ctx["kepesertaan"] = form.kepesertaan
        except ValidationError as exc:
            ctx["error"] = message_of(exc)
    return render(request, "claims/_quote.html", ctx)


@login_required
def klaim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    klaim = get_object_or_404(
        _visible(request).select_related("verified_by", "approved_by", "paid_by"),
        pk=pk,
    )
    return render(
        request,
        "claims/detail.html",
        {
            "klaim": klaim,
            "quote": rules.presentable(klaim.quote),
            "checklist": services.document_checklist(klaim),
            "missing": services.missing_documents(klaim),
            "can": services.claim_permissions(request.user, klaim),
            "membership_ended_on": services.membership_ended_on(klaim),
            "transitions": klaim.transitions.select_related("actor"),
            "beasiswa": klaim.beasiswa.all(),
            "levels": [lv for lv in Level.choices if lv[0] != Level.BELUM_SEKOLAH],
            "status_labels": dict(Status.choices),
        },
    )


@login_required
@require_POST
def klaim_upload(request: HttpRequest, pk: int) -> HttpResponse:
    klaim = get_object_or_404(_visible(request), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Pilih berkas yang akan diunggah.")
        return redirect("claims:detail", pk=pk)
    try:
        services.upload_document(
            actor=request.user,
            klaim=klaim,
            requirement_code=request.POST.get("code", ""),
            upload=upload,
        )
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, _("Document uploaded."))
    return redirect("claims:detail", pk=pk)


@login_required
def klaim_document(request: HttpRequest, pk: int, doc_id: int) -> FileResponse:
    klaim = get_object_or_404(_visible(request), pk=pk)
    doc = get_object_or_404(KlaimDokumen, pk=doc_id, klaim=klaim)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Death certificates, KTP and KK scans: every view of one is audited like unmasking (UU PDP).
    audit.record(
        actor=request.user,
        action="export",
        obj=doc,
        region_code=klaim.kepesertaan.desa_id,
        note="lihat dokumen klaim #{}: {}".format(klaim.pk, doc.original_name)[:255],
    )
    return FileResponse(
        handle, content_type=doc.content_type, filename=doc.original_name
    )


@login_required
@require_POST
def klaim_transition(request: HttpRequest, pk: int) -> HttpResponse:
    klaim = get_object_or_404(_visible(request), pk=pk)
    try:
        services.transition_klaim(
            actor=request.user,
            klaim=klaim,
            to_status=request.POST.get("to", ""),
            note=request.POST.get("note", ""),
            payment_reference=request.POST.get("payment_reference", ""),
            paid_on=request.POST.get("paid_on") or None,
        )
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    except services.TwoPersonRefusal as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Claim status updated."))
    return redirect("claims:detail", pk=pk)


@login_required
@require_POST
def beasiswa_action(request: HttpRequest, pk: int, beasiswa_id: int) -> HttpResponse:
    """Pay this year's scholarship, stop it, or add the child's next school year."""
    klaim = get_object_or_404(_visible(request), pk=pk)
    beasiswa = get_object_or_404(Beasiswa, pk=beasiswa_id, klaim=klaim)
    action = request.POST.get("action", "")
    try:
        if action == "renew":
            services.renew_beasiswa(
                actor=request.user,
                beasiswa=beasiswa,
                level=request.POST.get("level", ""),
                school_year=request.POST.get("school_year", ""),
            )
        else:
            services.set_beasiswa_status(
                actor=request.user,
                beasiswa=beasiswa,
                status=action,
                note=request.POST.get("note", ""),
            )
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, _("Scholarship updated."))
    return redirect("claims:detail", pk=pk)
