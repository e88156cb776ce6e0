from django.urls import path

from . import views

app_name = "contributions"
urlpatterns = [
    path("", views.bills, name="bills"),
    path("tagihan/jalankan/", views.run_billing, name="run_billing"),
    path("tagihan/<str:number>/", views.bill_detail, name="bill"),
    path("tagihan/<str:number>/pdf/", views.bill_pdf, name="bill_pdf"),
    path("tagihan/<str:number>/bayar/", views.pay_bill, name="pay_bill"),
    path("tagihan/<str:number>/pratinjau/", views.bill_preview, name="bill_preview"),
    path("pembayaran/", views.payments, name="payments"),
    path("pembayaran/<int:pk>/", views.payment_detail, name="payment"),
    path(
        "pembayaran/<int:pk>/konfirmasi/",
        views.confirm_payment,
        name="confirm_payment",
    ),
    path("pembayaran/<int:pk>/tolak/", views.reject_payment, name="reject_payment"),
    path(
        "pembayaran/<int:pk>/batalkan/",
        views.reverse_payment,
        name="reverse_payment",
    ),
    path("pembayaran/<int:pk>/bukti/", views.payment_proof, name="payment_proof"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
    path("rekonsiliasi/impor/", views.import_payments, name="import_payments"),
    path("rekonsiliasi/impor/<int:pk>/", views.payment_import, name="payment_import"),
    path(
        "rekonsiliasi/impor/<int:pk>/kesalahan/",
        views.payment_import_errors,
        name="payment_import_errors",
    ),
    path("rekonsiliasi/templat/", views.payment_template, name="payment_template"),
    path("anggaran/", views.budget, name="budget"),
    path("aturan/", views.rule_tables, name="rules"),
]
