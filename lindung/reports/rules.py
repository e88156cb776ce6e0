"""Pure helpers for the coordination report (laporan rakor)."""

from __future__ import annotations

import datetime as dt

from lindung.agreements.rules import PKSStatus, Tahap
from lindung.common.format import indonesian, tanggal
from lindung.participants.choices import APBD_FUNDS, VILLAGE_FUNDS

COUNT_KEYS = [
    "desa",
    "kelurahan",
    "desa_terlindungi",
    "perangkat_terdaftar",
    "perangkat_terlindungi",
    "perangkat_target",
    "rentan_dana_desa",
    "rentan_apbd",
    "rentan_lainnya",
]

DEFAULT_POSITIONS_PER_DESA = "perangkat_positions_per_desa"
# Issue #18: share of a regency's desa with a protected official from which it is "terlindungi" (docs/reports.md).
PROTECTION_THRESHOLD = "ambang_desa_terlindungi"
NO_DESA = "Tidak ada desa"


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
    out["desa_persen"] = desa_percent(out["desa_terlindungi"], out["desa"])
    out["rentan_total"] = (
        out["rentan_dana_desa"] + out["rentan_apbd"] + out["rentan_lainnya"]
    )
    return out


def desa_percent(desa_terlindungi: int, desa: int) -> float | None:
    """Share of desa with a protected official, in percent (one decimal); None without desa."""
    return round(100.0 * desa_terlindungi / desa, 1) if desa else None


def threshold_percent(threshold) -> float | None:
    return None if threshold is None else round(100.0 * float(threshold), 1)


# --- what every output shows (page, PDF, XLSX, CSV say the same words) ----------------------------------------------


def stage_text(row: dict) -> str:
    """The stage as shown: a kota without desa has no perangkat desa to weigh, so it says so, then the stage its
    vulnerable workers give."""
    if row.get("tanpa_desa"):
        return "{} (pekerja rentan: {})".format(
            NO_DESA, indonesian(Tahap(row["tahap"]).label)
        )
    return indonesian(Tahap(row["tahap"]).label)


def pks_text(row: dict) -> str:
    """ "Berakhir pada 10 Juni 2025, perpanjang" / "Aktif s.d. 10 Juni 2027" / "Aktif" / "Belum ada"."""
    until = row.get("pks_berlaku_sampai")
    if row["pks_status"] == PKSStatus.BERAKHIR:
        return "Berakhir pada {}, perpanjang".format(tanggal(until))
    if row["pks_status"] == PKSStatus.AKTIF:
        return "Aktif s.d. {}".format(tanggal(until)) if until else "Aktif"
    return "Belum ada"


def plan_text(row: dict) -> str:
    """The planned action with its date; an overdue one says "TERLAMBAT" (with the date it was due)."""
    if not row.get("rencana"):
        return ""
    when = tanggal(row["rencana_tanggal"]) if row.get("rencana_tanggal") else ""
    if row.get("rencana_terlambat"):
        return "{} (TERLAMBAT, rencana {})".format(row["rencana"], when)
    return "{} ({})".format(row["rencana"], when) if when else row["rencana"]


def flagged(row: dict) -> bool:
    """Red on every screen: an ended PKS or an overdue plan."""
    return row.get("pks_status") == PKSStatus.BERAKHIR or bool(
        row.get("rencana_terlambat")
    )


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def by_province(rows: list[dict], names: dict[str, str]) -> list[dict]:
    """The national view: the report's kabupaten/kota rows summed per province (the same rows, not a second
    count), with how many regencies stand at each point that needs attention. ``names``: province code → name."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["code"][:2], []).append(r)
    out = []
    for code in sorted(groups):
        kabs = groups[code]
        line = totals(kabs)
        line.update(
            code=code,
            name=names.get(code, code),
            kabupaten=len(kabs),
            tanpa_perlindungan=sum(
                1 for r in kabs if r["desa"] and not r["perangkat_terlindungi"]
            ),
            sebagian=sum(1 for r in kabs if r["tahap"] == Tahap.SEBAGIAN),
            terlindungi=sum(1 for r in kabs if r["tahap"] == Tahap.TERLINDUNGI),
            pks_berakhir=sum(1 for r in kabs if r["pks_status"] == PKSStatus.BERAKHIR),
            rencana_terlambat=sum(1 for r in kabs if r.get("rencana_terlambat")),
        )
        out.append(line)
    return out
