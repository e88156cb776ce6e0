"""Plain factory functions with overrides (openIMIS create_test_insuree style)."""

from __future__ import annotations

from lindung.participants.services import register_or_update

DESA_X = "53.01.04.2003"
DESA_X2 = "53.01.04.2004"
DESA_Y = "53.18.01.2001"


def nik_for(
    serial: int,
    *,
    day: int = 5,
    female: bool = False,
    prefix: str = "530104",
    month: int = 8,
    yy: int = 68,
) -> str:
    return "{}{:02d}{:02d}{:02d}{:04d}".format(
        prefix, day + 40 if female else day, month, yy, serial
    )


def perangkat_data(**overrides) -> dict:
    serial = overrides.pop("serial", 1)
    data = {
        "kind": "perangkat",
        "nik": nik_for(serial),
        "name": "Yohanes Contoh",
        "birth_date": "05/08/1968",
        "sex": "L",
        "jabatan": "Kaur Keuangan",
        "wage": "2022200",
        "desa_code": DESA_X,
        "sumber_dana": "ADD",
    }
    data.update(overrides)
    return data


def rentan_data(**overrides) -> dict:
    data = perangkat_data(**overrides)
    data.pop("jabatan", None)
    data.setdefault("pekerjaan", "Petani")
    data["kind"] = "rentan"
    if "sumber_dana" not in overrides:
        data["sumber_dana"] = "Dana Desa"
    return data


def make_kepesertaan(actor=None, **overrides):
    kind = overrides.get("kind", "perangkat")
    data = (
        perangkat_data(**overrides) if kind == "perangkat" else rentan_data(**overrides)
    )
    return register_or_update(actor=actor, data=data)[0]
