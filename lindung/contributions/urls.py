from django.urls import path

from . import views

app_name = "contributions"
urlpatterns = [
    path("", views.bills, name="bills"),
    path("tagihan/jalankan/", views.run_billing, name="run_billing"),
    path("tagihan/<str:number>/", views.bill_detail, name="bill"),
    path("tagihan/<str:number>/pdf/", views.bill_pdf, name="bill_pdf"),
    path("tagihan/<str:number>/bayar/", views.pay_bill, name="pay_bill"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
    path("anggaran/", views.budget, name="budget"),
    path("aturan/", views.rule_tables, name="rules"),
]
