"""Model fields used alike in many apps."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def user_reference(*, blank: bool = True) -> models.ForeignKey:
    """Who did it (reported, decided, uploaded…): a user kept as a reference, never a reverse relation on the user,
    set to NULL if the account is ever deleted (the audit log keeps the name)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
    )
