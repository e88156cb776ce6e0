from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.participants.choices import Kind, SumberDana


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX, XLS, ODS or CSV)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    region = forms.CharField(
        label=_("Limit to region (code, optional)"),
        max_length=13,
        required=False,
        help_text=_(
            "A desa code also gives the village to a file without a village column (an OpenSID export)."
        ),
    )
    sumber_dana = forms.ChoiceField(
        label=_("Funding source for rows without one"),
        choices=[("", _("— as in the file —")), *SumberDana.choices],
        required=False,
        help_text=_("Fills a blank Sumber Dana; never replaces a recorded one."),
    )
    dry_run = forms.BooleanField(label=_("Check only, do not save"), required=False)
