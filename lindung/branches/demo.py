"""The NTT demo's branch office: BPJS Ketenagakerjaan Cabang Kupang serving the province and its kabupaten/kota.

Address, phone, e-mail, account, virtual-account prefix and payment code are invented for the demo and say so on
the bill ("data demo"); a real deployment enters the branch's own in the admin (docs/bills.md). Idempotent: running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from lindung.regions.models import Region

from .models import KantorCabang, PaymentChannel, ServiceArea

PROVINCE = "53"
DEMO_NOTE = "Data demo: bukan rekening sungguhan, jangan transfer ke nomor ini."
CHANNELS = [
    dict(
        kind="virtual_account",
        segment="",
        position=1,
        bank_name="Bank Rakyat Indonesia (BRI)",
        va_prefix="88899",
        account_holder="BPJS Ketenagakerjaan Cabang Kupang",
        instructions="BRImo / ATM BRI: Pembayaran > BRIVA, masukkan nomor virtual account.\n"
        + DEMO_NOTE,
    ),
    dict(
        kind="bank",
        segment="pu",
        position=2,
        bank_name="Bank NTT",
        account_number="001.01.02.000123-4",
        account_holder="BPJS Ketenagakerjaan Cabang Kupang",
        instructions=DEMO_NOTE,
    ),
    dict(
        kind="payment_code",
        segment="bpu",
        position=3,
        bank_name="Kantor Pos, Indomaret, Alfamart",
        payment_code="BPJSTK-BPU",
        account_holder="BPJS Ketenagakerjaan",
        instructions=DEMO_NOTE,
    ),
]


@transaction.atomic
def load_demo_branches() -> KantorCabang:
    kantor, _created = KantorCabang.objects.get_or_create(
        code="KPG",
        defaults=dict(
            name="BPJS Ketenagakerjaan Cabang Kupang",
            letterhead="Badan Penyelenggara Jaminan Sosial Ketenagakerjaan",
            address="Jl. Contoh No. 1 (alamat demo)\nKota Kupang, Nusa Tenggara Timur",
            phone="(0380) 000000 (demo)",
            email="cabang-kupang@example.org",
        ),
    )
    taken = set(ServiceArea.objects.values_list("region_id", flat=True))
    codes = Region.objects.filter(Q(code=PROVINCE) | Q(parent_id=PROVINCE)).values_list(
        "code", flat=True
    )
    ServiceArea.objects.bulk_create(
        ServiceArea(kantor=kantor, region_id=code)
        for code in codes
        if code not in taken  # a region another branch already serves stays with it
    )
    if not kantor.channels.exists():
        for data in CHANNELS:
            PaymentChannel.objects.create(
                kantor=kantor,
                valid_from=dt.date(2025, 1, 1),
                source="data demo",
                **data,
            )
    return kantor
