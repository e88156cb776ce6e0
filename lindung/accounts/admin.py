from django.contrib import admin

from .models import UserRegion


@admin.register(UserRegion)
class UserRegionAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region")
    list_filter = ("role",)
    raw_id_fields = ("region",)
    search_fields = ("user__username", "region__code", "region__name")


from .models import AuditEvent  # noqa: E402


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "at",
        "actor",
        "action",
        "model",
        "object_id",
        "region_code",
        "note",
    )
    list_filter = ("action", "model")
    search_fields = ("object_id", "region_code", "note")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
