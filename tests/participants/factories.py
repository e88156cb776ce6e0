"""Registry test data: re-exported from ``tests.factories`` (the one factory module)."""

from __future__ import annotations

from tests.factories import (  # noqa: F401
    DESA_X,
    DESA_X2,
    DESA_Y,
    nik_for,
    perangkat_data,
    rentan_data,
)
from tests.factories import register as make_kepesertaan  # noqa: F401
