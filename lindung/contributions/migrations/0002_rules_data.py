"""Load the contribution rules of docs/regulations.md §1 as data rows (editable afterwards in Django admin)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.db import migrations

START = dt.date(2015, 7, 1)  # PP 44/2015, PP 45/2015, PP 46/2015 in force
SRC_JKK = (
    "PP 44/2015 (JKK by 5 risk groups). CONFIRMED — star.grid.id/read/453716861; star.grid.id/amp/453670457; "
    "pontianak.tribunnews.com/2023/02/28/…. Village officials are assumed outside JKP, so the PP 49/2023 "
    "recomposition (JKK 0.10/0.40/0.75/1.13/1.60%, JKM 0.20%) is not applied — UNCERTAIN."
)
RISK = [
    ("sangat_rendah", "0.0024"),
    ("rendah", "0.0054"),
    ("sedang", "0.0089"),
    ("tinggi", "0.0127"),
    ("sangat_tinggi", "0.0174"),
]


def _tariffs() -> list[dict]:
    rows = [
        dict(
            segment="pu",
            programme="jkk",
            risk_group=g,
            base="wage",
            employer_rate=D(r),
            confirmed=True,
            source=SRC_JKK,
        )
        for g, r in RISK
    ]
    rows += [
        dict(
            segment="pu",
            programme="jkm",
            base="wage",
            employer_rate=D("0.003"),
            confirmed=True,
            source="PP 44/2015 JKM 0.30% employer. CONFIRMED — fame.grid.id/amp/464096648; fame.grid.id/read/464028442",
        ),
        dict(
            segment="pu",
            programme="jht",
            base="wage",
            employer_rate=D("0.037"),
            worker_rate=D("0.02"),
            confirmed=True,
            source="PP 46/2015 JHT 5.7% = 3.7% employer + 2% worker. CONFIRMED — "
            "id.scribd.com/document/629106396; fame.grid.id/read/464028442",
        ),
        dict(
            segment="pu",
            programme="jp",
            base="wage",
            employer_rate=D("0.02"),
            worker_rate=D("0.01"),
            confirmed=True,
            source="PP 45/2015 JP 3% = 2% employer + 1% worker. CONFIRMED — "
            "jatim.suaraindonesia.co.id/news/advertorial/662fb085ccb43",
        ),
        dict(
            segment="bpu",
            programme="jkk",
            base="bracket",
            worker_rate=D("0.01"),
            confirmed=True,
            source="PP 44/2015 Lampiran II: 1% of the declared income bracket. CONFIRMED — star.grid.id/amp/453740395",
        ),
        dict(
            segment="bpu",
            programme="jkm",
            base="flat",
            flat_amount=6800,
            confirmed=True,
            source="PP 44/2015 BPU JKM Rp 6,800 flat. CONFIRMED — star.grid.id/amp/453740395; fame.grid.id/amp/464096648",
        ),
        dict(
            segment="bpu",
            programme="jht",
            base="bracket",
            worker_rate=D("0.02"),
            confirmed=True,
            source="PP 46/2015 / Permenaker 5/2021: BPU JHT 2% of declared income. CONFIRMED — "
            "star.grid.id/amp/453740395. Applying it to the bracket (not the raw income) is UNCERTAIN.",
        ),
    ]
    return rows


def _brackets() -> list[dict]:
    ends = {1_000_000, 20_700_000}
    incomes = list(range(1_000_000, 20_700_000, 500_000)) + [20_700_000]
    return [
        dict(
            income=i,
            confirmed=i in ends,
            source=(
                "PP 44/2015 Lampiran II ends Rp 1,000,000 → 10,000 and Rp 20,700,000 → 207,000. CONFIRMED — "
                "radarmukomuko.disway.id/read/666514"
                if i in ends
                else "Bracket between the two ends not found (Lampiran II); step of Rp 500,000 assumed. UNCERTAIN"
            ),
        )
        for i in incomes
    ]


def _reliefs() -> list[dict]:
    pp49 = (
        "PP 49/2020 Pasal 9: JKK and JKM cut by 99% for contribution months Aug 2020 – Jan 2021; deadline the "
        "30th; late fee 0.5%/month. CONFIRMED — pasal.id/peraturan/pp/pp-no-49-tahun-2020; voi.id/en/news/13466"
    )
    pp50 = (
        "PP 50/2025 Pasal 4: BPU JKK and JKM at 50%; not when paid through APBN/APBD. CONFIRMED — "
        "cnbcindonesia.com/market/20260204140501-17-708135; qnews.co.id; economy.okezone.com/amp/2026/02/03/…"
    )
    apbn_apbd = ["apbn", "apbd_kabupaten", "apbd_provinsi"]
    return [
        dict(
            name="PP 49/2020",
            programmes=["jkk", "jkm"],
            segments=["pu"],
            percent_off=D(99),
            valid_from=dt.date(2020, 8, 1),
            valid_to=dt.date(2021, 1, 31),
            late_fee_rate=D("0.005"),
            deadline_day=30,
            confirmed=True,
            source=pp49,
        ),
        dict(
            name="PP 49/2020",
            programmes=["jkk", "jkm"],
            segments=["bpu"],
            percent_off=D(99),
            valid_from=dt.date(2020, 8, 1),
            valid_to=dt.date(2021, 1, 31),
            confirmed=False,
            source=pp49
            + ". Which BPU were 'tertentu' is UNCERTAIN: applied to all BPU.",
        ),
        dict(
            name="PP 50/2025",
            programmes=["jkk", "jkm"],
            segments=["bpu"],
            percent_off=D(50),
            sector="transport",
            excluded_funding=apbn_apbd,
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2027, 3, 31),
            confirmed=True,
            source=pp50
            + ". Transport workers: January 2026 – March 2027. Whether APBDes/Dana Desa payers are "
            "excluded too is UNCERTAIN (not excluded here).",
        ),
        dict(
            name="PP 50/2025",
            programmes=["jkk", "jkm"],
            segments=["bpu"],
            percent_off=D(50),
            excluded_funding=apbn_apbd,
            valid_from=dt.date(2026, 4, 1),
            valid_to=dt.date(2026, 12, 31),
            confirmed=True,
            source=pp50 + ". Other BPU: April – December 2026.",
        ),
    ]


def _caps() -> list[dict]:
    return [
        dict(
            programme="jp",
            cap=9_559_600,
            valid_from=dt.date(2023, 3, 1),
            valid_to=dt.date(2024, 2, 29),
            confirmed=False,
            source="PP 45/2015 Pasal 29: Rp 9,559,600 before March 2024 (confirmed value; the "
            "start month March 2023 is UNCERTAIN) — jatim.suaraindonesia.co.id/…/662fb085ccb43",
        ),
        dict(
            programme="jp",
            cap=10_042_300,
            valid_from=dt.date(2024, 3, 1),
            valid_to=dt.date(2025, 2, 28),
            confirmed=True,
            source="PP 45/2015 Pasal 29 (3)–(4): Rp 10,042,300 from March 2024. CONFIRMED — "
            "jatim.suaraindonesia.co.id/…/662fb085ccb43; tanjungpinang.pikiran-rakyat.com",
        ),
        dict(
            programme="jp",
            cap=10_042_300,
            valid_from=dt.date(2025, 3, 1),
            confirmed=False,
            source="JP wage cap from March 2025 not found (about Rp 10.5 million expected): the 2024 value is "
            "carried until a BPJS administrator enters the new one. UNCERTAIN",
        ),
    ]


def _late_fees() -> list[dict]:
    return [
        dict(
            segment="pu",
            deadline_day=15,
            deadline_month_offset=1,
            rate_per_month=D("0.02"),
            valid_from=START,
            confirmed=True,
            source="PU pays by the 15th of the following month; 2% per month of delay, borne by "
            "the employer, paid with the next month's contribution. CONFIRMED — "
            "keuangan.kontan.co.id/news/siapa-yang-bayar-iuran-jkk-… (page 3). Whether a "
            "village government owes the fine is UNCERTAIN.",
        ),
        dict(
            segment="bpu",
            deadline_day=15,
            deadline_month_offset=0,
            rate_per_month=D(0),
            valid_from=START,
            confirmed=True,
            source="BPU pays by the 15th of the month itself; no late fee. CONFIRMED — "
            "keuangan.kontan.co.id (page 3); media.alkhairaat.id",
        ),
    ]


def _settings() -> list[dict]:
    return [
        dict(
            valid_from=START,
            rounding="half_up",
            bpu_lapse_months=3,
            grace_covered=False,
            retroactive_cover=False,
            confirmed=False,
            source="Rounding not found (REGULATIONS.md §1.4). BPU nonaktif after 3 consecutive unpaid months "
            "(CONFIRMED, media.alkhairaat.id); grace and back-paid cover UNCERTAIN (§3).",
        )
    ]


def rows() -> dict[str, list[dict]]:
    """Every rule row by model name (also used by the rule tests, so they check the shipped data)."""
    return {
        "Tariff": [dict(valid_from=START, **r) for r in _tariffs()],
        "BpuBracket": [dict(valid_from=START, **r) for r in _brackets()],
        "WageCap": _caps(),
        "ReliefPeriod": _reliefs(),
        "LateFeeRule": _late_fees(),
        "IuranSetting": _settings(),
    }


def load(apps, schema_editor):
    for name, items in rows().items():
        model = apps.get_model("contributions", name)
        model.objects.bulk_create(model(**item) for item in items)


def unload(apps, schema_editor):
    for name in (
        "Tariff",
        "BpuBracket",
        "WageCap",
        "ReliefPeriod",
        "LateFeeRule",
        "IuranSetting",
    ):
        apps.get_model("contributions", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
