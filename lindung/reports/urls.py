from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("rakor/", views.rakor_page, name="rakor"),
    path("rakor.<str:fmt>", views.rakor_download, name="rakor_download"),
]
