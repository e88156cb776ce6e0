"""Generate a national-scale Lindung database: memberships in every village and months of bills and payments.

Scale 1.0 = 750,000 perangkat desa (only in desa/desa adat, ~10 per desa) and 10,000,000 pekerja rentan over all
83,762 villages, with ``--months`` months of bills ending with the current month. ``--province 53`` limits it to one
province (the SQLite mode: NTT, sized by ``--memberships``).

The rows are those the services would have written: payers named and coded by ``rules.payer_key``/``payer_code``, one
bill per payer, month and segment numbered like ``run_billing``, line amounts and the rules JSON from the billing
price function, due dates from ``rules.due_date``; a paid bill has one Pembayaran per payer and month, an Alokasi per
bill and every line paid on the payment day, as ``settlement.settle_in_full`` does. Statuses follow
``coverage.refresh_status`` run every month. ``--check`` rebuilds the last month with the real ``run_billing`` +
``settle_in_full`` inside a rolled-back transaction and compares bills, lines, coverage and the rakor totals.

The mix: NIKs valid for the birth date, sex and kecamatan; funding sources; 3% of memberships ended; 15% registered
during the window; unpaid months (self-payers stop paying, village/regency payers skip a month now and then); 2% of
kabupaten/kota without any participant and 3% with every bill unpaid.

Not generated: StatusHistory rows and the audit rows of payments and registrations (no report reads them); late
payments (so no Denda). The database must hold no participants (``--reset`` empties the participant and contribution
tables first). On PostgreSQL secondary indexes and constraints are dropped around the COPY and rebuilt, then ANALYZE.

    createdb -h 127.0.0.1 -p 55432 -U lindung national_b
    export DATABASE_URL=postgresql://lindung@127.0.0.1:55432/national_b
    lindung migrate && lindung regions load
    python bench/gen_national.py --scale 0.1 --months 12 --seed 9
    LINDUNG_DATA_DIR=/tmp/ntt python bench/gen_national.py --province 53 --memberships 150000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.backends.utils import CursorWrapper  # noqa: E402
from django.utils import timezone  # noqa: E402

from lindung.accounts import audit  # noqa: E402
from lindung.contributions import partitions, rules, services  # noqa: E402
from lindung.participants.choices import TRANSPORT_PEKERJAAN  # noqa: E402
from lindung.regions.models import Region  # noqa: E402

PERANGKAT_AT_SCALE_1 = 750_000
RENTAN_AT_SCALE_1 = 10_000_000

TABLES = (
    "participants_peserta",
    "participants_kepesertaan",
    "contributions_payer",
    "contributions_tagihan",
    "contributions_tagihanline",
    "contributions_pembayaran",
    "contributions_alokasi",
)

MALE = (
    "Yohanes Agustinus Fransiskus Petrus Yakobus Markus Stefanus Ahmad Budi Made Wayan Ketut Nyoman Andi Muhammad "
    "Rudi Hendra Agus Joko Slamet Bambang Dedi Eko Yusuf Rahmat Arif Hasan Ismail Ridwan La Ode Daeng Teuku"
).split()
FEMALE = (
    "Maria Yosefina Theresia Anastasia Elisabeth Lusia Siti Dewi Rina Ni Luh Sri Nur Aisyah Fatimah Ratna Wati "
    "Yuliana Kristina Magdalena Agnes Sari Indah Putri Wulan Ayu Fitri Lestari Nurul Rahma Endang"
).split()
LAST = (
    "Nenobais Tefa Ndun Bria Manek Lake Kase Seran Wijaya Pratama Saputra Riwu Dethan Tallo Bani Nope Oematan Kolo "
    "Taneo Siregar Nasution Harahap Simanjuntak Lubis Sinaga Pane Hutapea Tambunan Sihombing Wibowo Santoso "
    "Setiawan Hidayat Kurniawan Gunawan Susanto Purba Rumbiak Wenda Kogoya Mandacan Salim Pattimura Latuconsina "
    "Tuasikal Pelupessy Lumban Mamonto Paputungan Manoppo Lamato Mokodompit Sumual Rondonuwu Tumbelaka Daeng "
    "Pakaya Hasibuan Effendi Syahputra Ramadhan"
).split()

# Funding mixes (weights in percent). Perangkat are paid by the village or the regency; rentan by anyone.
PERANGKAT_FUNDING = (
    ("add", 50),
    ("dana_desa", 15),
    ("apbdes", 10),
    ("apbd_kabupaten", 20),
    ("apbd_provinsi", 5),
)
RENTAN_FUNDING = (
    ("self", 35),
    ("dana_desa", 25),
    ("apbd_kabupaten", 20),
    ("apbd_provinsi", 8),
    ("baznas", 4),
    ("csr", 4),
    ("apbn", 2),
    ("other", 2),
)
JABATAN = (
    "kaur_keuangan",
    "kaur_umum_perencanaan",
    "kaur_tata_usaha",
    "kasi_pemerintahan",
    "kasi_kesejahteraan",
    "kasi_pelayanan",
    "kepala_dusun",
    "kepala_dusun",
    "staf_desa",
    "anggota_bpd",
)
PEKERJAAN = (
    "petani",
    "petani",
    "petani",
    "pekebun",
    "peternak",
    "nelayan",
    "pedagang_kecil",
    "pedagang_kecil",
    "ojek",
    "pemandu_wisata",
    "buruh_harian_lepas",
    "buruh_harian_lepas",
    "pengrajin",
    "lainnya",
)
SILTAP = (2_022_200, 2_224_420, 2_100_000, 2_500_000, 3_000_000)
INCOME = (800_000, 1_000_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000)
RISK = ("sangat_rendah", "sangat_rendah", "rendah", "sedang", "tinggi")
STOP_REASONS = ("meninggal", "purna_tugas", "pindah", "lainnya")
# Chance that a payer leaves one month's bill unpaid, per payer kind (self-payers also stop for good, below).
MISS = {
    "desa": 0.05,
    "kabupaten": 0.03,
    "provinsi": 0.02,
    "self": 0.05,
    "apbn": 0.02,
    "csr": 0.06,
    "baznas": 0.04,
    "other": 0.08,
}
SELF_STOPS = 0.15  # share of self-payers who stop paying at some month of the window
STATUS = ("terdaftar", "aktif", "nonaktif", "berhenti")


def _weighted(pairs: tuple[tuple[str, int], ...]) -> list[str]:
    return [code for code, weight in pairs for _ in range(weight)]


def person_name(pid: int, female: bool) -> str:
    """A deterministic name for a peserta id (also the self-payer's name, so nothing has to be kept in memory)."""
    first = FEMALE if female else MALE
    h = (pid * 2654435761) & 0xFFFFFFFF
    return f"{first[h % len(first)]} {LAST[(h >> 8) % len(LAST)]}"


def is_female(pid: int) -> bool:
    return ((pid * 40503) >> 3) % 5 < 2  # 40% women


class Plan:
    """Every membership in compact arrays (index = id - 1); peserta id = membership id (one membership each)."""

    def __init__(self) -> None:
        self.desa = array("i")  # index into villages
        self.case = array("H")  # index into cases
        self.registered = array("i")  # date ordinal
        self.ended = array("i")  # date ordinal, 0 = open
        self.stop = array("b")  # index into STOP_REASONS, -1
        self.status = array("b")  # index into STATUS
        self.self_stop = array(
            "b"
        )  # month index a self-payer stops paying, 127 = never
        self.per_village: list[int] = []
        self.cases: list[tuple] = []
        self.case_ids: dict[tuple, int] = {}

    def case_id(self, case: tuple) -> int:
        found = self.case_ids.get(case)
        if found is None:
            found = self.case_ids[case] = len(self.cases)
            self.cases.append(case)
        return found

    def __len__(self) -> int:
        return len(self.desa)


def villages(province: str | None) -> list[tuple[str, str]]:
    qs = Region.objects.filter(level=4)
    if province:
        qs = qs.filter(code__startswith=province + ".")
    return list(qs.order_by("code").values_list("code", "type"))


def window(months: int, today: dt.date) -> list[dt.date]:
    last = today.replace(day=1)
    return [rules.add_months(last, -i) for i in range(months - 1, -1, -1)]


def plan_memberships(
    vills: list[tuple[str, str]],
    perangkat: int,
    rentan: int,
    periods: list[dt.date],
    seed: int,
) -> tuple[Plan, set[str], set[str]]:
    """Decide every membership's village, case, dates and self-payer behaviour (no database)."""
    rng = random.Random(seed)
    kabs = sorted({code[:5] for code, _t in vills})
    empty = set(rng.sample(kabs, round(len(kabs) * 0.02)))
    left = [k for k in kabs if k not in empty]
    unpaid = set(rng.sample(left, round(len(kabs) * 0.03)))
    live = [(c, t) for c, t in vills if c[:5] not in empty]
    n_desa = sum(t != "kelurahan" for _c, t in live) or 1
    per_desa, per_village = perangkat / n_desa, rentan / max(len(live), 1)
    pf, rf = _weighted(PERANGKAT_FUNDING), _weighted(RENTAN_FUNDING)
    first, last = periods[0].toordinal(), periods[-1].toordinal()
    before = dt.date(periods[0].year - 3, 1, 1).toordinal()
    plan = Plan()
    for index, (code, vtype) in enumerate(vills):
        count = 0
        if code[:5] not in empty:
            n_p = 0
            if vtype != "kelurahan":
                n_p = int(per_desa) + (rng.random() < per_desa % 1)
            n_r = int(per_village * rng.uniform(0.4, 1.6) + rng.random())
            for j in range(n_p + n_r):
                perangkat_row = j < n_p
                _add(plan, rng, index, j, perangkat_row, pf, rf, first, last, before)
                plan.self_stop.append(
                    rng.randrange(len(periods)) if rng.random() < SELF_STOPS else 127
                )
            count = n_p + n_r
        plan.per_village.append(count)
    return plan, empty, unpaid


def _add(
    plan: Plan,
    rng: random.Random,
    index: int,
    j: int,
    perangkat: bool,
    pf: list[str],
    rf: list[str],
    first: int,
    last: int,
    before: int,
) -> None:
    """One membership: the ``j``-th of village ``index``; dates are ordinals (``first``/``last``: the window)."""
    if perangkat:
        role = ("kepala_desa", "sekretaris_desa")[j] if j < 2 else rng.choice(JABATAN)
        case = (
            "perangkat",
            rng.choice(SILTAP),
            rng.choice(pf),
            rng.random() < 0.4,
            rng.random() < 0.3,
            "sangat_rendah",
            role,
        )
    else:
        case = (
            "rentan",
            rng.choice(INCOME),
            rng.choice(rf),
            rng.random() < 0.1,
            False,
            rng.choice(RISK),
            rng.choice(PEKERJAAN),
        )
    plan.desa.append(index)
    plan.case.append(plan.case_id(case))
    # 15% joined during the window, the rest before it.
    joined = (
        rng.randrange(first, last + 1)
        if rng.random() < 0.15
        else rng.randrange(before, first)
    )
    plan.registered.append(joined)
    # 3% ended before the last month (kepala/sekretaris desa stay: one holder at a time).
    ends = (not perangkat or j >= 2) and rng.random() < 0.03
    ended = rng.randrange(max(joined, first), last) if ends and joined < last else 0
    plan.ended.append(ended)
    plan.stop.append(rng.randrange(len(STOP_REASONS)) if ended else -1)
    plan.status.append(3 if ended else 0)


class Writer:
    """Rows into a table: COPY on PostgreSQL, executemany elsewhere. Counts rows and seconds per table."""

    def __init__(self) -> None:
        self.stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        self.pg = connection.vendor == "postgresql"

    def write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        start, n = time.perf_counter(), 0
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cur:
            if self.pg:
                sql = f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN"
                with cur.cursor.copy(sql) as copy:
                    buf: list[str] = []
                    for row in rows:
                        buf.append(services._copy_line(row))
                        if len(buf) >= 20_000:
                            copy.write("".join(buf))
                            n += len(buf)
                            buf = []
                    copy.write("".join(buf))
                    n += len(buf)
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {connection.ops.quote_name(table)} ({cols}) VALUES ({marks})"
                for part in _chunks(rows, 20_000):
                    cur.executemany(sql, part)
                    n += len(part)
        stat = self.stats[table]
        stat[0] += n
        stat[1] += time.perf_counter() - start
        return n


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    part: list[tuple] = []
    for row in rows:
        part.append(row)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


class Months:
    """Bills, lines and payments month by month, with payer ids, bill ids and statuses kept between months."""

    def __init__(
        self,
        plan: Plan,
        vills: list[tuple[str, str]],
        unpaid_kabs: set[str],
        periods: list[dt.date],
        today: dt.date,
        seed: int,
        writer: Writer,
    ) -> None:
        self.plan, self.vills, self.unpaid_kabs = plan, vills, unpaid_kabs
        self.periods, self.today, self.writer = periods, today, writer
        self.rng = random.Random(seed + 1)
        self.book = services.load_rulebook()
        self.payers: dict[tuple, int] = {}
        self.self_payer = array("i", bytes(4 * len(plan)))
        self.next = {"payer": 1, "bill": 1, "payment": 1, "alokasi": 1}
        self.codes = [c for c, _t in vills]
        self.now = timezone.now()

    def _new(self, what: str) -> int:
        value = self.next[what]
        self.next[what] = value + 1
        return value

    def _payer(self, kid: int, funding: str, desa: str) -> tuple[int, str]:
        key = rules.payer_key(funding, desa, kid)
        if key[0] == "self":
            pid = self.self_payer[kid - 1]
            if not pid:
                pid = self.self_payer[kid - 1] = self._new("payer")
            return pid, "self"
        pid = self.payers.get(key)
        if pid is None:
            pid = self.payers[key] = self._new("payer")
        return pid, key[0]

    def _prices(self, period: dt.date) -> list[tuple]:
        out = []
        for kind, wage, funding, jht, jp, risk, role in self.plan.cases:
            key = (kind, wage, funding, jht, jp, risk, role in TRANSPORT_PEKERJAAN)
            out.append(services._price(key, period, self.book))
        return out

    def run(self, m: int) -> dict:
        """Bill month ``m`` of the window, pay most bills, update statuses; returns the billing summary."""
        period = self.periods[m]
        # Partitioned bill lines (PostgreSQL): the month's partition before its lines, or they land in DEFAULT.
        partitions.ensure_partition(period)
        end = rules.month_end(period).toordinal()
        start_ord = period.toordinal()
        prices = self._prices(period)
        bills: dict[tuple[int, str], list] = {}
        paid_payers: dict[int, bool] = {}
        status_paid = array("b", bytes(len(self.plan)))  # 1 billed unpaid, 2 paid
        plan = self.plan

        def lines() -> Iterator[tuple]:
            for i in range(len(plan)):
                ended = plan.ended[i]
                if plan.registered[i] > end or (ended and ended < start_ord):
                    continue
                kid = i + 1
                case = plan.cases[plan.case[i]]
                desa = self.codes[plan.desa[i]]
                payer, kind = self._payer(kid, case[2], desa)
                price = prices[plan.case[i]]
                paid = paid_payers.get(payer)
                if paid is None:
                    paid = paid_payers[payer] = self._pays(kind, desa, m, i)
                bill = bills.get((payer, price[0]))
                if bill is None:
                    bill = bills[(payer, price[0])] = [self._new("bill"), 0, paid]
                bill[1] += price[6]
                status_paid[i] = 2 if paid else 1
                paid_on = self.paid_day(period, payer) if paid and price[6] else None
                yield (
                    bill[0],
                    kid,
                    period,
                    *price[:7],
                    price[6] if paid else 0,
                    paid_on,
                    price[7],
                )

        self.writer.write(
            "contributions_tagihanline",
            # run_billing's columns, with the payment day that settlement fills in before the rules
            (*services._LINE_COLUMNS[:-1], "paid_on", services._LINE_COLUMNS[-1]),
            lines(),
        )
        self._bills(period, bills)
        self._statuses(m, status_paid)
        return {
            "period": f"{period:%Y-%m}",
            "region": "",
            "bills": len(bills),
            "supplementary": 0,
            "lines": sum(1 for s in status_paid if s),
            "amount": sum(b[1] for b in bills.values()),
            "missing_wage": 0,
            "credit_applied": 0,
        }

    def paid_day(self, period: dt.date, payer: int) -> dt.date:
        """Each payer pays on its own day of the month (5th..20th), never after today."""
        return min(period + dt.timedelta(days=4 + (payer * 7919) % 16), self.today)

    def _pays(self, kind: str, desa: str, m: int, i: int) -> bool:
        if desa[:5] in self.unpaid_kabs:
            return False
        if kind == "self" and self.plan.self_stop[i] <= m:
            return False
        return self.rng.random() >= MISS[kind]

    def _bills(self, period: dt.date, bills: dict) -> None:
        dues = {s: rules.due_date(period, s, self.book) for s in ("pu", "bpu")}
        created = dt.datetime.combine(period, dt.time(1), tzinfo=dt.UTC)
        self.writer.write(
            "contributions_tagihan",
            (
                "id",
                "number",
                "payer_id",
                "period",
                "segment",
                "due_date",
                "supplementary",
                "iuran_total",
                "denda_total",
                "total",
                "paid",
                "paid_on",
                "created_at",
                "created_by_id",
            ),
            (
                (
                    bid,
                    services._bill_number(period, segment, payer, 1),
                    payer,
                    period,
                    segment,
                    dues[segment],
                    False,
                    total,
                    0,
                    total,
                    total if paid else 0,
                    self.paid_day(period, payer) if paid and total else None,
                    created,
                    None,
                )
                for (payer, segment), (bid, total, paid) in bills.items()
            ),
        )
        # settle_in_full: one payment per payer, one allocation per bill, oldest bill first.
        by_payer: dict[int, list] = defaultdict(list)
        for (payer, segment), (bid, total, paid) in sorted(bills.items()):
            if paid and total:
                by_payer[payer].append((bid, total))
        payments, allocations = [], []
        for payer, items in by_payer.items():
            paid_day = self.paid_day(period, payer)
            paid_at = dt.datetime.combine(paid_day, dt.time(9), tzinfo=dt.UTC)
            pay_id = self._new("payment")
            payments.append(
                (
                    pay_id,
                    payer,
                    None,
                    sum(t for _b, t in items),
                    0,
                    paid_day,
                    f"GEN-{period:%Y%m}",
                    paid_at,
                    None,
                )
            )
            for bid, total in sorted(items):
                allocations.append((self._new("alokasi"), pay_id, bid, total, paid_day))
        self.writer.write(
            "contributions_pembayaran",
            (
                "id",
                "payer_id",
                "tagihan_id",
                "amount",
                "unallocated",
                "paid_at",
                "reference",
                "created_at",
                "created_by_id",
            ),
            payments,
        )
        self.writer.write(
            "contributions_alokasi",
            ("id", "pembayaran_id", "tagihan_id", "amount", "paid_at"),
            allocations,
        )

    def _statuses(self, m: int, paid: array) -> None:
        """``refresh_status`` at the end of month ``m``: lapsed BPU → nonaktif; covered → aktif."""
        plan = self.plan
        history = getattr(self, "_history", None)
        if history is None:
            history = self._history = [array("b", bytes(len(plan))) for _ in range(3)]
        history.pop(0)
        history.append(paid)
        prev = history[-2]
        for i in range(len(plan)):
            if plan.status[i] == 3:
                continue
            state = paid[i]
            perangkat = plan.cases[plan.case[i]][0] == "perangkat"
            if state == 2 or (perangkat and prev[i] == 2):
                plan.status[i] = 1
            elif not perangkat and m >= 2 and all(h[i] == 1 for h in history):
                plan.status[i] = 2

    def payers_rows(self) -> Iterator[tuple]:
        # Read before the COPY starts: no other query can run on the connection during a COPY.
        wanted = {region for _kind, region, _pid in self.payers}
        regions = {
            code: (rtype, name)
            for code, rtype, name in Region.objects.values_list("code", "type", "name")
            if code in wanted
        }
        return self._payer_rows(regions)

    def _payer_rows(self, regions: dict) -> Iterator[tuple]:
        for (kind, region, _pid), payer in self.payers.items():
            rtype, rname = regions[region]
            label = services._payer_label(kind, rtype, rname)
            code = rules.payer_code(kind, region, None)
            yield (payer, code, kind, label[:200], region, None, self.now)
        for i, payer in enumerate(self.self_payer):
            if payer:
                kid = i + 1
                yield (
                    payer,
                    rules.payer_code("self", "", kid),
                    "self",
                    person_name(kid, is_female(kid)),
                    self.codes[self.plan.desa[i]],
                    kid,
                    self.now,
                )


def people_rows(
    plan: Plan, vills: list[tuple[str, str]], seed: int, now: dt.datetime
) -> Iterator[tuple]:
    """Peserta rows in id order; NIK = kecamatan + birth date (+40 for women) + serial unique per kecamatan."""
    rng = random.Random(seed + 2)
    kid, kec, serials = 0, None, defaultdict(int)
    born_from = dt.date(1958, 1, 1).toordinal()
    for (code, _t), count in zip(vills, plan.per_village, strict=True):
        district = code.replace(".", "")[:6]
        if district != kec:
            kec, serials = district, defaultdict(int)
        for _ in range(count):
            kid += 1
            female = is_female(kid)
            birth = dt.date.fromordinal(born_from + rng.randrange(0, 365 * 47))
            day = birth.day + (40 if female else 0)
            key = (day, birth.month, birth.year)
            serials[key] += 1
            nik = f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serials[key]:04d}"
            phone = f"08{rng.randrange(10**9, 10**10)}" if rng.random() < 0.6 else ""
            yield (
                kid,
                nik,
                person_name(kid, female),
                birth,
                "P" if female else "L",
                phone,
                now,
                now,
                1,
            )


