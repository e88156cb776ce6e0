import datetime as dt

from django.contrib import admin

from lindung.common.admin import AuditedModelAdmin

from . import rules
from .models import PKS, PerangkatTarget, PlannedAction, ReportSetting


@admin.register(PKS)
class PKSAdmin(AuditedModelAdmin):
    list_display = (
        "kabupaten",
        "number",
        "signed_on",
        "valid_from",
        "valid_to",
        "ended",
        "scope",
    )
    list_filter = ("scope",)
    raw_id_fields = ("kabupaten",)
    search_fields = ("number", "kabupaten__name")

    @admin.display(boolean=True, description="berakhir")
    def ended(self, obj: PKS) -> bool:
        return obj.valid_to is not None and obj.valid_to < dt.date.today()


@admin.register(PlannedAction)
class PlannedActionAdmin(AuditedModelAdmin):
    list_display = (
        "kabupaten",
        "scope",
        "planned_on",
        "description",
        "done",
        "overdue",
    )
    list_filter = ("done",)
    raw_id_fields = ("kabupaten",)

    @admin.display(boolean=True, description="terlambat")
    def overdue(self, obj: PlannedAction) -> bool:
        return rules.action_overdue(
            planned_on=obj.planned_on, done=obj.done, as_of=dt.date.today()
        )


@admin.register(PerangkatTarget)
class PerangkatTargetAdmin(AuditedModelAdmin):
    list_display = ("kabupaten", "valid_from", "target", "source")
    raw_id_fields = ("kabupaten",)


@admin.register(ReportSetting)
class ReportSettingAdmin(AuditedModelAdmin):
    list_display = ("key", "value", "valid_from", "confirmed", "source")
