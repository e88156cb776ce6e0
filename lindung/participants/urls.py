from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("", views.peserta_list, name="list"),
    path("baru/", views.peserta_form, name="add"),
    path("unduh/", views.peserta_download, name="download"),
    path("<int:pk>/", views.peserta_detail, name="detail"),
    path("<int:pk>/ubah/", views.peserta_form, name="edit"),
    path("<int:pk>/nik/", views.unmask, name="unmask"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/berhenti/", views.end, name="end"),
    path("<int:pk>/kpj/", views.set_kpj, name="kpj"),
]
