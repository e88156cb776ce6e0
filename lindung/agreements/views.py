from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.models import user_can
from lindung.common import lists
from lindung.common.errors import message_of

from . import rules, services
from .forms import PKSForm, PlannedActionForm
from .models import PKS, PlannedAction


@login_required
def pks_list(request):
    """PKS and planned actions of the kabupaten/kota the user may see, with where each agreement stands today
    (an ended one in red until a renewal is recorded) and overdue plans; forms to add both."""
    initial = {"kabupaten": request.GET.get("kabupaten", "")[:5]}
    pks_form = PKSForm(
        request.POST or None, request.FILES or None, prefix="pks", initial=initial
    )
    action_form = PlannedActionForm(request.POST or None, prefix="act", initial=initial)
    if request.method == "POST":
        form = pks_form if "pks-number" in request.POST else action_form
        if form.is_valid():
            try:
                _save(request.user, form is pks_form, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, message_of(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("agreements:list")
    qs = pks_query(request.user, request.GET)
    if lists.wants_download(request):
        return lists.send(request, qs, PKS_EXPORT)
    listed = lists.paged(request, qs)
    context = _context(request.user, listed["page"], pks_form, action_form)
    return render(request, "agreements/list.html", {**context, **listed})


def pks_query(user, params):
    return PKS.objects.visible_to(user).select_related("kabupaten")


PKS_EXPORT = lists.Export(
    name="pks",
    header=[
        "Kode Kabupaten/Kota",
        "Kabupaten/Kota",
        "Nomor PKS",
        "Tanggal Tanda Tangan",
        "Berlaku Mulai",
        "Berlaku Sampai",
        "Cakupan",
        "Dokumen",
        "Catatan",
    ],
    row=lambda p: [
        p.kabupaten_id,
        p.kabupaten.name,
        p.number,
        p.signed_on.strftime("%d-%m-%Y"),
        p.valid_from.strftime("%d-%m-%Y") if p.valid_from else "",
        p.valid_to.strftime("%d-%m-%Y") if p.valid_to else "",
        p.get_scope_display(),
        "ada" if p.document else "",
        p.notes,
    ],
    model="agreements.PKS",
    what="daftar PKS",
    path="lindung.agreements.views.PKS_EXPORT",
    query=pks_query,
)


def _save(user, is_pks: bool, data: dict) -> None:
    if is_pks:
        services.save_pks(
            actor=user,
            kabupaten_code=data["kabupaten"],
            number=data["number"],
            signed_on=data["signed_on"],
            scope=data["scope"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            notes=data["notes"],
            document=data["document"],
        )
    else:
        services.add_planned_action(
            actor=user,
            kabupaten_code=data["kabupaten"],
            planned_on=data["planned_on"],
            description=data["description"],
            scope=data["scope"],
        )


def _context(user, agreements, pks_form, action_form) -> dict:
    """The page of agreements with where each stands; the ended list covers every visible regency, not one page."""
    today = dt.date.today()
    visible = PKS.objects.visible_to(user)
    codes = sorted(set(visible.values_list("kabupaten_id", flat=True)))
    states = services.agreement_states(codes, today)
    names = dict(visible.values_list("kabupaten_id", "kabupaten__name").distinct())
    pks_rows = [
        {
            "p": p,
            "ended": p.valid_to is not None and p.valid_to < today,
            "not_yet": (p.valid_from or p.signed_on) > today,
            # Red only while no renewal is recorded: the regency's latest agreement has ended too.
            "alert": states.get(p.kabupaten_id, {}).get("pks_status")
            == rules.PKSStatus.BERAKHIR,
            "renewable": user_can(user, "agreement", p.kabupaten_id),
        }
        for p in agreements
    ]
    actions = [
        {
            "a": a,
            "overdue": rules.action_overdue(
                planned_on=a.planned_on, done=a.done, as_of=today
            ),
            "can_change": user_can(user, "agreement", a.kabupaten_id),
        }
        for a in PlannedAction.objects.visible_to(user).select_related("kabupaten")
    ]
    return {
        "pks_rows": pks_rows,
        "ended": [
            {
                "code": code,
                "name": names[code],
                "renewable": user_can(user, "agreement", code),
                **s,
            }
            for code, s in sorted(states.items())
            if s["pks_status"] == rules.PKSStatus.BERAKHIR
        ],
        "actions": actions,
        "pks_form": pks_form,
        "action_form": action_form,
        "today": today,
    }


@login_required
@require_POST
def action_done(request, pk: int):
    """Mark a planned action done (``done=0`` undoes it)."""
    action = get_object_or_404(PlannedAction.objects.visible_to(request.user), pk=pk)
    try:
        services.set_action_done(
            actor=request.user, action=action, done=request.POST.get("done") != "0"
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("agreements:list")
