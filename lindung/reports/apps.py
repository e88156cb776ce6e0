from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lindung.reports"
    label = "reports"

    def ready(self):
        # In ready(): summary imports models, which Django loads after the app configs.
        from lindung.common.cache import add_version_source
        from lindung.common.events import audit_written, coverage_changed

        from . import summary

        # Looked up at each call, so a test that replaces summary.enqueue_refresh is obeyed.
        coverage_changed.connect(
            lambda **kwargs: summary.enqueue_refresh(),
            dispatch_uid="reports.refresh_summary",
            weak=False,
        )
        add_version_source(summary.version)
        audit_written.connect(
            lambda **kwargs: summary.refresh_after_write(),
            dispatch_uid="reports.refresh_after_write",
            weak=False,
        )
