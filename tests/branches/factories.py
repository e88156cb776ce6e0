"""Plain factories for branch tests: a branch serving some regions, a channel, a billed PU or BPU payer."""

from __future__ import annotations

import datetime as dt
import itertools

from lindung.branches.models import KantorCabang, PaymentChannel, ServiceArea
from lindung.contributions import services
from lindung.contributions.models import Tagihan
from tests.contributions.factories import make_kepesertaan

_serial = itertools.count(1)


def make_branch(regions: tuple[str, ...] = ("53.01",), **kw) -> KantorCabang:
    n = next(_serial)
    data = {
        "code": f"C{n}",
        "name": f"BPJS Ketenagakerjaan Cabang Uji {n}",
        "letterhead": "Badan Penyelenggara Jaminan Sosial Ketenagakerjaan",
        "address": "Jl. Uji No. 1\nKota Kupang",
        "phone": "(0380) 123",
    }
    data.update(kw)
    kantor = KantorCabang.objects.create(**data)
    for code in regions:
        ServiceArea.objects.create(kantor=kantor, region_id=code)
    return kantor


def make_channel(kantor: KantorCabang, **kw) -> PaymentChannel:
    data = {
        "kind": "bank",
        "bank_name": "Bank NTT",
        "account_number": "001-777-888",
        "account_holder": "BPJS Ketenagakerjaan Cabang Uji",
        "valid_from": dt.date(2025, 1, 1),
    }
    data.update(kw)
    return PaymentChannel.objects.create(kantor=kantor, **data)


def billed(
    kind: str = "perangkat", period: dt.date = dt.date(2025, 1, 1), **kw
) -> Tagihan:
    """A PU bill (perangkat desa, paid by the village) or a BPU bill (a self-paying worker) for ``period``."""
    k = make_kepesertaan(kind=kind, **kw)
    services.run_billing(actor=None, period=period)
    return Tagihan.objects.get(lines__kepesertaan=k, period=period)
