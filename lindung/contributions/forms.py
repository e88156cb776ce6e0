"""Web input for contributions: billing run, payment, payment file, budget filter."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return rules.parse_period(value)
        except rules.CaseError as exc:
            raise forms.ValidationError(str(exc)) from exc


class BillingRunForm(forms.Form):
    period = MonthField(label=_("Month (YYYY-MM)"))
    region = forms.CharField(label=_("Region code"), required=False)


class RupiahField(forms.CharField):
    """An amount typed as Indonesians write it (``349.632``, ``Rp 349.632,00``, ``349632``): a text field, not
    type=number (which refuses the dots); ``static/lindung/rupiah.js`` formats it while typing."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "data-rupiah": "",
                    "placeholder": "349.632",
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return rules.parse_rupiah(value)
        except rules.CaseError as exc:
            raise forms.ValidationError(str(exc)) from exc


class PaymentForm(forms.Form):
    """A payment recorded by BPJS (or, with ``ReportForm``, reported by a village/regency office)."""

    amount = RupiahField(label=_("Amount (Rp)"))
    paid_at = forms.DateField(
        label=_("Payment date"),
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(label=_("Bank reference"), max_length=100)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReportForm(PaymentForm):
    proof = forms.FileField(
        label=_("Proof of transfer (PDF, JPG or PNG, at most 5 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class PaymentFileForm(forms.Form):
    file = forms.FileField(label=_("Payment file (CSV or XLSX)"))


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    region = forms.CharField(label=_("Region code"), required=False)


class BillFilterForm(forms.Form):
    period = MonthField(label=_("Month (YYYY-MM)"), required=False)
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("unpaid", _("Unpaid")),
            ("partial", _("Partly paid")),
            ("paid", _("Paid")),
        ],
    )
