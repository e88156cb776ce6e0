"""Settings for the test suite, named in pyproject.toml's pytest section so that plain ``pytest`` (or
``pytest tests/x/test_y.py``) runs alone, as ``make test`` does: a throwaway data folder, tasks run inline, and a
fast password hasher (the real one made database tests about 2.3× slower, and no test measures hashing)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("LINDUNG_DATA_DIR", tempfile.mkdtemp(prefix="lindung-test-"))
os.environ.setdefault(
    "LINDUNG_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
)

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
