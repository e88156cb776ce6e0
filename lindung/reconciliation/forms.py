from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.participants.choices import AlasanBerhenti


class UploadForm(forms.Form):
    file = forms.FileField(label=_("BPJS participant list (XLSX, XLS, ODS or CSV)"))
    region = forms.CharField(
        label=_("Limit to region (code, optional)"),
        max_length=13,
        required=False,
        help_text=_("Default: every region you may see."),
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=AlasanBerhenti.choices)
    confirm = forms.BooleanField(
        label=_("I have checked the list and want to end these memberships"),
        required=True,
    )
