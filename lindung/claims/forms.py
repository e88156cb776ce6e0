"""The new-claim form: participant by name or NIK (within the user's regions), event, dates, claimant, details,
children. No KPJ is asked: a participant BPJS has not yet given one can still claim."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindung.participants.models import Kepesertaan

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
    peserta = forms.CharField(
        label=_("Participant (name or NIK)"), max_length=150, required=False
    )
    # The person picked from the search results (radio buttons named "kepesertaan"), when the text matched several.
    kepesertaan = forms.IntegerField(required=False, min_value=1)
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
        self.matches: list = []
        self.fields["peserta"].widget.attrs.update(
            {
                "autocomplete": "off",
                "placeholder": _("Name or 16-digit NIK"),
                "hx-get": reverse("claims:search"),
                "hx-trigger": "keyup changed delay:400ms, search",
                "hx-target": "#peserta-matches",
                "hx-swap": "innerHTML",
            }
        )
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
            for name in ("peserta", "event", "incident_date", "claim_date", "cause")
        ]

    def child_rows(self) -> list[list]:
        return [
            [
                self[f"child{i}_{k}"]
                for k in ("name", "birth", "level", "married", "working")
            ]
            for i in range(CHILD_ROWS)
        ]

    def clean(self) -> dict:
        """Find the membership: the one picked from the results, else the only one matching the name or NIK."""
        data = super().clean()
        text = (data.get("peserta") or "").strip()
        chosen = data.get("kepesertaan")
        if chosen:
            self.kepesertaan = (
                Kepesertaan.objects.visible_to(self.user, "submit")
                .select_related("peserta", "desa")
                .filter(pk=chosen)
                .first()
            )
            if self.kepesertaan is None:
                self.add_error("peserta", "Peserta tidak ditemukan di wilayah Anda.")
            return data
        if not text:
            self.add_error("peserta", "Isi nama atau NIK peserta.")
            return data
        self.matches = services.search_kepesertaan(text, user=self.user)
        if len(self.matches) == 1:
            self.kepesertaan = self.matches[0]
        elif not self.matches:
            what = "NIK" if text.replace(" ", "").isdigit() else "Nama peserta"
            self.add_error("peserta", f"{what} tidak ditemukan di wilayah Anda.")
        else:
            self.add_error(
                "peserta",
                f"{len(self.matches)} peserta cocok dengan '{text}'; pilih salah satu.",
            )
        return data

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
