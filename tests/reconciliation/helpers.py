"""BPJS participant lists and a small registry for reconciliation tests."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path

from lindung.contributions.models import Payer, Tagihan, TagihanLine
from lindung.participants.models import Kepesertaan, Peserta
from tests.factories import nik_for

DESA_X = "53.01.04.2003"  # Kab. Kupang
DESA_X2 = "53.01.04.2004"
DESA_Y = "53.18.01.2001"  # Sumba Barat Daya
HEADER = [
    "NIK",
    "No KPJ",
    "Nama Peserta",
    "Tgl Lahir",
    "Status Kepesertaan",
    "TMT Kepesertaan",
    "Bulan Iuran Terakhir",
    "Segmen",
    "NPP",
]
_serial = itertools.count(1)


def nik(serial: int, prefix: str = "530104") -> str:
    return nik_for(serial, prefix=prefix, day=1, month=1, yy=90)


def member(
    serial: int,
    *,
    desa: str = DESA_X,
    status: str = "aktif",
    kpj: str = "",
    name: str | None = None,
    paid_through: dt.date | None = None,
    peserta: Peserta | None = None,
    **kw,
) -> Kepesertaan:
    """A membership (and its person) with fully paid bill lines from 2026-07 to ``paid_through``'s month."""
    peserta = peserta or Peserta.objects.create(
        nik=nik(serial, kw.pop("prefix", "530104")),
        name=name or "Peserta {}".format(serial),
        birth_date=dt.date(1990, 1, 1),
        sex="L",
    )
    k = Kepesertaan.objects.create(
        peserta=peserta,
        kind=kw.pop("kind", "rentan"),
        desa_id=desa,
        registered_on=dt.date(2025, 1, 1),
        sumber_dana=kw.pop("sumber_dana", "dana_desa"),
        status=status,
        kpj=kpj,
        wage=1_000_000,
        pekerjaan="petani",
        **kw,
    )
    if paid_through:
        pay(k, dt.date(2026, 7, 1), paid_through)
    return k


def pay(k: Kepesertaan, first: dt.date, last: dt.date) -> None:
    payer, _ = Payer.objects.get_or_create(
        code="desa-" + k.desa_id,
        defaults={"kind": "desa", "name": "Pemerintah Desa", "region_id": k.desa_id},
    )
    period = first
    while period <= last:
        bill = Tagihan.objects.create(
            number="T-{}".format(next(_serial)),
            payer=payer,
            period=period,
            segment="bpu",
            due_date=period + dt.timedelta(days=14),
            total=16800,
            paid=16800,
        )
        TagihanLine.objects.create(
            tagihan=bill,
            kepesertaan=k,
            period=period,
            segment="bpu",
            total=16800,
            paid=16800,
            paid_on=period,
        )
        period = dt.date(period.year + period.month // 12, period.month % 12 + 1, 1)


def row(k_or_nik, **kw) -> list:
    """A BPJS row for a membership (its own values unless overridden) or for a bare NIK."""
    if isinstance(k_or_nik, Kepesertaan):
        p = k_or_nik.peserta
        data = {
            "nik": p.nik,
            "kpj": k_or_nik.kpj,
            "name": p.name.upper(),
            "birth": p.birth_date.strftime("%d-%m-%Y"),
            "status": "AKTIF" if k_or_nik.status == "aktif" else "NON AKTIF",
            "paid": "",
        }
    else:
        data = {
            "nik": k_or_nik,
            "kpj": "",
            "name": "ORANG BARU",
            "birth": "01-01-1990",
            "status": "AKTIF",
            "paid": "",
        }
    data.update(kw)
    return [
        data["nik"],
        data["kpj"],
        data["name"],
        data["birth"],
        data["status"],
        "01-01-2025",
        data["paid"],
        data.get("segment", "BPU"),
        data.get("npp", "NPP-001"),
    ]


def write_list(path: Path, rows: list[list], *, title: bool = True) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        if title:
            out.writerow(["DAFTAR PESERTA BPJS KETENAGAKERJAAN KANTOR CABANG KUPANG"])
            out.writerow([])
        out.writerow(HEADER)
        out.writerows(rows)
    return path
