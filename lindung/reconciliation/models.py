"""A reconciliation run against BPJS's participant list, its per-row results, and the "to send to BPJS" marks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import UploadQuerySet
from lindung.common.fields import user_reference
from lindung.common.models import JobState

from . import rules


class ReconciliationRunQuerySet(UploadQuerySet):
    region_action = "reconcile"


class ReconciliationRun(models.Model):
    """One BPJS list compared with the registry in one scope; when done,
    ``total = rejected + outside_scope + classified rows`` and ``hanya_di_lindung`` counts the missing memberships."""

    State = JobState

    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="reconciliation/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    # --region: the comparison is limited to it (None = the actor's whole scope).
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = user_reference()
    # The scope as it was read (region code prefixes, empty = every region), for the page's heading.
    scope = models.JSONField(default=list, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    message = models.TextField(blank=True)
    as_of = models.DateField(null=True, blank=True)
    size = models.PositiveIntegerField(
        default=0
    )  # rows below the header, an upper bound known before reading
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    outside_scope = models.PositiveIntegerField(default=0)
    cocok = models.PositiveIntegerField(default=0)
    kpj_baru = models.PositiveIntegerField(default=0)
    status_berbeda = models.PositiveIntegerField(default=0)
    iuran_berbeda = models.PositiveIntegerField(default=0)
    data_berbeda = models.PositiveIntegerField(default=0)
    hanya_di_bpjs = models.PositiveIntegerField(default=0)
    hanya_di_lindung = models.PositiveIntegerField(default=0)
    # Registrations marked "dikirim ke BPJS" that this list showed known to BPJS (their marks were cleared).
    cleared_marks = models.PositiveIntegerField(default=0)
    columns = models.JSONField(default=dict, blank=True)  # field → header text
    # Region code (desa, or a NIK's kecamatan) → class → rows: the counts per kabupaten and desa.
    by_region = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    errors_truncated = models.BooleanField(default=False)
    error_file = models.FileField(upload_to="reconciliation/errors/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReconciliationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")

    def __str__(self) -> str:
        return "{} ({})".format(self.filename, self.get_state_display())

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, int(100 * self.processed / self.size)) if self.size else 0

    def class_counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in rules.CLASSES}


class ReconciliationRow(models.Model):
    """One classified row of the list, or (``row`` None) a membership in scope the list lacks (hanya di Lindung)."""

    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.CASCADE, related_name="rows"
    )
    row = models.PositiveIntegerField(null=True, blank=True)
    nik = models.CharField(max_length=16)
    kpj = models.CharField(max_length=15, blank=True)
    name = models.CharField(max_length=150, blank=True)
    # The desa of Lindung's membership, else the file's desa code or the kecamatan that issued the NIK.
    region_code = models.CharField(max_length=13, blank=True)
    # A historical record: no index and no database constraint (each would cost the COPY of a million result
    # rows, and the constraint made deleting a membership scan every run's rows). Memberships are never deleted.
    kepesertaan = models.ForeignKey(
        "participants.Kepesertaan",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # ",kpj_baru,status_berbeda," — the separators let one LIKE find a class on both databases.
    classes = models.CharField(max_length=120)
    detail = models.TextField(blank=True)
    bpjs_status = models.CharField(max_length=10, blank=True)
    payer = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("reconciliation row")
        verbose_name_plural = _("reconciliation rows")
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "region_code"])]

    def class_list(self) -> list[str]:
        return [c for c in self.classes.split(",") if c]


class PendingRegistration(models.Model):
    """A membership Lindung has and BPJS's list lacked, marked to be sent to BPJS; ``sent_on`` once exported
    ("dikirim ke BPJS"). A later reconciliation whose list has the person deletes the mark (audited)."""

    kepesertaan = models.OneToOneField(
        "participants.Kepesertaan", on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(
        ReconciliationRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = user_reference()
    payer_code = models.CharField(max_length=40, db_index=True)
    sent_on = models.DateField(null=True, blank=True)
    sent_by = user_reference()

    class Meta:
        verbose_name = _("registration to send to BPJS")
        verbose_name_plural = _("registrations to send to BPJS")