def membership_rows(
    plan: Plan, vills: list[tuple[str, str]], now: dt.datetime
) -> Iterator[tuple]:
    for i in range(len(plan)):
        kind, wage, funding, jht, jp, risk, role = plan.cases[plan.case[i]]
        perangkat = kind == "perangkat"
        registered = dt.date.fromordinal(plan.registered[i])
        ended = dt.date.fromordinal(plan.ended[i]) if plan.ended[i] else None
        status = STATUS[plan.status[i]]
        kid = i + 1
        yield (
            kid,
            kid,
            kind,
            vills[plan.desa[i]][0],
            role if perangkat else "",
            "" if perangkat else role,
            registered if perangkat else None,
            wage,
            funding,
            jht,
            jp,
            risk,
            f"{kid:011d}" if status in ("aktif", "nonaktif") else "",
            registered,
            status,
            STOP_REASONS[plan.stop[i]] if ended else "",
            ended,
            None,
            now,
            now,
            1,
        )


_PEOPLE_COLUMNS = (
    "id",
    "nik",
    "name",
    "birth_date",
    "sex",
    "phone",
    "created_at",
    "updated_at",
    "version",
)
_MEMBERSHIP_COLUMNS = (
    "id",
    "peserta_id",
    "kind",
    "desa_id",
    "jabatan",
    "pekerjaan",
    "start_of_term",
    "wage",
    "sumber_dana",
    "jht",
    "jp",
    "risk_group",
    "kpj",
    "registered_on",
    "status",
    "stop_reason",
    "ended_on",
    "import_batch_id",
    "created_at",
    "updated_at",
    "version",
)


