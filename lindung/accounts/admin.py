from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from lindung.common.admin import AuditedModelAdmin

from .models import UserRegion


@admin.register(UserRegion)
class UserRegionAdmin(AuditedModelAdmin):
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

    def has_delete_permission(self, request, obj=None):
        return (
            False  # audit rows are never deleted, by anyone (AuditEvent refuses it too)
        )


# Users: Django's user admin, every save and delete audited like the rest of the admin.
User = get_user_model()


class AuditedUserAdmin(AuditedModelAdmin, UserAdmin):
    pass


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
