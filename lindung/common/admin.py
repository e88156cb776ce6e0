"""Django admin inside the rules: every admin write is audited by the admin itself, and records that only the
services may write (people, memberships, bills, payments, claims, imports, audit rows) are read-only here."""

from __future__ import annotations

from django.contrib import admin

from lindung.accounts import audit


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: the record is written by its app's services (validation, history, audit), never by a form."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedModelAdmin(admin.ModelAdmin):
    """An editable admin (rules as data, settings, agreements, users' regions) that writes an audit row with the
    old and new values for every save and delete, naming the admin user."""

    def save_model(self, request, obj, form, change) -> None:
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="update" if change else "create",
            obj=obj,
            region_code=_region(obj),
            changes=_without_secrets(audit.diff(before, audit.snapshot(obj))),
            note="Django admin",
        )

    def delete_model(self, request, obj) -> None:
        self._audit_delete(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        self._audit_delete(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _audit_delete(self, request, objs) -> None:
        for obj in objs:
            audit.record(
                actor=request.user,
                action="delete",
                obj=obj,
                region_code=_region(obj),
                changes=_without_secrets(audit.diff(audit.snapshot(obj), {})),
                note="Django admin",
            )


def _without_secrets(changes: dict) -> dict:
    """A password hash is never copied into the audit log: that it changed is enough."""
    if "password" in changes:
        changes = {**changes, "password": "diubah"}
    return changes


def _region(obj) -> str:
    for name in ("region_id", "kabupaten_id", "desa_id", "code"):
        value = getattr(obj, name, None)
        if isinstance(value, str):
            return value[:13]
    return ""