# --- PostgreSQL: secondary indexes and constraints off during the load ----------------------------------------------


def drop_secondary(cur: CursorWrapper) -> list[str]:
    """Drop every FK/unique constraint and non-primary index of the loaded tables; returns the SQL to rebuild."""
    rebuild: list[str] = []
    for table in TABLES:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC",
            [table],
        )
        for name, definition, _type in cur.fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
            [table],
        )
        for name, definition in cur.fetchall():
            cur.execute(f"DROP INDEX {name}")
            # Indexes first: the unique ones back later FK checks. A partitioned table's index prints as
            # "ON ONLY" (the parent alone); rebuilt without it, it covers every partition again.
            rebuild.insert(0, definition.replace(" ON ONLY ", " ON ", 1))
    return rebuild


def reset(cur: CursorWrapper) -> None:
    pg = connection.vendor == "postgresql"
    if pg:
        cur.execute(
            "TRUNCATE "
            + ", ".join(TABLES)
            + ", contributions_denda, participants_statushistory CASCADE"
        )
        return
    for table in (
        "contributions_denda",
        "contributions_alokasi",
        "contributions_pembayaran",
        "contributions_tagihanline",
        "contributions_tagihan",
        "contributions_payer",
        "participants_statushistory",
        "participants_kepesertaan",
        "participants_peserta",
    ):
        cur.execute(f"DELETE FROM {table}")


