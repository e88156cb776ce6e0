"""The demo's BPJS lists for NTT (docs/reconciliation.md, "Demo"): generated from the demo registry into the data
folder and reconciled as the ``bpjs`` demo user, so the BPJS officer's dashboard links to a result with a few rows of
each class.

Kecamatan Semau (53.01.04, Kab. Kupang, where Desa Bokonusan lies) is the region. A first list (last month's) has
every membership there but six, and its new KPJ numbers are written back, as a branch office would after its first
reconciliation. The second list (this month's) then holds: matched rows; three people the first list lacked (new
KPJ); status, contribution and data differences; people only at BPJS; one membership BPJS reports ended; a NIK
Excel turned into a number (rejected); a person of Sumba Barat Daya (outside the region); and three memberships it
lacks (only in Lindung). Same seed, same registry, same files: running the demo again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from lindung.participants.models import Kepesertaan

from . import services
from .models import ReconciliationRun
from .services.runs import _paid_until

REGION = "53.01.04"
OUTSIDE = "53.18."
FILES = ("bpjs_kc_kupang_semau_1.csv", "bpjs_kc_kupang_semau_2.csv")
HEADER = [
    "No",
    "NIK",
    "No KPJ",
    "Nama Tenaga Kerja",
    "Tgl Lahir",
    "Status Kepesertaan",
    "TMT Kepesertaan",
    "Bulan Iuran Terakhir",
    "Segmen",
    "Kode Pembina",
]


def _kpj(kepesertaan_id: int) -> str:
    return "{:011d}".format(26_000_000_000 + kepesertaan_id)


def _month(day: dt.date | None) -> str:
    return "{:02d}/{}".format(day.month, day.year) if day else ""


def _add_months(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def _row(k: Kepesertaan, paid_until: dict, **kw) -> dict:
    p = k.peserta
    row = {
        "nik": p.nik,
        "kpj": _kpj(k.pk),
        "name": p.name.upper(),
        "birth": p.birth_date.strftime("%d-%m-%Y"),
        "status": "AKTIF" if k.status == "aktif" else "NON AKTIF",
        "tmt": k.registered_on.strftime("%d-%m-%Y"),
        "paid": _month(paid_until.get(k.pk)),
        "segment": "PU" if k.kind == "perangkat" else "BPU",
        "payer": "PEMDES {}".format(k.desa_id),
    }
    row.update(kw)
    return row


def _write(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["DAFTAR TENAGA KERJA BPJS KETENAGAKERJAAN KANTOR CABANG KUPANG"])
        out.writerow(["Wilayah: Kecamatan Semau, Kabupaten Kupang"])
        out.writerow([])
        out.writerow(HEADER)
        for i, r in enumerate(rows, start=1):
            out.writerow(
                [
                    i,
                    r["nik"],
                    r["kpj"],
                    r["name"],
                    r["birth"],
                    r["status"],
                    r["tmt"],
                    r["paid"],
                    r["segment"],
                    r["payer"],
                ]
            )
    return path


def build_lists(folder: Path) -> tuple[Path, Path]:
    """Write both demo lists from the registry (deterministic: ordered by membership id)."""
    members = list(
        Kepesertaan.objects.filter(desa__code__startswith=REGION + ".")
        .active()
        .select_related("peserta")
        .order_by("id")
    )
    paid = _paid_until(None, REGION)
    aktif = [k for k in members if k.status == "aktif"]
    new_kpj, missing = members[-6:-3], members[-3:]
    status, iuran, data = aktif[0:3], aktif[3:6], aktif[6:9]
    ended, titles = aktif[9], aktif[10]
    first = [_row(k, paid) for k in members[:-6]]
    second = []
    for k in members[:-3]:
        if k in status:
            second.append(_row(k, paid, status="NON AKTIF"))
        elif k in iuran:
            last = paid.get(k.pk)
            second.append(_row(k, paid, paid=_month(last and _add_months(last, -2))))
        elif k in data:
            second.append(_row(k, paid, name=k.peserta.name.upper() + "NY"))
        elif k is ended:
            second.append(_row(k, paid, status="BERHENTI"))
        elif k is titles:
            second.append(_row(k, paid, name="Drs. " + k.peserta.name + ", M.Si"))
        else:
            second.append(_row(k, paid))
    for serial in (9901, 9902, 9903):  # only at BPJS: NIKs issued in Semau
        second.append(
            {
                "nik": "530104{}{}".format("150390", serial),
                "kpj": "{:011d}".format(27_000_000_000 + serial),
                "name": "PESERTA BARU {}".format(serial - 9900),
                "birth": "15-03-1990",
                "status": "AKTIF",
                "tmt": "02-01-2025",
                "paid": _month(_add_months(dt.date.today(), -1)),
                "segment": "BPU",
                "payer": "WADAH SEMAU",
            }
        )
    second.append({**second[0], "nik": "5.30104E+15", "kpj": ""})
    sumba = (
        Kepesertaan.objects.filter(desa__code__startswith=OUTSIDE)
        .active()
        .select_related("peserta")
        .order_by("id")
        .first()
    )
    if sumba is not None:
        second.append(_row(sumba, paid))
    assert not set(new_kpj) & set(missing)
    return _write(folder / FILES[0], first), _write(folder / FILES[1], second)


def load_demo_reconciliation() -> dict[str, object]:
    """Write the demo lists and reconcile them as the ``bpjs`` demo user, once."""
    user = get_user_model().objects.filter(username="bpjs").first()
    if user is None:
        return {}
    done = ReconciliationRun.objects.filter(
        actor=user, filename=FILES[1], state=ReconciliationRun.State.DONE
    ).first()
    if done is not None:
        return {"rekonsiliasi BPJS": "sudah ada (#{})".format(done.pk)}
    if not Kepesertaan.objects.filter(desa__code__startswith=REGION + ".").exists():
        return {}
    folder = Path(settings.DATA_DIR) / "demo"
    first_path, second_path = build_lists(folder)
    first = services.reconcile(actor=user, path=first_path, region_code=REGION)
    services.write_back_kpj(actor=user, run=first)
    second = services.reconcile(actor=user, path=second_path, region_code=REGION)
    return {
        "rekonsiliasi BPJS (#{})".format(second.pk): ", ".join(
            "{} {}".format(name, count) for name, count in second.class_counts().items()
        )
    }
