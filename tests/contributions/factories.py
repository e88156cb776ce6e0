"""Plain factory functions for contribution tests (overrides as keyword arguments)."""

from __future__ import annotations

import datetime as dt
import itertools

from lindung.participants.models import Kepesertaan, Peserta

DESA_X = "53.01.04.2003"
DESA_Y = "53.18.01.2001"
_serial = itertools.count(1)


def make_peserta(**kw) -> Peserta:
    n = next(_serial)
    data = {
        "nik": f"530104010190{n:04d}",
        "name": f"Peserta {n}",
        "birth_date": dt.date(1990, 1, 1),
        "sex": "L",
    }
    data.update(kw)
    return Peserta.objects.create(**data)


def make_kepesertaan(**kw) -> Kepesertaan:
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


_refs = itertools.count(1)


def record(payer, amount, paid_at, *, actor=None, confirm=True, **kw):
    """A payment BPJS received (issue 19: a bank reference is required; an amount other than what is owed is
    confirmed explicitly, which these tests do unless they pass ``confirm=False``)."""
    from lindung.contributions import services

    kw.setdefault("reference", "TRX-{:05d}".format(next(_refs)))
    return services.record_payment(
        actor=actor, payer=payer, amount=amount, paid_at=paid_at, confirm=confirm, **kw
    )
