"""Roles scoped by region: one row per user, role and region (openIMIS UserDistrict style)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.common.fields import user_reference
from lindung.regions.models import code_prefix_q


class Role(models.TextChoices):
    BPJS = "bpjs", _("BPJS officer")
    PROVINSI = "provinsi", _("Province office")
    KABUPATEN = "kabupaten", _("Regency office (Dinas PMD)")
    DESA = "desa", _("Village operator")
    VIEWER = "viewer", _("Read-only viewer")


# Which actions each role may take on region-bound data inside its regions. "agreement": record a PKS and the
# planned actions of a kabupaten/kota (regency and province offices, BPJS); "change": register and edit people,
# which the province office does not do (it watches coverage and reports; regencies and villages register).
# Money (issue 19, docs/payments.md): only BPJS records, confirms (or rejects) and reverses payments; village and
# regency offices report the payments they made, which change nothing until BPJS confirms them.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.BPJS: frozenset(
        {
            "view",
            "change",
            "validate",
            "bill",
            "record_payment",
            "confirm_payment",
            "reverse_payment",
            "decide",
            "unmask",
            "reconcile",
            "agreement",
        }
    ),
    Role.PROVINSI: frozenset({"view", "report", "agreement"}),
    Role.KABUPATEN: frozenset(
        {
            "view",
            "change",
            "import",
            "submit",
            "report_payment",
            "report",
            "unmask",
            "reconcile",
            "agreement",
        }
    ),
    Role.DESA: frozenset(
        {"view", "change", "import", "submit", "report_payment", "unmask"}
    ),
    Role.VIEWER: frozenset({"view", "report"}),
}

# The region level each role is tied to (None = any level / none for all regions).
ROLE_LEVEL = {Role.PROVINSI: 1, Role.KABUPATEN: 2, Role.DESA: 4}


class UserRegion(models.Model):
    """A user holds ``role`` over ``region`` and everything under it; BPJS with no region = all regions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_roles"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"], name="uniq_user_role_region"
            )
        ]
        verbose_name = _("user region role")
        verbose_name_plural = _("user region roles")

    def __str__(self) -> str:
        everywhere = _("all regions")
        return (
            f"{self.user} · {self.get_role_display()} · {self.region_id or everywhere}"
        )


def _assignments(user) -> list[tuple[str, str | None]]:
    cached = getattr(user, "_lindung_roles", None)
    if cached is None:
        cached = list(
            UserRegion.objects.filter(user=user).values_list("role", "region_id")
        )
        user._lindung_roles = cached
    return cached


def user_roles(user) -> set[str]:
    return {role for role, _region in _assignments(user)}


def region_scope(user, field: str, action: str = "view") -> Q | None:
    """The one place that decides which region-bound rows a user may see or change.

    Returns ``None`` for "every region", a ``Q`` over the region code ``field`` otherwise (an empty match when the
    user holds no role allowing ``action``).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    q = Q(pk__in=[])
    for role, region in _assignments(user):
        if action not in ROLE_ACTIONS.get(role, ()):
            continue
        if region is None:
            if role == Role.BPJS:
                return None
            continue
        q |= code_prefix_q(field, region)
    return q


def actor_may(actor, action: str, region_code: str | None = None) -> bool:
    """What services ask before they act: the system (``actor`` None: a scheduled job, the demo loader, a data
    migration) may do everything; a user what their roles allow (``user_can``)."""
    return actor is None or user_can(actor, action, region_code)


def user_can(user, action: str, region_code: str | None = None) -> bool:
    """Whether ``user`` may take ``action`` somewhere (or on ``region_code``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    for role, region in _assignments(user):
        if action not in ROLE_ACTIONS.get(role, ()):
            continue
        if region_code is None or region is None and role == Role.BPJS:
            return True
        if region is not None and (
            region_code == region or region_code.startswith(region + ".")
        ):
            return True
    return False


class RegionScopedQuerySet(models.QuerySet):
    """Base QuerySet for region-bound data. Subclasses set ``region_field`` (a region code path)."""

    region_field = "region__code"

    def visible_to(self, user, action: str = "view"):
        q = region_scope(user, self.region_field, action)
        return self if q is None else self.filter(q)


class UploadQuerySet(models.QuerySet):
    """Uploaded files and their runs (imports, reconciliations): a user sees the ones they started, and those for a
    region inside their scope for ``region_action`` (a regency office follows its villages' imports); one with no
    region is its starter's only. Superusers and national roles see all."""

    region_action = "view"

    def visible_to(self, user, action: str | None = None):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scope = region_scope(user, "region__code", action or self.region_action)
        if scope is None:
            return self
        return self.filter(Q(actor=user) | (Q(region__isnull=False) & scope))


class AuditEventQuerySet(models.QuerySet):
    """Audit rows are appended, never changed or deleted, by any path (admin, shell, services)."""

    def update(self, **kwargs):
        raise PermissionDenied("Baris audit tidak dapat diubah.")

    def delete(self):
        raise PermissionDenied("Baris audit tidak dapat dihapus.")


class AuditEvent(models.Model):
    """Who changed what, when: old → new values. Also records unmasked NIK views and personal-data exports."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = user_reference()
    action = models.CharField(
        max_length=20
    )  # create, update, delete, unmask, export, transition…
    model = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=40, db_index=True, blank=True)
    region_code = models.CharField(max_length=13, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=255, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.model}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("Baris audit tidak dapat diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Baris audit tidak dapat dihapus.")


class ApiToken(models.Model):
    """A token for systems calling the API; stored hashed, acts as its user (and so with its regions)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def hash(key: str) -> str:

        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> str:

        key = secrets.token_urlsafe(32)
        cls.objects.create(user=user, name=name, key_hash=cls.hash(key))
        return key

    @classmethod
    def user_for(cls, key: str):
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=cls.hash(key), user__is_active=True)
            .first()
        )
        return token.user if token else None


def is_national(user) -> bool:
    """Superusers and BPJS officers without a region restriction see the whole country."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(
        role == Role.BPJS and region is None for role, region in _assignments(user)
    )


def primary_role(user) -> str | None:
    """The role whose dashboard the user sees first."""
    roles = user_roles(user)
    for role in (Role.BPJS, Role.PROVINSI, Role.KABUPATEN, Role.DESA, Role.VIEWER):
        if role in roles:
            return role
    return Role.BPJS if getattr(user, "is_superuser", False) else None


def user_region_codes(user) -> list[str]:
    return [region for _role, region in _assignments(user) if region]


def default_region(user) -> str:
    """The widest region the user holds, what a page opens on; '' (Indonesia) for national BPJS officers and
    administrators."""
    if is_national(user):
        return ""
    codes = user_region_codes(user)
    return min(codes, key=len) if codes else ""
