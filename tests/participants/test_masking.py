"""NIK masking that masks (issue 18): what a page, export or API answer shows, with the desa, birth date and sex
beside it, never determines the NIK."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lindung.common.nik import mask

from .factories import make_kepesertaan, nik_for

pytestmark = pytest.mark.django_db


def candidates(shown: str, birth_ddmmyy: str) -> int:
    """How many NIKs fit what a response shows: its visible digits, and the birth date and sex (the DDMMYY part)."""
    hidden = [i for i, ch in enumerate(shown) if not ch.isdigit()]
    free = [
        i for i in hidden if not 6 <= i < 12
    ]  # the DDMMYY digits are rebuilt from the birth date and sex
    assert len(shown) == 16 and birth_ddmmyy
    return 10 ** len(free)


def test_the_mask_hides_the_serial():
    assert mask("5301045708850001") == "530104••••••••••"
    assert mask("") == "" and mask(None) == ""


def test_no_response_shows_enough_to_rebuild_a_nik(client, operator_desa):
    people = [
        make_kepesertaan(
            operator_desa, serial=i, nik=nik_for(i), name="Orang {}".format(i)
        )
        for i in range(1, 21)
    ]
    client.force_login(operator_desa)
    pages = [
        client.get(reverse("participants:list")).content.decode(),
        client.get("/api/v1/participants/?page_size=50").content.decode(),
    ]
    for k in people[:3]:
        pages.append(
            client.get(reverse("participants:detail", args=[k.pk])).content.decode()
        )
        pages.append(
            client.get(reverse("participants:edit", args=[k.pk])).content.decode()
        )
        pages.append(
            client.get("/api/v1/participants/{}".format(k.pk)).content.decode()
        )
    text = "\n".join(pages)
    for k in people:
        nik = k.peserta.nik
        assert nik not in text
        for shown in set(re.findall(re.escape(nik[:2]) + r"[0-9•*X]{14}", text)):
            assert candidates(shown, nik[6:12]) >= 10**4, shown
