from django.urls import path

from . import views

app_name = "reconciliation"

urlpatterns = [
    path("", views.index, name="index"),
    path("terakhir/", views.latest, name="latest"),
    path("kirim/", views.pending, name="pending"),
    path("kirim/<str:payer_code>.xlsx", views.export_payer, name="export"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/unduh.xlsx", views.download, name="download"),
    path("<int:pk>/kesalahan.xlsx", views.errors_download, name="errors"),
    path("<int:pk>/kpj/", views.write_back_kpj, name="kpj"),
    path("<int:pk>/tandai/", views.mark_to_send, name="mark"),
    path("<int:pk>/tutup/", views.close_ended, name="close"),
]
