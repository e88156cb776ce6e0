from django.contrib import admin

from .models import PKS, PerangkatTarget, PlannedAction, ReportSetting


@admin.register(PKS)
class PKSAdmin(admin.ModelAdmin):
    list_display = (
        "kabupaten",
        "number",
        "signed_on",
        "valid_from",
        "valid_to",
        "scope",
    )
    list_filter = ("scope",)
    raw_id_fields = ("kabupaten",)
    search_fields = ("number", "kabupaten__name")


@admin.register(PlannedAction)
class PlannedActionAdmin(admin.ModelAdmin):
    list_display = ("kabupaten", "scope", "planned_on", "description", "done")
    raw_id_fields = ("kabupaten",)


@admin.register(PerangkatTarget)
class PerangkatTargetAdmin(admin.ModelAdmin):
    list_display = ("kabupaten", "valid_from", "target", "source")
    raw_id_fields = ("kabupaten",)


@admin.register(ReportSetting)
class ReportSettingAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "valid_from", "confirmed", "source")
