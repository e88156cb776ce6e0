"""The synthetic Nusa Tenggara Timur demo: the same seed gives the same people.

It reproduces what the province reported: 19,629 perangkat desa protected over 19 kabupaten; Kota Kupang has only
kelurahan (no perangkat desa); Sumba Barat Daya (53.18) has a PKS and its officials registered and billed but unpaid;
Sabu Raijua (53.20) has no PKS and a planned action for the September APBD revision; 7,031 vulnerable workers
protected through village funds and 5,353 through APBD. Bills and payments cover the last DEMO_MONTHS months up to
the current one, so the report "as of today" shows these figures on any day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F, Sum

from lindung.accounts.services import create_user
from lindung.agreements.models import PKS, PlannedAction
from lindung.branches.demo import load_demo_branches
from lindung.common.bulk import analyze
from lindung.contributions.models import Tagihan
from lindung.contributions.services import refresh_status, run_billing
from lindung.contributions.settlement import settle_in_full
from lindung.participants.models import Kepesertaan, Peserta
from lindung.reconciliation.demo import load_demo_reconciliation
from lindung.regions.models import Region, code_prefix_q

DEFAULT_SEED = 2026
DEMO_PASSWORD = "lindung-demo-2026"
NTT = "53"
SBD = "53.18"  # Sumba Barat Daya: PKS signed, officials registered, waiting for payment
SABU = "53.20"  # Sabu Raijua: no PKS yet
KOTA_KUPANG = "53.71"
DEMO_MONTHS = 4

PERANGKAT_PROTECTED = 19_629
RENTAN_VILLAGE_FUNDS = 7_031
RENTAN_APBD_KABUPATEN = 4_353
RENTAN_APBD_PROVINSI = 1_000  # APBD total = 5,353
RENTAN_BAZNAS = 240
RENTAN_SELF_UNPAID = 150

DEMO_USERS = [
    {
        "username": "bpjs",
        "role": "bpjs",
        "regions": [],
        "label": "Petugas BPJS (semua wilayah), admin",
        "staff": True,
    },
    {
        "username": "provinsi",
        "role": "provinsi",
        "regions": ["53"],
        "label": "Dinas PMD Provinsi NTT",
    },
    {
        "username": "kabupaten",
        "role": "kabupaten",
        "regions": ["53.18"],
        "label": "Dinas PMD Kab. Sumba Barat Daya",
    },
    {
        "username": "desa",
        "role": "desa",
        "regions": ["53.01.04.2003"],
        "label": "Operator Desa Bokonusan, Kab. Kupang",
    },
    {
        "username": "pemantau",
        "role": "viewer",
        "regions": ["53"],
        "label": "Pemantau (hanya baca), NTT",
    },
]

POSITIONS = [
    "kepala_desa",
    "sekretaris_desa",
    "kaur_keuangan",
    "kaur_umum_perencanaan",
    "kasi_pemerintahan",
    "kasi_kesejahteraan",
    "kasi_pelayanan",
    "kaur_tata_usaha",
]
SILTAP = {"kepala_desa": 2_426_640, "sekretaris_desa": 2_224_420}
SILTAP_OTHER = 2_022_200
OCCUPATIONS = [
    ("petani", 40),
    ("nelayan", 15),
    ("pekebun", 10),
    ("peternak", 8),
    ("pedagang_kecil", 10),
    ("ojek", 7),
    ("buruh_harian_lepas", 5),
    ("pengrajin", 3),
    ("pemandu_wisata", 1),
    ("lainnya", 1),
]
MALE = [
    "Yohanes",
    "Fransiskus",
    "Agustinus",
    "Yosef",
    "Petrus",
    "Paulus",
    "Marselinus",
    "Antonius",
    "Yakobus",
    "Stefanus",
    "Dominikus",
    "Melkianus",
    "Daniel",
    "Yeremias",
    "Ferdinandus",
    "Benediktus",
    "Arnoldus",
    "Kornelis",
    "Simon",
    "Aleksander",
    "Yulius",
    "Markus",
    "Matius",
    "Nikolaus",
    "Gregorius",
    "Hendrik",
    "Umbu",
    "Obed",
    "Elias",
    "Robert",
    "Hironimus",
    "Wilhelmus",
    "Ismail",
    "Abdul",
    "Muhamad",
    "Lukas",
]
FEMALE = [
    "Maria",
    "Kristina",
    "Theresia",
    "Elisabeth",
    "Yuliana",
    "Agnes",
    "Margaretha",
    "Veronika",
    "Yasinta",
    "Fransiska",
    "Helena",
    "Rosalia",
    "Anastasia",
    "Martha",
    "Ribka",
    "Debora",
    "Naomi",
    "Sarlota",
    "Yohana",
    "Magdalena",
    "Katarina",
    "Siti",
    "Rambu",
    "Ester",
    "Lusia",
    "Yosefina",
    "Bernadeta",
]
SURNAMES = [
    "Lado",
    "Bani",
    "Tefa",
    "Nenobais",
    "Lay",
    "Djawa",
    "Riwu",
    "Kana",
    "Manu",
    "Fallo",
    "Tanesib",
    "Ratu",
    "Wadu",
    "Lobo",
    "Dapa",
    "Bili",
    "Mbora",
    "Kaka",
    "Ndapa",
    "Kolo",
    "Seran",
    "Bria",
    "Mau",
    "Nahak",
    "Koten",
    "Lewar",
    "Wato",
    "Parera",
    "Da Costa",
    "Fernandez",
    "Ola",
    "Tukan",
    "Making",
    "Rera",
    "Bhoki",
    "Wangge",
    "Dhey",
    "Nai",
    "Jehadu",
    "Ndori",
    "Dopo",
    "Hadjo",
    "Liu",
    "Rohi",
    "Pah",
    "Benu",
    "Taneo",
]


BPJS_ADMIN_GROUP = "Petugas BPJS (admin)"
LINDUNG_APPS = (
    "accounts",
    "regions",
    "participants",
    "imports",
    "contributions",
    "claims",
    "agreements",
    "reports",
    "branches",
)


def bpjs_admin_group():
    """The demo BPJS officer's admin rights: view every Lindung record, and add or change the rules kept as data
    (rows with a ``valid_from``: tariffs, benefit tables, reliefs, settings, targets, branch channels) and the
    agreements. Records written by services stay read-only in the admin whatever the permission says."""

    group, _ = Group.objects.get_or_create(name=BPJS_ADMIN_GROUP)
    wanted = []
    for label in LINDUNG_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            codes = ["view"]
            fields = {f.name for f in model._meta.fields}
            if "valid_from" in fields or model._meta.label in (
                "agreements.PlannedAction",
                "branches.KantorCabang",
            ):
                codes += ["add", "change"]
            wanted += [f"{code}_{model._meta.model_name}" for code in codes]
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=LINDUNG_APPS, codename__in=wanted
        )
    )
    return group


def create_demo_users() -> None:

    for u in DEMO_USERS:
        user = create_user(
            username=u["username"],
            password=DEMO_PASSWORD,
            role=u["role"],
            regions=u["regions"],
            name=u["label"],
            staff=u.get("staff", False),
        )
        if u["role"] == "bpjs":
            # A staff user with model permissions, not a superuser: the admin is inside the rules (issue 20).
            get_user_model().objects.filter(pk=user.pk).update(is_superuser=False)
            user.groups.add(bpjs_admin_group())


def demo_periods(today: dt.date | None = None) -> list[dt.date]:
    today = today or dt.date.today()
    first = today.replace(day=1)
    periods = []
    for back in range(DEMO_MONTHS - 1, -1, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
        periods.append(dt.date(y, m + 1, 1))
    return periods


class _People:
    """Makes people whose NIK agrees with their kecamatan, birth date and sex."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serials: dict[str, int] = defaultdict(int)

    def make(
        self, desa_code: str, *, born_from: int, born_to: int, male_share: float
    ) -> dict:
        rng = self.rng
        sex = "L" if rng.random() < male_share else "P"
        year = rng.randint(born_from, born_to)
        birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        prefix = desa_code[:8].replace(".", "")  # PP KK CC of the kecamatan
        day = birth.day + (40 if sex == "P" else 0)
        key = f"{prefix}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        self.serials[key] += 1
        first = rng.choice(MALE if sex == "L" else FEMALE)
        name = f"{first} {rng.choice(SURNAMES)}"
        phone = "08" + "".join(rng.choice("0123456789") for _ in range(10))
        return {
            "nik": f"{key}{self.serials[key]:04d}",
            "name": name,
            "birth_date": birth,
            "sex": sex,
            "phone": phone,
        }


