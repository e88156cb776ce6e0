"""Logging filters: a refusal is one line, not a traceback that reads as a crash to whoever watches the server."""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    """Django logs a 403 (PermissionDenied) or a 400 with the exception's traceback; for a 4xx the one line
    ("Forbidden (Permission denied): /impor/") says all there is to say. 5xx keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info, record.exc_text = None, None
        return True
