from django.contrib import admin
from django.urls import include, path

from lindung.api import api
from lindung.common import views as common_views
from lindung.reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("lindung.accounts.urls")),
    path("wilayah/", include("lindung.regions.urls")),
    path("peserta/", include("lindung.participants.urls")),
    path("impor/", include("lindung.imports.urls")),
    path("iuran/", include("lindung.contributions.urls")),
    path("klaim/", include("lindung.claims.urls")),
    path("laporan/", include("lindung.reports.urls")),
    path("pks/", include("lindung.agreements.urls")),
    path("rekonsiliasi/", include("lindung.reconciliation.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", common_views.api_docs_redirect),
    path("unduhan/<int:pk>/", common_views.export_job, name="export_job"),
    path("unduhan/<int:pk>/berkas/", common_views.export_file, name="export_file"),
]

handler400 = "lindung.common.views.bad_request"
