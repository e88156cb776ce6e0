"""The test data builders, in one place: one NIK builder, the desa the tests use, memberships written through the
registry service (as an operator would) or straight to the tables (for the apps that only need one to exist).

The older per-app modules (``tests/participants/factories.py``, ``tests/contributions/factories.py``) and the claims
fixtures re-export these under the names their tests use."""

from __future__ import annotations

import datetime as dt
import itertools

from lindung.participants.models import Kepesertaan, Peserta
from lindung.participants.services import register_or_update

DESA_X = "53.01.04.2003"  # Bokonusan, Semau, Kab. Kupang
DESA_X2 = "53.01.04.2004"
DESA_Y = "53.18.01.2001"  # a desa in Sumba Barat Daya
_serial = itertools.count(1)


def nik_for(
    serial: int,
    *,
    day: int = 5,
    female: bool = False,
    prefix: str = "530104",
    month: int = 8,
    yy: int = 68,
) -> str:
    """A structurally valid NIK: region prefix, birth day (+40 for women), month, two-digit year, serial."""
    return "{}{:02d}{:02d}{:02d}{:04d}".format(
        prefix, day + 40 if female else day, month, yy, serial
    )


# --- through the registry service (what an upload or the form sends) ------------------------------------------------


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


def register(actor=None, **overrides) -> Kepesertaan:
    """A membership registered through ``participants.services.register_or_update`` (checks, audit, history)."""
    kind = overrides.get("kind", "perangkat")
    data = (
        perangkat_data(**overrides) if kind == "perangkat" else rentan_data(**overrides)
    )
    return register_or_update(actor=actor, data=data)[0]


# --- straight to the tables -------------------------------------------------------------------------------------------


def make_peserta(**kw) -> Peserta:
    n = next(_serial)
    data = {
        "nik": nik_for(n, day=1, month=1, yy=90),
        "name": f"Peserta {n}",
        "birth_date": dt.date(1990, 1, 1),
        "sex": "L",
    }
    data.update(kw)
    return Peserta.objects.create(**data)


def make_membership(**kw) -> Kepesertaan:
    """A membership written directly (no service): a vulnerable worker on self-paid funds unless told otherwise."""
    peserta = kw.pop("peserta", None) or make_peserta()
    kind = kw.get("kind", "rentan")
    data = {
        "peserta": peserta,
        "kind": kind,
        "desa_id": DESA_X,
        "registered_on": dt.date(2025, 1, 1),
        "sumber_dana": "self" if kind == "rentan" else "add",
        "status": "terdaftar",
        "wage": 1_000_000 if kind == "rentan" else 2_022_200,
        "pekerjaan": "petani" if kind == "rentan" else "",
        "jabatan": "" if kind == "rentan" else "staf_desa",
    }
    data.update(kw)
    return Kepesertaan.objects.create(**data)


def make_member(
    *,
    desa: str = DESA_X,
    kind: str = "perangkat",
    wage: int | None = 2_500_000,
    status: str = "aktif",
    nik: str | None = None,
    name: str = "Yohanes Uji",
    **kw,
) -> Kepesertaan:
    """An active member as the claim tests need one: a kaur keuangan (or a farmer) registered in 2020."""
    peserta = make_peserta(
        nik=nik or nik_for(next(_serial), day=1, month=1, yy=80),
        name=name,
        birth_date=dt.date(1980, 1, 1),
    )
    role = (
        {"jabatan": "kaur_keuangan", "pekerjaan": ""}
        if kind == "perangkat"
        else {"pekerjaan": "petani", "jabatan": ""}
    )
    return make_membership(
        peserta=peserta,
        kind=kind,
        desa_id=desa,
        wage=wage,
        status=status,
        sumber_dana="add" if kind == "perangkat" else "dana_desa",
        registered_on=dt.date(2020, 1, 1),
        **{**role, **kw},
    )
