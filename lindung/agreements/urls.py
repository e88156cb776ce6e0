from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("", views.pks_list, name="list"),
    path("rencana/<int:pk>/selesai/", views.action_done, name="action_done"),
]
