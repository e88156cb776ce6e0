"""Tile-cartogram positions (column, row) of regencies in their rough geographic arrangement.

No registry package ships regency boundaries under a usable licence, so the map is a cartogram: one tile per
kabupaten/kota placed where it lies (west → east, north → south). Regions without a layout get a plain grid.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

TILES: dict[str, tuple[int, int]] = {
    # Nusa Tenggara Timur: Flores and Alor (north), Timor (east), Sumba, Sabu and Rote (south-west)
    "53.15": (0, 0),
    "53.10": (1, 0),
    "53.19": (2, 0),
    "53.09": (3, 0),
    "53.16": (4, 0),
    "53.08": (5, 0),
    "53.07": (6, 0),
    "53.06": (7, 0),
    "53.13": (8, 0),
    "53.05": (9, 0),
    "53.71": (5, 1),
    "53.01": (6, 1),
    "53.02": (7, 1),
    "53.03": (8, 1),
    "53.04": (9, 1),
    "53.18": (0, 2),
    "53.12": (1, 2),
    "53.17": (2, 2),
    "53.11": (3, 2),
    "53.20": (4, 2),
    "53.14": (5, 2),
    "53.21": (9, 2),
}


def layout(codes: list[str], columns: int = 8) -> dict[str, tuple[int, int]]:
    if codes and all(c in TILES for c in codes):
        return {c: TILES[c] for c in codes}
    return {c: (i % columns, i // columns) for i, c in enumerate(sorted(codes))}


def colour(row: dict) -> str:
    """Red: nobody protected; amber: ``sebagian`` (desa with a protected official below the threshold) or under
    75% of the perangkat target; green otherwise."""
    protected = (
        row["perangkat_terlindungi"]
        + row["rentan_dana_desa"]
        + row["rentan_apbd"]
        + row["rentan_lainnya"]
    )
    if protected == 0:
        return "red"
    if row.get("tahap") == "sebagian":
        return "amber"
    pct = row.get("perangkat_persen")
    if row["desa"] and (pct is None or pct < 75):
        return "amber"
    return "green"


def alerts(row: dict) -> list[str]:
    """What the tile says besides coverage (issue #18): an ended PKS, an overdue plan."""
    out = []
    if row.get("pks_status") == "berakhir":
        out.append(_("PKS ended"))
    if row.get("rencana_terlambat"):
        out.append(_("plan overdue"))
    return out
