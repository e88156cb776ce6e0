"""Web forms for the registry. Fields stay raw text where the import accepts many spellings; the service validates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import (
    AlasanBerhenti,
    Jabatan,
    Kind,
    Pekerjaan,
    RiskGroup,
    Sex,
    Status,
    SumberDana,
)


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class KepesertaanForm(forms.Form):
    """Add or edit a membership. Validation (NIK, village, conflicts) is ``services.register_or_update``."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    nik = forms.CharField(label="NIK", max_length=24)
    name = forms.CharField(label=_("Name"), max_length=150)
    birth_date = forms.CharField(label=_("Birth date (dd/mm/yyyy)"), max_length=20)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    desa_code = forms.CharField(label=_("Village code (Kemendagri)"), max_length=16)
    jabatan = forms.ChoiceField(
        label=_("Position"), choices=_blank(Jabatan.choices), required=False
    )
    pekerjaan = forms.ChoiceField(
        label=_("Occupation"), choices=_blank(Pekerjaan.choices), required=False
    )
    wage = forms.CharField(
        label=_("Siltap / monthly income (Rp)"), max_length=30, required=False
    )
    sumber_dana = forms.ChoiceField(
        label=_("Funding source"), choices=_blank(SumberDana.choices), required=False
    )
    start_of_term = forms.CharField(
        label=_("Start of term (dd/mm/yyyy)"), max_length=20, required=False
    )
    jht = forms.BooleanField(label="JHT", required=False)
    jp = forms.BooleanField(label="JP", required=False)
    risk_group = forms.ChoiceField(
        label=_("Risk group"),
        choices=RiskGroup.choices,
        initial=RiskGroup.SANGAT_RENDAH,
        required=False,
    )
    kpj = forms.CharField(label="KPJ", max_length=20, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by the page that showed the name/birth date/sex changes old → new (services.IdentityChange).
    confirm_identity = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["jht"] = "ya" if data.get("jht") else "tidak"
        data["jp"] = "ya" if data.get("jp") else "tidak"
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[c for c in Status.choices if c[0] != Status.BERHENTI],
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=AlasanBerhenti.choices)
    ended_on = forms.DateField(
        label=_("Ended on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class KpjForm(forms.Form):
    kpj = forms.CharField(label="KPJ", max_length=20)
