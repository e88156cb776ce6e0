"""Pages: bills (with the billing run for BPJS officers), one bill (+ PDF, payment), payments (report, confirm,
reject, reverse), reconciliation and payment files, budget, rules."""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from lindung.accounts import audit
from lindung.accounts.models import default_region, user_can
from lindung.common import lists
from lindung.common.errors import message_of
from lindung.participants.choices import SumberDana

from . import exports, forms, services
from .choices import PaymentStatus
from .importer import build_template, error_file_path, visible_imports
from .models import (
    BpuBracket,
    LateFeeRule,
    PembayaranImport,
    ReliefPeriod,
    Tagihan,
    Tariff,
    WageCap,
)
from .tasks import import_payments_task


@login_required
def bills(request):
    """Bills visible to the user, by month and state; BPJS officers can run the month's billing here."""
    qs = bill_query(request.user, request.GET)
    context = {
        "form": forms.BillFilterForm(request.GET or None),
        "run_form": forms.BillingRunForm(
            initial={"period": f"{dt.date.today():%Y-%m}"}
        ),
        "can_bill": user_can(request.user, "bill"),
    }
    return lists.respond(request, qs, BILL_EXPORT, "contributions/bills.html", context)


def bill_query(user, params):
    """The bills the list shows for these filters (the page, its download and a background download alike)."""
    form = forms.BillFilterForm(params or None)
    period = state = None
    if form.is_valid():
        period, state = form.cleaned_data["period"], form.cleaned_data["state"] or None
    return services.tagihan_list(user=user, period=period, state=state)


BILL_STATES = {
    "paid": "Lunas",
    "partial": "Dibayar sebagian",
    "unpaid": "Belum dibayar",
}

BILL_EXPORT = lists.Export(
    name="tagihan",
    header=[
        "Nomor Tagihan",
        "Pembayar",
        "Kode Wilayah",
        "Masa",
        "Segmen",
        "Jatuh Tempo",
        "Jumlah (Rp)",
        "Dibayar (Rp)",
        "Status",
    ],
    row=lambda b: [
        b.number,
        b.payer.name,
        b.payer.region_id,
        f"{b.period:%Y-%m}",
        b.segment.upper(),
        b.due_date.strftime("%d-%m-%Y"),
        b.total,
        b.paid,
        BILL_STATES.get(b.state, b.state),
    ],
    model="contributions.Tagihan",
    what="daftar tagihan",
    path="lindung.contributions.views.BILL_EXPORT",
    query=bill_query,
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
        messages.error(request, message_of(exc))
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


def _payment_forms(request, bill: Tagihan, form=None) -> dict:
    """The payment form the user's role gets on a bill: record (BPJS) or report (village/regency office)."""
    region = bill.payer.region_id
    can_record = user_can(request.user, "record_payment", region)
    can_report = not can_record and user_can(request.user, "report_payment", region)
    initial = {
        "amount": "{:,}".format(max(bill.total - bill.paid, 0)).replace(",", ".")
    }
    if form is None and (can_record or can_report):
        form = (forms.PaymentForm if can_record else forms.ReportForm)(initial=initial)
    return {"can_record": can_record, "can_report": can_report, "pay_form": form}


@login_required
def bill_detail(request, number: str):
    bill = _bill(request, number)
    return render(
        request, "contributions/bill_detail.html", _bill_context(request, bill)
    )


def _bill_context(request, bill: Tagihan, form=None, preview=None) -> dict:
    detail = services.tagihan_detail(bill)
    return {
        "bill": bill,
        **detail,
        "alokasi": bill.alokasi.select_related("pembayaran").order_by("paid_at", "id"),
        **_payment_forms(request, bill, form),
        "preview": preview,
        "payments": services.payment_list(user=request.user, payer=bill.payer)[:50],
        "credit": services.payer_credit(bill.payer),
    }


@login_required
def bill_pdf(request, number: str):
    bill = _bill(request, number)
    detail = services.tagihan_detail(bill)
    # The bill lists its members by name: its download is audited like an export (UU PDP).
    audit.record(
        actor=request.user,
        action="export",
        obj=bill,
        region_code=bill.payer.region_id or "",
        note="unduh PDF tagihan {}".format(bill.number),
    )
    response = HttpResponse(
        exports.bill_pdf(bill, detail["lines"], detail["denda"]),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="tagihan-{bill.number}.pdf"'
    return response


def permission_first(check):
    """Ask ``check(request, **kwargs)`` (which raises PermissionDenied or Http404) before anything reads the
    request body, then CSRF, then the view (issue 19: a viewer's upload was read, and held the write lock, before
    anything asked whether the viewer may upload). CsrfViewMiddleware would read a multipart body for its token,
    so the view is exempt from the middleware and protected here, after the check."""

    def decorator(view):
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check(request, *args, **kwargs)
            return protected(request, *args, **kwargs)

        return csrf_exempt(require_POST(wrapper))

    return decorator


def _may_pay_bill(request, number: str) -> None:
    region = _bill(request, number).payer.region_id
    if not (
        user_can(request.user, "record_payment", region)
        or user_can(request.user, "report_payment", region)
    ):
        raise PermissionDenied


@permission_first(_may_pay_bill)
def pay_bill(request, number: str):
    """Record (BPJS) or report (village/regency office) a payment of this bill's payer; an amount other than what
    is owed comes back with what it will do and needs a second submit with confirm=1."""
    bill = _bill(request, number)
    recording = user_can(request.user, "record_payment", bill.payer.region_id)
    form_class = forms.PaymentForm if recording else forms.ReportForm
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "contributions/bill_detail.html",
            _bill_context(request, bill, form),
            status=400,
        )
    data = dict(form.cleaned_data)
    try:
        if recording:
            services.record_payment(
                actor=request.user, payer=bill.payer, tagihan=bill, **data
            )
            messages.success(request, _("Payment recorded."))
        else:
            services.report_payment(
                actor=request.user, payer=bill.payer, tagihan=bill, **data
            )
            messages.success(
                request,
                _(
                    "Payment reported: it awaits confirmation by BPJS and changes no coverage until then."
                ),
            )
    except services.AmountNeedsConfirmation as exc:
        again = form_class(initial={**request.POST.dict(), "confirm": True})
        return render(
            request,
            "contributions/bill_detail.html",
            _bill_context(request, bill, again, preview=exc.preview),
            status=409,
        )
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, message_of(exc))
        return render(
            request,
            "contributions/bill_detail.html",
            _bill_context(request, bill, form),
            status=400,
        )
    return redirect("contributions:bill", number=bill.number)


