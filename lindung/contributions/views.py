"""Pages: bills (with the billing run for BPJS officers), one bill (+ PDF, payment), reconciliation, budget, rules."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.models import user_can

from . import exports, forms, services
from .models import BpuBracket, LateFeeRule, ReliefPeriod, Tagihan, Tariff, WageCap


def _errors(exc: Exception) -> str:
    return "; ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
def bills(request):
    """Bills visible to the user, by month and state; BPJS officers can run the month's billing here."""
    form = forms.BillFilterForm(request.GET or None)
    period = state = None
    if form.is_valid():
        period, state = form.cleaned_data["period"], form.cleaned_data["state"] or None
    qs = services.tagihan_list(user=request.user, period=period, state=state)
    return render(
        request,
        "contributions/bills.html",
        {
            "form": form,
            "bills": qs[:300],
            "count": qs.count(),
            "run_form": forms.BillingRunForm(
                initial={"period": f"{dt.date.today():%Y-%m}"}
            ),
            "can_bill": user_can(request.user, "bill"),
        },
    )


@login_required
@require_POST
def run_billing(request):
    form = forms.BillingRunForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "; ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("contributions:bills")
    try:
        result = services.run_billing(
            actor=request.user,
            period=form.cleaned_data["period"],
            region_code=form.cleaned_data["region"] or None,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
        return redirect("contributions:bills")
    messages.success(
        request,
        _(
            "Billing {period}: {bills} bills ({supplementary} supplementary), {lines} lines."
        ).format(**result),
    )
    if result["missing_funding"]:
        messages.warning(
            request,
            _(
                "{missing_funding} members have no funding source and were not billed; fill it in first."
            ).format(**result),
        )
    return redirect(reverse("contributions:bills") + "?period=" + result["period"])


def _bill(request, number: str) -> Tagihan:
    return get_object_or_404(
        Tagihan.objects.visible_to(request.user).select_related("payer"), number=number
    )


@login_required
def bill_detail(request, number: str):
    bill = _bill(request, number)
    detail = services.tagihan_detail(bill)
    return render(
        request,
        "contributions/bill_detail.html",
        {
            "bill": bill,
            **detail,
            "alokasi": bill.alokasi.select_related("pembayaran").order_by(
                "paid_at", "id"
            ),
            "can_pay": user_can(request.user, "pay", bill.payer.region_id),
            "pay_form": forms.PaymentForm(
                initial={"amount": max(bill.total - bill.paid, 1)}
            ),
            "credit": services.payer_credit(bill.payer),
        },
    )


@login_required
def bill_pdf(request, number: str):
    bill = _bill(request, number)
    detail = services.tagihan_detail(bill)
    response = HttpResponse(
        exports.bill_pdf(bill, detail["lines"], detail["denda"]),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="tagihan-{bill.number}.pdf"'
    return response


@login_required
@require_POST
def pay_bill(request, number: str):
    bill = _bill(request, number)
    form = forms.PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.record_payment(
                actor=request.user, payer=bill.payer, tagihan=bill, **form.cleaned_data
            )
            messages.success(request, _("Payment recorded."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(
            request, "; ".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect("contributions:bill", number=bill.number)


@login_required
def reconciliation(request):
    """Bills unpaid / partly paid / paid and payments that match no bill; upload of a payment file."""
    form = forms.BillFilterForm(request.GET or None)
    period = form.cleaned_data["period"] if form.is_valid() else None
    result, upload = None, forms.PaymentFileForm()
    if request.method == "POST":
        upload = forms.PaymentFileForm(request.POST, request.FILES)
        if upload.is_valid():
            result = _import_upload(request, upload.cleaned_data["file"])
    data = services.reconciliation(user=request.user, period=period)
    return render(
        request,
        "contributions/reconciliation.html",
        {
            "form": form,
            **data,
            "open_bills": data["open_bills"][:200],
            "upload": upload,
            "result": result,
            "can_pay": user_can(request.user, "pay"),
        },
    )


def _import_upload(request, upload) -> dict | None:
    suffix = Path(upload.name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xls", ".ods"):
        messages.error(request, "Berkas harus CSV atau XLSX")
        return None
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            return services.import_payments(actor=request.user, path=tmp.name)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
    return None


@login_required
def budget(request):
    form = forms.BudgetForm(request.GET or None, initial={"year": dt.date.today().year})
    rows, totals = [], {}
    if form.is_valid():
        try:
            rows = services.budget_projection(
                user=request.user,
                year=form.cleaned_data["year"],
                region_code=form.cleaned_data["region"] or None,
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx", "json"):
            response = HttpResponse(
                exports.budget_bytes(rows, fmt),
                content_type={
                    "csv": "text/csv",
                    "json": "application/json",
                    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                }[fmt],
            )
            response["Content-Disposition"] = (
                f'attachment; filename="anggaran-iuran-{form.cleaned_data["year"]}.{fmt}"'
            )
            return response
        for key in ("participants", "monthly", "annual", "billed", "paid", "owed"):
            totals[key] = sum(r[key] for r in rows if r["level"] == "kabupaten")
    return render(
        request,
        "contributions/budget.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def rule_tables(request):
    """The rules in force as data, with their source and whether they await confirmation."""
    return render(
        request,
        "contributions/rules.html",
        {
            "tariffs": Tariff.objects.order_by(
                "segment", "programme", "risk_group", "valid_from"
            ),
            "caps": WageCap.objects.all(),
            "reliefs": ReliefPeriod.objects.all(),
            "late_fees": LateFeeRule.objects.all(),
            "brackets": BpuBracket.objects.order_by("valid_from", "income"),
        },
    )
