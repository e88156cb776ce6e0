"""Pure helpers for the coordination report (laporan rakor)."""

from __future__ import annotations

from lindung.participants.choices import APBD_FUNDS, VILLAGE_FUNDS

COUNT_KEYS = [
    "desa",
    "kelurahan",
    "perangkat_terdaftar",
    "perangkat_terlindungi",
    "perangkat_target",
    "rentan_dana_desa",
    "rentan_apbd",
    "rentan_lainnya",
]

DEFAULT_POSITIONS_PER_DESA = "perangkat_positions_per_desa"


def funding_group(sumber_dana: str) -> str:
    """Rakor columns: village funds (Dana Desa, ADD, other APBDes), APBD (kabupaten/provinsi), everything else
    (a source not yet filled in included, so the three columns still add up to all pekerja rentan)."""
    if sumber_dana in VILLAGE_FUNDS:
        return "rentan_dana_desa"
    if sumber_dana in APBD_FUNDS:
        return "rentan_apbd"
    return "rentan_lainnya"


def expected_perangkat(
    *, recorded_target: int | None, desa: int, positions_per_desa
) -> int:
    """A recorded target wins; otherwise positions × desa (kelurahan have civil servants, not perangkat)."""
    if recorded_target is not None:
        return recorded_target
    return int(round(desa * float(positions_per_desa or 0)))


def totals(rows: list[dict]) -> dict:
    out = {k: sum(int(r[k]) for r in rows) for k in COUNT_KEYS}
    out["perangkat_persen"] = (
        round(100.0 * out["perangkat_terlindungi"] / out["perangkat_target"], 1)
        if out["perangkat_target"]
        else None
    )
    out["rentan_total"] = (
        out["rentan_dana_desa"] + out["rentan_apbd"] + out["rentan_lainnya"]
    )
    return out
