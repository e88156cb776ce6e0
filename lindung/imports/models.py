"""ImportBatch: one uploaded spreadsheet, its counts and its error file."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import UploadQuerySet
from lindung.common.fields import user_reference
from lindung.common.models import JobState
from lindung.participants.choices import SumberDana


class ImportBatch(models.Model):
    """One import run; counts always satisfy total = inserted + updated + unchanged + rejected + skipped when
    done."""

    State = JobState

    kind = models.CharField(max_length=10)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = user_reference()
    dry_run = models.BooleanField(default=False)
    # The funding source the importer chose for rows whose Sumber Dana is blank (a file without the column): it
    # fills a blank, never replaces a stored source. Blank = none chosen (such rows are warned).
    default_sumber_dana = models.CharField(
        max_length=20, choices=SumberDana.choices, blank=True
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Rows deliberately not registered as active (a dismissed official, a Pj. Kepala Desa, a resident whose
    # occupation is not vulnerable work), each with its reason among the errors.
    skipped = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    # The first MAX_STORED_ERRORS errors; the error file holds all of them.
    errors = models.JSONField(default=list, blank=True)
    errors_truncated = models.BooleanField(default=False)
    # The first MAX_STORED_ERRORS warnings (row, column, message) of rows that were saved; the error file's
    # "Peringatan" sheet holds up to MAX_FILE_WARNINGS.
    warning_list = models.JSONField(default=list, blank=True)
    columns = models.JSONField(
        default=dict, blank=True
    )  # field → header text as found in the file
    error_file = models.FileField(upload_to="imports/errors/", blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = UploadQuerySet.as_manager()  # the starter, or a region in view scope

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return "{} ({}, {})".format(self.filename, self.kind, self.get_state_display())

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        return (
            100
            if self.state == self.State.DONE
            else int(100 * self.processed / self.total)
            if self.total
            else 0
        )

    def summary(self) -> dict:
        return {
            "total": self.total,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "errors": self.errors,
        }
