"""Kemendagri regions (wilayah): provinsi → kabupaten/kota → kecamatan → desa/kelurahan."""

from __future__ import annotations

import functools

from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINSI = 1, _("Provinsi")
    KABUPATEN = 2, _("Kabupaten/Kota")
    KECAMATAN = 3, _("Kecamatan")
    DESA = 4, _("Desa/Kelurahan")


class RegionType(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DISTRIK = "distrik", _("Distrik")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA_ADAT = "desa_adat", _("Desa adat")


def code_prefix_q(field: str, code: str) -> Q:
    """Rows whose region code ``field`` is ``code`` or lies under it ("53.18" → 53.18 and 53.18.*).

    Written as the range ``code <= field < code + "/"`` ("/" is the character after "."): "53.18.…" falls inside,
    "53.1" does not take "53.18", and the database walks one slice of the index, also when it reads rows in code
    order for a page. The range is only right where text compares character by character (SQLite; PostgreSQL with a
    C collation, which docs/deployment.md asks for); elsewhere (e.g. en_US, which skips punctuation) it falls back
    to ``= code OR LIKE 'code.%'``, correct but without the index slice.
    """
    if _code_order_collation():
        return Q(**{f"{field}__gte": code, f"{field}__lt": code + "/"})
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


@functools.cache
def _code_order_collation() -> bool:

    if connection.vendor == "sqlite":
        return True  # BINARY: memcmp
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datcollate FROM pg_database WHERE datname = current_database()"
        )
        collation = cursor.fetchone()[0]
    return collation in ("C", "POSIX") or collation.lower() in ("c.utf-8", "c.utf8")


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The regions inside the user's scope for ``action`` (their own and everything under them), decided by
        the same role table as every other ``visible_to`` (``accounts.models.region_scope``). The list of regions
        itself is public reference data (Kemendagri): browsing it needs no scope; reports of people do."""
        # A real cycle: accounts.models imports code_prefix_q from this module.
        from lindung.accounts.models import region_scope

        q = region_scope(user, "code", action)
        return self if q is None else self.filter(q)


class Region(models.Model):
    """One Kemendagri region; the dotted code is the primary key so scoping is a prefix filter."""

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices, db_index=True)
    type = models.CharField(max_length=12, choices=RegionType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    postal_code = models.CharField(max_length=5, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_desa(self) -> bool:
        """Only a desa (not a kelurahan) has perangkat desa."""
        return self.type in (RegionType.DESA, RegionType.DESA_ADAT)

    def ancestors(self) -> list[Region]:
        parts = self.code.split(".")
        codes = [".".join(parts[:i]) for i in range(1, len(parts))]
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]
