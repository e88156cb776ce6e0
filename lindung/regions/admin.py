from django.contrib import admin

from lindung.common.admin import AuditedModelAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "type", "level")
    list_filter = ("level", "type")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
