"""A download too large to build during a request, built by the task worker with its progress (issue 21)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    """Where a background job stands: imports, payment files, reconciliations and large downloads alike."""

    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    State = JobState

    # Only its requester sees and downloads it (the rows were scoped to that user when built).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    export = models.CharField(max_length=120)  # dotted path of the list's lists.Export
    params = models.TextField(blank=True)  # the list's filters, urlencoded
    fmt = models.CharField(max_length=4, default="xlsx")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True, max_length=200)
    filename = models.CharField(max_length=120, blank=True)
    message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
