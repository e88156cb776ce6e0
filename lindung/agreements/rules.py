"""Pipeline stages of a kabupaten/kota, derived from the data (no ORM here)."""

from __future__ import annotations

from django.db import models


class Tahap(models.TextChoices):
    BELUM_ADA_PKS = "belum_ada_pks", "Belum ada PKS"
    PKS_DITANDATANGANI = "pks_ditandatangani", "PKS ditandatangani"
    DATA_DITERIMA = "data_diterima", "Data diterima"
    DITAGIH = "ditagih", "Ditagih"
    TERLINDUNGI = "terlindungi", "Terlindungi"


ORDER = list(Tahap.values)


def pipeline_stage(
    *, has_pks: bool, registered: int, billed: int, protected: int
) -> str:
    """The furthest stage the data shows; protection or bills without a recorded PKS still count as reached."""
    if protected > 0:
        return Tahap.TERLINDUNGI
    if billed > 0:
        return Tahap.DITAGIH
    if registered > 0:
        return Tahap.DATA_DITERIMA
    if has_pks:
        return Tahap.PKS_DITANDATANGANI
    return Tahap.BELUM_ADA_PKS


def coverage_percent(protected: int, target: int) -> float | None:
    return None if not target else round(100.0 * protected / target, 1)
