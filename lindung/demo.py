"""The synthetic Nusa Tenggara Timur demo: same seed, same data."""

from __future__ import annotations

from django.db import transaction

from lindung.accounts.services import create_user

DEFAULT_SEED = 2026
DEMO_PASSWORD = "lindung-demo-2026"
NTT = "53"

DEMO_USERS = [
    {"username": "bpjs", "role": "bpjs", "regions": [], "label": "Petugas BPJS (semua wilayah), admin", "staff": True},
    {"username": "provinsi", "role": "provinsi", "regions": ["53"], "label": "Dinas PMD Provinsi NTT"},
    {"username": "kabupaten", "role": "kabupaten", "regions": ["53.18"], "label": "Dinas PMD Kab. Sumba Barat Daya"},
    {"username": "desa", "role": "desa", "regions": ["53.01.04.2003"], "label": "Operator Desa Bokonusan, Kab. Kupang"},
    {"username": "pemantau", "role": "viewer", "regions": ["53"], "label": "Pemantau (hanya baca), NTT"},
]


def create_demo_users() -> None:
    from django.contrib.auth import get_user_model

    for u in DEMO_USERS:
        user = create_user(username=u["username"], password=DEMO_PASSWORD, role=u["role"], regions=u["regions"],
                           name=u["label"], staff=u.get("staff", False))
        if u["role"] == "bpjs":
            get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)


def load_demo(*, seed: int = DEFAULT_SEED) -> dict[str, object]:
    with transaction.atomic():
        create_demo_users()
    return {"pengguna demo": len(DEMO_USERS)}
