"""How a refusal reads: one line of the messages a ValidationError or PermissionDenied carries."""

from __future__ import annotations


def message_of(exc: BaseException) -> str:
    """ "NIK harus 16 digit; tanggal lahir di masa depan": every message of a ValidationError, joined; the text of
    any other exception."""
    return "; ".join(getattr(exc, "messages", None) or [str(exc)])