@login_required
def bill_preview(request, number: str):
    """htmx: what the typed amount will do (bills settled, left owed, credit) while the user types."""
    bill = _bill(request, number)
    try:
        amount = services.parse_amount(request.GET.get("amount", ""))
    except ValidationError as exc:
        return HttpResponse('<p class="error">{}</p>'.format(escape(message_of(exc))))
    preview = services.payment_preview(payer=bill.payer, amount=amount, tagihan=bill)
    return render(request, "contributions/_payment_preview.html", {"preview": preview})


# --- payments: list, one payment, confirm / reject / reverse, proof ---------------------------------------------


def _payment(request, pk: int):
    return get_object_or_404(services.payment_list(user=request.user), pk=pk)


@login_required
def payments(request):
    status = request.GET.get("status") or None
    qs = payment_query(request.user, request.GET)
    context = {"status": status, "statuses": PaymentStatus.choices}
    return lists.respond(
        request, qs, PAYMENT_EXPORT, "contributions/payments.html", context
    )


def payment_query(user, params):
    status = params.get("status") or None
    if status not in (None, *PaymentStatus.values):
        status = None
    return services.payment_list(user=user, status=status)


PAYMENT_EXPORT = lists.Export(
    name="pembayaran",
    header=[
        "Nomor",
        "Pembayar",
        "Kode Wilayah",
        "Tanggal Bayar",
        "Referensi",
        "Jumlah (Rp)",
        "Belum Dialokasikan (Rp)",
        "Status",
        "Dilaporkan Oleh",
        "Diputuskan Oleh",
        "Tanggal Keputusan",
    ],
    row=lambda p: [
        p.pk,
        p.payer.name,
        p.payer.region_id,
        p.paid_at.strftime("%d-%m-%Y"),
        p.reference,
        p.amount,
        p.unallocated,
        p.get_status_display(),
        p.created_by.username if p.created_by else "",
        p.decided_by.username if p.decided_by else "",
        timezone.localtime(p.decided_at).strftime("%d-%m-%Y %H:%M")
        if p.decided_at
        else "",
    ],
    model="contributions.Pembayaran",
    what="daftar pembayaran",
    path="lindung.contributions.views.PAYMENT_EXPORT",
    query=payment_query,
)


@login_required
def payment_detail(request, pk: int):
    payment = _payment(request, pk)
    region = payment.payer.region_id
    return render(
        request,
        "contributions/payment_detail.html",
        {
            "payment": payment,
            "alokasi": payment.alokasi.select_related("tagihan").order_by("id"),
            "preview": services.payment_preview(
                payer=payment.payer, amount=payment.amount, paid_at=payment.paid_at
            )
            if payment.status == PaymentStatus.MENUNGGU
            else None,
            "can_confirm": payment.status == PaymentStatus.MENUNGGU
            and user_can(request.user, "confirm_payment", region),
            "can_reverse": payment.status == PaymentStatus.DIKONFIRMASI
            and user_can(request.user, "reverse_payment", region),
            "reason_form": forms.ReasonForm(),
        },
    )


def _may(action: str):
    def check(request, pk: int) -> None:
        payment = _payment(request, pk)
        if not user_can(request.user, action, payment.payer.region_id):
            raise PermissionDenied

    return check


def _decide(request, pk: int, step, done: str, needs_reason: bool):
    payment = _payment(request, pk)
    try:
        if needs_reason:
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("A reason is required."))
            step(
                actor=request.user, payment=payment, reason=form.cleaned_data["reason"]
            )
        else:
            step(actor=request.user, payment=payment)
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, message_of(exc))
    return redirect("contributions:payment", pk=payment.pk)


