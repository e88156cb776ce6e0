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


class PaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=1)
    paid_at = forms.DateField(
        label=_("Payment date"),
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)


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