def _sync_sequences(cur: CursorWrapper) -> None:
    for table in TABLES:
        if connection.vendor == "postgresql":
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


def generate(args: argparse.Namespace) -> dict:
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    periods = window(args.months, today)
    vills = villages(args.province)
    if not vills:
        raise SystemExit(
            "tidak ada desa/kelurahan di wilayah ini (sudah `lindung regions load`?)"
        )
    if args.memberships:
        perangkat = round(args.memberships * 0.07)
        rentan = args.memberships - perangkat
    else:
        # One province gets its share of the country (by villages) at the same scale.
        share = len(vills) / Region.objects.filter(level=4).count()
        perangkat = round(PERANGKAT_AT_SCALE_1 * args.scale * share)
        rentan = round(RENTAN_AT_SCALE_1 * args.scale * share)
    t0 = time.perf_counter()
    plan, empty, unpaid = plan_memberships(vills, perangkat, rentan, periods, args.seed)
    out: dict = {
        "db": connection.vendor,
        "villages": len(vills),
        "memberships": len(plan),
        "months": [f"{p:%Y-%m}" for p in (periods[0], periods[-1])],
        "kabupaten_empty": len(empty),
        "kabupaten_unpaid": len(unpaid),
        "plan_s": round(time.perf_counter() - t0, 1),
    }
    writer = Writer()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM participants_peserta")
        if cur.fetchone()[0]:
            if not args.reset:
                raise SystemExit(
                    "basis data sudah berisi peserta: pakai --reset (mengosongkan tabel peserta dan iuran)"
                )
            reset(cur)
        rebuild: list[str] = []
        if writer.pg:
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cur.execute("SET LOCAL synchronous_commit = off")
            rebuild = drop_secondary(cur)
        months = Months(plan, vills, unpaid, periods, today, args.seed, writer)
        for m, period in enumerate(periods):
            summary = months.run(m)
            audit.record(
                actor=None,
                action="billing",
                model="contributions.Tagihan",
                object_id=f"{period:%Y-%m}",
                region_code="",
                changes=summary,
            )
            print(f"  {summary['period']}: {summary['lines']:,} lines", flush=True)
        writer.write(
            "participants_peserta",
            _PEOPLE_COLUMNS,
            people_rows(plan, vills, args.seed, now),
        )
        writer.write(
            "participants_kepesertaan",
            _MEMBERSHIP_COLUMNS,
            membership_rows(plan, vills, now),
        )
        writer.write(
            "contributions_payer",
            ("id", "code", "kind", "name", "region_id", "peserta_id", "created_at"),
            months.payers_rows(),
        )
        t1 = time.perf_counter()
        for sql in rebuild:
            cur.execute(sql)
        out["rebuild_indexes_s"] = round(time.perf_counter() - t1, 1)
        _sync_sequences(cur)
    t1 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    out["analyze_s"] = round(time.perf_counter() - t1, 1)
    out["tables"] = {
        t: {"rows": int(n), "s": round(s, 1), "rows_per_s": round(n / s) if s else None}
        for t, (n, s) in writer.stats.items()
    }
    statuses = defaultdict(int)
    for s in plan.status:
        statuses[STATUS[s]] += 1
    out["status"] = dict(statuses)
    out["total_s"] = round(time.perf_counter() - t0, 1)
    return out


