from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("riwayat/", views.batch_list, name="list"),
    path("templat/", views.template_download, name="template"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/mulai/", views.start, name="start"),
    path("<int:pk>/kesalahan.xlsx", views.errors_download, name="errors"),
]
