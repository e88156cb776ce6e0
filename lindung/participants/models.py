"""Peserta (one person, one NIK) and Kepesertaan (a membership with its status history)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import RegionScopedQuerySet
from lindung.common.fields import user_reference

from .choices import (
    AlasanBerhenti,
    Jabatan,
    Kind,
    Pekerjaan,
    RiskGroup,
    Sex,
    Status,
    SumberDana,
)
from .rules.rows import display_name


class Peserta(models.Model):
    """A person identified by NIK. Region-bound through their memberships."""

    nik = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=150, db_index=True)
    # Titles the village writes with the name ("Drs.", "S.Pd"): KTP and BPJS names carry none, so they are kept
    # apart from the name that is matched and searched, and shown with it (``display_name``).
    title_prefix = models.CharField(
        max_length=60, blank=True, default="", db_default=""
    )
    title_suffix = models.CharField(
        max_length=60, blank=True, default="", db_default=""
    )
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    phone = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name(self.name, self.title_prefix, self.title_suffix)


class KepesertaanQuerySet(RegionScopedQuerySet):
    region_field = "desa__code"

    def active(self):
        return self.exclude(status=Status.BERHENTI)


class Kepesertaan(models.Model):
    """A membership: kind, place, position/occupation, wage base, funding source, programmes, KPJ, status."""

    peserta = models.ForeignKey(
        Peserta, on_delete=models.PROTECT, related_name="kepesertaan"
    )
    # kind and sumber_dana have no index of their own: (kind, sumber_dana) below serves both, and every index is
    # written on each of a national import's million inserts.
    kind = models.CharField(max_length=10, choices=Kind.choices)
    desa = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+"
    )
    jabatan = models.CharField(max_length=30, choices=Jabatan.choices, blank=True)
    pekerjaan = models.CharField(max_length=30, choices=Pekerjaan.choices, blank=True)
    start_of_term = models.DateField(null=True, blank=True)
    # Siltap for perangkat desa, declared monthly income for pekerja rentan; integer Rupiah. Null = not yet known.
    wage = models.BigIntegerField(null=True, blank=True)
    # Who pays. Blank = not yet known (a file without it is accepted with a warning); billing skips it until filled.
    sumber_dana = models.CharField(
        max_length=20, choices=SumberDana.choices, blank=True
    )
    jht = models.BooleanField(default=False)
    jp = models.BooleanField(default=False)
    risk_group = models.CharField(
        max_length=15, choices=RiskGroup.choices, default=RiskGroup.SANGAT_RENDAH
    )
    kpj = models.CharField(max_length=15, blank=True, db_index=True)
    registered_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.TERDAFTAR, db_index=True
    )
    stop_reason = models.CharField(
        max_length=15, choices=AlasanBerhenti.choices, blank=True
    )
    ended_on = models.DateField(null=True, blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = KepesertaanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        constraints = [
            # One person, one active membership (a second one is a conflict, never a silent duplicate).
            models.UniqueConstraint(
                fields=["peserta"],
                condition=~Q(status="berhenti"),
                name="one_active_membership",
            ),
        ]
        indexes = [
            models.Index(fields=["desa", "kind", "status"]),
            models.Index(fields=["kind", "sumber_dana"]),
            # The BPJS queue "still without a KPJ, oldest first": read in index order and stop after a page, instead
            # of sorting every membership without a KPJ (458 ms nationally at 10 M memberships).
            models.Index(
                fields=["registered_on", "id"],
                condition=Q(kpj=""),
                name="kepesertaan_without_kpj",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.peserta} ({self.get_kind_display()}, {self.desa_id})"

    @property
    def role_label(self) -> str:
        return (
            self.get_jabatan_display()
            if self.kind == Kind.PERANGKAT
            else self.get_pekerjaan_display()
        )


class StatusHistory(models.Model):
    """Every status change of a membership."""

    kepesertaan = models.ForeignKey(
        Kepesertaan, on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    actor = user_reference()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]
