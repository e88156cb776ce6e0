from django.contrib import admin
from django.urls import include, path

from lindung.api import api
from lindung.common import views as common_views

urlpatterns = [
    path("", common_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("lindung.accounts.urls")),
    path("wilayah/", include("lindung.regions.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", common_views.api_docs_redirect),
]


def _optional(app: str, prefix: str) -> None:
    import importlib

    try:
        importlib.import_module(f"lindung.{app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"lindung.{app}.urls":
            raise
        return
    urlpatterns.append(path(prefix, include(f"lindung.{app}.urls")))


for _app, _prefix in (
    ("participants", "peserta/"),
    ("imports", "impor/"),
    ("contributions", "iuran/"),
    ("claims", "klaim/"),
    ("reports", "laporan/"),
    ("agreements", "pks/"),
):
    _optional(_app, _prefix)