def _ntt_villages():

    villages = defaultdict(list)
    for code, typ in (
        Region.objects.filter(code__startswith=NTT + ".", level=4)
        .order_by("code")
        .values_list("code", "type")
    ):
        villages[code[:5]].append((code, typ))
    return villages


def demo_plan(seed: int = DEFAULT_SEED) -> dict:
    """Which desa pay, which are in arrears and which have no official registered (deterministic per seed)."""
    rng = random.Random(seed)
    villages = _ntt_villages()
    paid_kabs = sorted(k for k in villages if k not in (SBD, SABU, KOTA_KUPANG))
    desa_paid_kabs = [v for k in paid_kabs for v, t in villages[k] if t != "kelurahan"]
    rng.shuffle(desa_paid_kabs)
    n_unpaid, n_none = len(desa_paid_kabs) * 15 // 1000, len(desa_paid_kabs) // 100
    return {
        "villages": villages,
        "paid_kabs": paid_kabs,
        "desa_paid_kabs": sorted(desa_paid_kabs),
        "unpaid_desa": sorted(desa_paid_kabs[:n_unpaid]),
        "no_official_desa": sorted(desa_paid_kabs[n_unpaid : n_unpaid + n_none]),
        "protected_desa": sorted(desa_paid_kabs[n_unpaid + n_none :]),
    }


