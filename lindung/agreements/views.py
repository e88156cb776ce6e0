from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from . import services
from .forms import PKSForm, PlannedActionForm
from .models import PKS, PlannedAction


@login_required
def pks_list(request):
    """PKS and planned actions of the kabupaten/kota the user may see; forms to add both."""
    pks_form = PKSForm(request.POST or None, request.FILES or None, prefix="pks")
    action_form = PlannedActionForm(request.POST or None, prefix="act")
    if request.method == "POST":
        form = pks_form if "pks-number" in request.POST else action_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is pks_form:
                    services.save_pks(
                        actor=request.user,
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
                        actor=request.user,
                        kabupaten_code=data["kabupaten"],
                        planned_on=data["planned_on"],
                        description=data["description"],
                        scope=data["scope"],
                    )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, "Tersimpan.")
                return redirect("agreements:list")
    return render(
        request,
        "agreements/list.html",
        {
            "pks": PKS.objects.visible_to(request.user).select_related("kabupaten"),
            "actions": PlannedAction.objects.visible_to(request.user).select_related(
                "kabupaten"
            ),
            "pks_form": pks_form,
            "action_form": action_form,
        },
    )
