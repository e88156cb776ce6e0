"""The new-claim form: participant by NIK (within the user's regions), event, dates, claimant, details, children."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import services
from .choices import Event, Level

CHILD_ROWS = 3
RELATIONS = [
    "Peserta sendiri",
    "Istri",
    "Suami",
    "Anak",
    "Orang tua",
    "Ahli waris lain",
]


class DateInput(forms.DateInput):
    input_type = "date"


class KlaimForm(forms.Form):
    nik = forms.CharField(label=_("Participant NIK"), max_length=16, min_length=16)
    event = forms.ChoiceField(label=_("Event"), choices=Event.choices)
    incident_date = forms.DateField(
        label=_("Date of death or accident"), widget=DateInput
    )
    claim_date = forms.DateField(
        label=_("Claim date"), required=False, widget=DateInput
    )
    cause = forms.CharField(
        label=_("Cause / chronology"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    claimant_name = forms.CharField(label=_("Claimant (heir) name"), max_length=150)
    claimant_relation = forms.ChoiceField(
        label=_("Relation to the participant"), choices=[(r, r) for r in RELATIONS]
    )
    table_percent = forms.DecimalField(
        label=_("Disability table %"), required=False, min_value=0, max_value=100
    )
    function_lost_percent = forms.DecimalField(
        label=_("Function lost % (empty = anatomical loss)"),
        required=False,
        min_value=0,
        max_value=100,
    )
    incapacity_months = forms.DecimalField(
        label=_("Months unable to work"), required=False, min_value=0
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.kepesertaan = None
        levels = [("", "—"), *Level.choices]
        for i in range(CHILD_ROWS):
            self.fields[f"child{i}_name"] = forms.CharField(
                label=_("Child name"), required=False, max_length=150
            )
            self.fields[f"child{i}_birth"] = forms.DateField(
                label=_("Birth date"), required=False, widget=DateInput
            )
            self.fields[f"child{i}_level"] = forms.ChoiceField(
                label=_("School level"), required=False, choices=levels
            )
            self.fields[f"child{i}_married"] = forms.BooleanField(
                label=_("Married"), required=False
            )
            self.fields[f"child{i}_working"] = forms.BooleanField(
                label=_("Working"), required=False
            )

    def head_fields(self) -> list:
        return [
            self[name]
            for name in ("nik", "event", "incident_date", "claim_date", "cause")
        ]

    def child_rows(self) -> list[list]:
        return [
            [
                self[f"child{i}_{k}"]
                for k in ("name", "birth", "level", "married", "working")
            ]
            for i in range(CHILD_ROWS)
        ]

    def clean_nik(self) -> str:
        nik = self.cleaned_data["nik"].strip()
        if not nik.isdigit():
            raise forms.ValidationError("NIK harus 16 angka.")
        try:
            self.kepesertaan = services.find_kepesertaan(
                nik, user=self.user, action="submit"
            )
        except Http404:
            raise forms.ValidationError(
                "NIK tidak ditemukan di wilayah Anda."
            ) from None
        return nik

    def children(self) -> list[dict]:
        data, out = self.cleaned_data, []
        for i in range(CHILD_ROWS):
            level = data.get(f"child{i}_level")
            if not level:
                continue
            out.append(
                {
                    "level": level,
                    "name": data.get(f"child{i}_name") or "",
                    "birth_date": data.get(f"child{i}_birth"),
                    "married": bool(data.get(f"child{i}_married")),
                    "working": bool(data.get(f"child{i}_working")),
                }
            )
        return out

    def details(self) -> dict:
        """Event-specific fields in service form (shared by the live quote and the submission)."""
        data = self.cleaned_data
        disability = None
        if data.get("table_percent") is not None:
            disability = {"table_percent": str(data["table_percent"])}
            if data.get("function_lost_percent") is not None:
                disability["function_lost_percent"] = str(data["function_lost_percent"])
        months = data.get("incapacity_months")
        return {
            "event": data["event"],
            "incident_date": data["incident_date"],
            "claim_date": data.get("claim_date"),
            "disability": disability,
            "incapacity_months": str(months) if months is not None else None,
            "children": self.children(),
        }