def generate_people(*, seed: int = DEFAULT_SEED) -> dict:
    """Build the registry (Peserta + Kepesertaan)."""

    plan = demo_plan(seed)
    villages, paid_kabs, desa_paid_kabs = (
        plan["villages"],
        plan["paid_kabs"],
        plan["desa_paid_kabs"],
    )
    unpaid_desa, no_official_desa, protected_desa = (
        plan["unpaid_desa"],
        plan["no_official_desa"],
        plan["protected_desa"],
    )
    rng = random.Random(seed + 1)
    people = _People(rng)

    rows: list[tuple[dict, dict]] = []
    registered_early = dt.date(2025, 1, 2)

    def official(desa: str, position: str, registered: dt.date) -> None:
        person = people.make(desa, born_from=1965, born_to=1998, male_share=0.72)
        wage = SILTAP.get(position, SILTAP_OTHER)
        if rng.random() < 0.3:
            wage = (wage * rng.randint(100, 115) // 100) // 1000 * 1000
        rows.append(
            (
                person,
                {
                    "kind": "perangkat",
                    "desa_id": desa,
                    "jabatan": position,
                    "wage": wage,
                    "sumber_dana": "add",
                    "registered_on": registered,
                    "start_of_term": dt.date(
                        rng.randint(2015, 2024), rng.randint(1, 12), 1
                    ),
                    "jht": rng.random() < 0.15,
                },
            )
        )

    def positions(count: int) -> list[str]:
        return [
            POSITIONS[i] if i < len(POSITIONS) else "kepala_dusun" for i in range(count)
        ]

    base, extra = divmod(PERANGKAT_PROTECTED, len(protected_desa))
    for i, desa in enumerate(protected_desa):
        for position in positions(base + (1 if i < extra else 0)):
            official(desa, position, registered_early)
    for desa in unpaid_desa:
        for position in positions(7):
            official(desa, position, registered_early)
    sbd_desa = [v for v, t in villages[SBD] if t != "kelurahan"]
    for desa in sbd_desa:
        for position in positions(rng.randint(6, 8)):
            official(desa, position, dt.date(2026, 8, 3))

    def worker(place: str, funding: str, registered: dt.date) -> None:
        person = people.make(place, born_from=1962, born_to=2006, male_share=0.62)
        occupation = rng.choices(
            [o for o, _w in OCCUPATIONS], weights=[w for _o, w in OCCUPATIONS]
        )[0]
        rows.append(
            (
                person,
                {
                    "kind": "rentan",
                    "desa_id": place,
                    "pekerjaan": occupation,
                    "wage": 1_000_000,
                    "sumber_dana": funding,
                    "registered_on": registered,
                    "jht": False,
                },
            )
        )

    for _ in range(RENTAN_VILLAGE_FUNDS):
        worker(
            rng.choice(protected_desa),
            rng.choice(["dana_desa", "dana_desa", "dana_desa", "add"]),
            registered_early,
        )
    apbd_kabs = paid_kabs[::3]
    apbd_places = [v for k in apbd_kabs for v, _t in villages[k]]
    for _ in range(RENTAN_APBD_KABUPATEN):
        worker(rng.choice(apbd_places), "apbd_kabupaten", registered_early)
    provinsi_places = [
        v for k in (KOTA_KUPANG, *paid_kabs[1::4]) for v, _t in villages[k]
    ]
    for _ in range(RENTAN_APBD_PROVINSI):
        worker(rng.choice(provinsi_places), "apbd_provinsi", registered_early)
    kota = [v for v, _t in villages[KOTA_KUPANG]]
    for _ in range(RENTAN_BAZNAS):
        worker(rng.choice(kota), "baznas", registered_early)
    for _ in range(RENTAN_SELF_UNPAID):
        worker(rng.choice(desa_paid_kabs), "self", registered_early)

    with transaction.atomic():
        peserta = Peserta.objects.bulk_create(
            [Peserta(**p) for p, _m in rows], batch_size=2000
        )
        Kepesertaan.objects.bulk_create(
            [
                Kepesertaan(peserta_id=p.pk, status="terdaftar", **m)
                for p, (_x, m) in zip(peserta, rows, strict=True)
            ],
            batch_size=2000,
        )
    return {
        "peserta": len(rows),
        "desa dengan perangkat terlindungi": len(protected_desa),
        "desa menunggak": len(unpaid_desa),
        "desa tanpa perangkat terdaftar": len(no_official_desa),
    }


def record_agreements() -> None:

    rng = random.Random(DEFAULT_SEED)
    for kab in Region.objects.filter(parent_id=NTT).order_by("code"):
        if kab.code == SABU:
            continue
        signed = (
            dt.date(2026, 6, 15)
            if kab.code == SBD
            else dt.date(rng.randint(2022, 2024), rng.randint(1, 12), 10)
        )
        PKS.objects.get_or_create(
            kabupaten=kab,
            number=f"{kab.code.replace('.', '')}/PKS/BPJSTK/{signed.year}",
            defaults={
                "signed_on": signed,
                "valid_from": signed,
                "valid_to": signed.replace(year=signed.year + 3),
                "scope": "rentan" if kab.code == KOTA_KUPANG else "both",
                "notes": "PKS perlindungan jaminan sosial ketenagakerjaan (data demo)",
            },
        )
    PlannedAction.objects.get_or_create(
        kabupaten_id=SABU,
        description="Dianggarkan pada APBD Perubahan September 2026",
        defaults={"planned_on": dt.date(2026, 9, 30), "scope": "both"},
    )
    PlannedAction.objects.get_or_create(
        kabupaten_id=SBD,
        description="Pembayaran iuran perangkat desa menunggu pencairan ADD",
        defaults={"planned_on": dt.date(2026, 12, 15), "scope": "perangkat"},
    )


def bill_and_pay(*, seed: int = DEFAULT_SEED, today: dt.date | None = None) -> dict:
    """Run billing for the demo months and pay every bill except those of payers meant to be in arrears:
    Sumba Barat Daya's villages, the villages in arrears and self-paying workers. Idempotent: billing creates
    nothing new for a month already billed and only outstanding amounts are paid."""

    unpaid_desa = set(demo_plan(seed)["unpaid_desa"])
    today = today or dt.date.today()

    def stays_unpaid(payer) -> bool:
        code = payer.region_id
        return (
            payer.kind == "self"
            or code == SBD
            or code.startswith(SBD + ".")
            or code in unpaid_desa
        )

    def on_time(payer_bills) -> dt.date:
        # Three days before the earliest due date, never before the month nor after today.
        period = payer_bills[0].period
        return max(
            period,
            min(min(b.due_date for b in payer_bills) - dt.timedelta(days=3), today),
        )

    bills = payments = 0
    for period in demo_periods(today):
        run_billing(actor=None, period=period, region_code=NTT)
        open_bills = [
            b
            for b in Tagihan.objects.filter(
                code_prefix_q("payer__region__code", NTT), period=period
            )
            .filter(paid__lt=F("total"))
            .select_related("payer")
            if not stays_unpaid(b.payer)
        ]
        done = settle_in_full(
            actor=None,
            bills=open_bills,
            paid_at=on_time,
            reference=lambda pb: "DEMO-{:%Y%m}-{}".format(pb[0].period, pb[0].payer_id),
        )
        bills += done["bills"]
        payments += done["payments"]
    total = Tagihan.objects.filter(code_prefix_q("payer__region__code", NTT)).aggregate(
        t=Sum("total"), p=Sum("paid")
    )
    return {
        "tagihan dilunasi": bills,
        "pembayaran dicatat": payments,
        "total tagihan (Rp)": total["t"] or 0,
        "total dibayar (Rp)": total["p"] or 0,
    }


def load_demo(
    *, seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> dict[str, object]:

    summary: dict[str, object] = {}
    with transaction.atomic():
        create_demo_users()
        record_agreements()
        load_demo_branches()
    summary["pengguna demo"] = len(DEMO_USERS)
    if not Kepesertaan.objects.filter(desa__code__startswith=NTT + ".").exists():
        summary.update(generate_people(seed=seed))

        analyze(Peserta, Kepesertaan)
    else:
        summary["peserta"] = "sudah ada (tidak dibuat ulang)"
    summary.update(bill_and_pay(seed=seed, today=today))

    refresh_status(actor=None, as_of=today or dt.date.today())

    summary.update(load_demo_reconciliation())
    return summary
