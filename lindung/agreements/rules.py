"""Pipeline stages of a kabupaten/kota and the life of its agreements, derived from the data (no ORM here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tahap(models.TextChoices):
    BELUM_ADA_PKS = "belum_ada_pks", _("No PKS yet")
    PKS_DITANDATANGANI = "pks_ditandatangani", _("PKS signed")
    DATA_DITERIMA = "data_diterima", _("Data received")
    DITAGIH = "ditagih", _("Billed")
    SEBAGIAN = "sebagian", _("Partly protected")
    TERLINDUNGI = "terlindungi", _("Protected")


ORDER = list(Tahap.values)


class PKSStatus(models.TextChoices):
    """Where a regency's agreements stand on a date (issue #18: an ended PKS says so until it is renewed)."""

    AKTIF = "aktif", pgettext_lazy("pks status", "In force")
    BERAKHIR = "berakhir", pgettext_lazy("pks status", "Ended")
    BELUM_ADA = "belum_ada", pgettext_lazy("pks status", "None yet")


def reaches_threshold(*, desa: int, desa_terlindungi: int, threshold) -> bool:
    """Whether the share of desa with a protected official is at or above ``threshold`` (a fraction, e.g. 0.80).

    Compared in exact decimals (``desa_terlindungi >= threshold × desa``), so 8 of 10 meets 0.80 and 7 of 10 does
    not, without floating-point doubt at the boundary. No threshold recorded for the date: every desa is needed
    (the strict reading never calls a regency protected on the strength of a missing setting)."""
    if desa <= 0:
        return False
    share = Decimal(1) if threshold is None else Decimal(str(threshold))
    return Decimal(desa_terlindungi) >= share * desa


def pipeline_stage(
    *,
    has_pks: bool,
    registered: int,
    billed: int,
    protected: int,
    desa: int,
    desa_terlindungi: int,
    threshold,
) -> str:
    """The furthest stage the data shows; protection or bills without a recorded PKS still count as reached.

    Issue #18: one protected person no longer makes the regency "terlindungi". With anyone protected, the stage is
    ``terlindungi`` only when the desa with a protected official reach the regency's threshold, else
    ``sebagian``. A kota without desa (kelurahan only, no perangkat desa) is weighed on its vulnerable workers
    alone: protected is ``terlindungi`` (the screens add "tidak ada desa" for perangkat)."""
    if protected > 0:
        if desa == 0 or reaches_threshold(
            desa=desa, desa_terlindungi=desa_terlindungi, threshold=threshold
        ):
            return Tahap.TERLINDUNGI
        return Tahap.SEBAGIAN
    if billed > 0:
        return Tahap.DITAGIH
    if registered > 0:
        return Tahap.DATA_DITERIMA
    if has_pks:
        return Tahap.PKS_DITANDATANGANI
    return Tahap.BELUM_ADA_PKS


def coverage_percent(protected: int, target: int) -> float | None:
    return None if not target else round(100.0 * protected / target, 1)


def latest_agreement(agreements):
    """Of a regency's agreements signed by the report date, the one that runs longest (open-ended first; then the
    latest end, the latest start, the latest signature). A renewal signed before the old PKS ended, or after it,
    is that one: once it is recorded the regency is no longer "berakhir". ``agreements`` are objects with
    ``valid_from``, ``valid_to`` and ``signed_on``."""
    return max(
        agreements,
        key=lambda p: (
            p.valid_to is None,
            p.valid_to or dt.date.min,
            p.valid_from or p.signed_on,
            p.signed_on,
        ),
        default=None,
    )


def pks_status(*, signed: bool, valid_to: dt.date | None, as_of: dt.date) -> str:
    """``belum_ada`` without any agreement signed by ``as_of``; ``berakhir`` when the latest agreement's end date
    is before ``as_of`` (the end date itself is still in force, as in ``PKS.objects.in_force``); else ``aktif``."""
    if not signed:
        return PKSStatus.BELUM_ADA
    if valid_to is not None and valid_to < as_of:
        return PKSStatus.BERAKHIR
    return PKSStatus.AKTIF


def action_overdue(*, planned_on: dt.date, done: bool, as_of: dt.date) -> bool:
    """A planned action is overdue when its date is before the report date and it is not done."""
    return not done and planned_on < as_of