# --- --check: the last month again through the real services, compared, then rolled back -----------------------------


def _snapshot(month: dt.date, as_of: dt.date) -> dict:
    from lindung.contributions.coverage import covered_ids
    from lindung.contributions.models import Alokasi, Tagihan, TagihanLine
    from lindung.reports.services import rakor

    lines = {
        row[0]: row[1:]
        for row in TagihanLine.objects.filter(period=month).values_list(
            "kepesertaan_id",
            "tagihan__payer_id",
            "segment",
            "base",
            "jkk",
            "jkm",
            "jht",
            "jp",
            "total",
            "paid",
            "paid_on",
            "rules",
        )
    }
    bills = {
        (row[0], row[1]): row[2:]
        for row in Tagihan.objects.filter(period=month).values_list(
            "payer_id",
            "segment",
            "number",
            "due_date",
            "supplementary",
            "iuran_total",
            "denda_total",
            "total",
            "paid",
            "paid_on",
        )
    }
    payments = sorted(
        Alokasi.objects.filter(tagihan__period=month).values_list(
            "pembayaran__payer_id",
            "pembayaran__amount",
            "pembayaran__paid_at",
            "tagihan__payer_id",
            "amount",
            "paid_at",
        )
    )
    return {
        "lines": lines,
        "bills": bills,
        "payments": payments,
        "covered": set(covered_ids(as_of)),
        "rakor": rakor(user=None, region_code=None, as_of=as_of)["total"],
    }


