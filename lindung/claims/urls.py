from django.urls import path

from . import views

app_name = "claims"
urlpatterns = [
    path("", views.klaim_list, name="list"),
    path("baru/", views.klaim_new, name="new"),
    path("baru/quote/", views.klaim_quote, name="quote"),
    path("baru/cari/", views.klaim_search, name="search"),
    path("<int:pk>/", views.klaim_detail, name="detail"),
    path("<int:pk>/dokumen/", views.klaim_upload, name="upload"),
    path("<int:pk>/dokumen/<int:doc_id>/", views.klaim_document, name="document"),
    path("<int:pk>/status/", views.klaim_transition, name="transition"),
    path(
        "<int:pk>/beasiswa/<int:beasiswa_id>/", views.beasiswa_action, name="beasiswa"
    ),
]
