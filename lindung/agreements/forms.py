from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Scope


class PKSForm(forms.Form):
    kabupaten = forms.CharField(label=_("Regency/city code"), max_length=5)
    number = forms.CharField(label=_("Agreement number"), max_length=100)
    signed_on = forms.DateField(
        label=_("Signing date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_to = forms.DateField(
        label=_("Valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    document = forms.FileField(label=_("Document (PDF)"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_document(self):
        doc = self.cleaned_data.get("document")
        if doc is None:
            return doc
        if doc.size > 20 * 1024 * 1024:
            raise forms.ValidationError("Berkas PKS terlalu besar (maksimum 20 MB).")
        head = doc.read(5)
        doc.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("Dokumen PKS harus berkas PDF.")
        return doc


class PlannedActionForm(forms.Form):
    kabupaten = forms.CharField(label=_("Regency/city code"), max_length=5)
    planned_on = forms.DateField(
        label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=_("Action"), max_length=255)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