def check(as_of: dt.date) -> int:
    """Rebuild the last month with ``run_billing`` + ``settle_in_full`` (rolled back) and compare with the
    generated rows: bills, lines, payments, covered memberships and the national rakor totals."""
    from lindung.contributions.models import Alokasi, Pembayaran, Tagihan, TagihanLine
    from lindung.contributions.settlement import settle_in_full

    month = as_of.replace(day=1)
    start = time.perf_counter()
    generated = _snapshot(month, as_of)
    paid_at = {payer: b[-1] for (payer, _s), b in generated["bills"].items() if b[-1]}
    with transaction.atomic():
        payments = Alokasi.objects.filter(tagihan__period=month).values_list(
            "pembayaran_id", flat=True
        )
        Pembayaran.objects.filter(id__in=list(payments)).delete()
        TagihanLine.objects.filter(period=month).delete()
        Tagihan.objects.filter(period=month).delete()
        services.run_billing(actor=None, period=month)
        settle_in_full(
            actor=None,
            bills=Tagihan.objects.filter(period=month, payer_id__in=list(paid_at)),
            paid_at=lambda pb: paid_at[pb[0].payer_id],
            reference=lambda pb: f"GEN-{month:%Y%m}",
        )
        real = _snapshot(month, as_of)
        transaction.set_rollback(True)
    bad = 0
    for part in ("lines", "bills", "payments", "covered", "rakor"):
        same = generated[part] == real[part]
        bad += not same
        size = len(generated[part])
        print(f"check {part:>8}: {'same' if same else 'DIFFERENT'} ({size:,})")
        if not same and isinstance(real[part], dict):
            keys = set(generated[part]) | set(real[part])
            diff = [k for k in keys if generated[part].get(k) != real[part].get(k)]
            for k in sorted(diff, key=str)[:5]:
                print(
                    f"   {k}: generated {generated[part].get(k)} real {real[part].get(k)}"
                )
    print(f"check took {time.perf_counter() - start:.1f} s")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=0.01, help="1.0 = 10,750,000 memberships"
    )
    parser.add_argument(
        "--memberships", type=int, help="exact count instead of --scale (7%% perangkat)"
    )
    parser.add_argument("--province", help="one province code, e.g. 53 (NTT)")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--today", help="last billed month's day (default today)")
    parser.add_argument("--reset", action="store_true", help="empty the tables first")
    parser.add_argument(
        "--check",
        action="store_true",
        help="after loading, compare the last month with the real billing + settlement",
    )
    args = parser.parse_args()
    if args.months < 1 or args.scale <= 0:
        parser.error("--months and --scale must be positive")
    out = generate(args)
    print(json.dumps(out, indent=2))
    if args.check:
        return check(
            dt.date.fromisoformat(args.today) if args.today else dt.date.today()
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