@permission_first(_may("confirm_payment"))
def confirm_payment(request, pk: int):
    return _decide(
        request,
        pk,
        services.confirm_payment,
        _("Payment confirmed and allocated."),
        False,
    )


@permission_first(_may("confirm_payment"))
def reject_payment(request, pk: int):
    return _decide(request, pk, services.reject_payment, _("Payment rejected."), True)


@permission_first(_may("reverse_payment"))
def reverse_payment(request, pk: int):
    return _decide(
        request,
        pk,
        services.reverse_payment,
        _("Payment reversed: its allocations are undone and coverage recomputed."),
        True,
    )


@login_required
def payment_proof(request, pk: int):
    payment = _payment(request, pk)
    if not payment.proof:
        raise Http404
    path = Path(settings.MEDIA_ROOT) / payment.proof.name
    if not path.is_file():
        raise Http404
    audit.record(
        actor=request.user,
        action="export",
        obj=payment,
        region_code=payment.payer.region_id or "",
        note="lihat bukti transfer pembayaran #{}".format(payment.pk),
    )
    return FileResponse(
        path.open("rb"), filename="bukti-{}{}".format(payment.pk, path.suffix)
    )


# --- reconciliation and payment files ---------------------------------------------------------------------------


@login_required
def reconciliation(request):
    """Bills unpaid / partly paid / paid, payments awaiting confirmation, payments that match no bill."""
    form = forms.BillFilterForm(request.GET or None)
    period = form.cleaned_data["period"] if form.is_valid() else None
    data = services.reconciliation(user=request.user, period=period)
    return render(
        request,
        "contributions/reconciliation.html",
        {
            "form": form,
            **data,
            "pending": data["pending"][:200],
            "open_bills": data["open_bills"][:200],
            "upload": forms.PaymentFileForm(),
            "can_import": user_can(request.user, "record_payment"),
            "recent_imports": visible_imports(request.user)[:5],
        },
    )


def _may_import(request) -> None:
    if not user_can(request.user, "record_payment"):
        raise PermissionDenied


@permission_first(_may_import)
def import_payments(request):
    """Upload a payment file: saved under MEDIA_ROOT, imported in the background in chunks, progress shown."""

    upload = forms.PaymentFileForm(request.POST, request.FILES)
    if not upload.is_valid():
        messages.error(request, _("Choose a payment file."))
        return redirect("contributions:reconciliation")
    file = upload.cleaned_data["file"]
    suffix = Path(file.name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xls", ".ods"):
        messages.error(request, _("The file must be CSV, XLSX, XLS or ODS."))
        return redirect("contributions:reconciliation")
    if file.size > settings.LINDUNG_MAX_UPLOAD_BYTES:
        messages.error(request, _("The file is too large."))
        return redirect("contributions:reconciliation")
    batch = PembayaranImport.objects.create(
        filename=file.name[:255], actor=request.user
    )
    relative = "pembayaran/impor/{}{}".format(secrets.token_urlsafe(18), suffix)
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    batch.file.name = relative
    batch.state, batch.message = PembayaranImport.State.RUNNING, "Dalam antrean…"
    batch.save(update_fields=["file", "state", "message"])
    import_payments_task.enqueue(batch.pk, str(target), request.user.pk)
    return redirect("contributions:payment_import", pk=batch.pk)


@login_required
def payment_import(request, pk: int):
    batch = get_object_or_404(visible_imports(request.user), pk=pk)
    context = {"batch": batch, "errors": batch.errors[:200]}
    if request.htmx:
        return render(request, "contributions/_import_progress.html", context)
    return render(request, "contributions/payment_import.html", context)


@login_required
def payment_import_errors(request, pk: int):
    batch = get_object_or_404(visible_imports(request.user), pk=pk)
    path = error_file_path(batch)
    if path is None or not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename="kesalahan_{}.xlsx".format(Path(batch.filename).stem),
    )


@login_required
def payment_template(request):
    tmp = Path(tempfile.mkdtemp()) / "templat_pembayaran.xlsx"
    build_template(tmp)
    return FileResponse(tmp.open("rb"), as_attachment=True, filename=tmp.name)


@login_required
def budget(request):
    """The budget projection. It opens on the user's own region and the next budget year (a village plans its
    APBDes the year before), already computed: no empty page waiting for "Tampilkan"."""
    data = request.GET or {
        "year": dt.date.today().year + 1,
        "region": default_region(request.user),
    }
    form = forms.BudgetForm(data)
    rows, totals = [], {}
    if form.is_valid():
        try:
            rows = services.budget_projection(
                user=request.user,
                year=form.cleaned_data["year"],
                region_code=form.cleaned_data["region"] or None,
            )
        except ValidationError as exc:
            messages.error(request, message_of(exc))
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
        for r in rows:  # funding sources by their label, never the raw code ("add")
            r["funding_label"] = _funding_label(r.get("funding"))
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


def _funding_label(code) -> str:
    if not code:
        return "—"
    try:
        return str(SumberDana(code).label)
    except ValueError:
        return str(code)


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
