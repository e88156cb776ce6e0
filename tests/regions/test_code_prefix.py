"""``code_prefix_q``: a region and everything under it, nothing beside it, on both databases."""

from __future__ import annotations

import pytest

from lindung.regions.models import Region, code_prefix_q

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["range", "like"])
def mode(request, monkeypatch):
    """Both forms: the index range (byte-ordered collations) and the fallback for other collations."""
    from lindung.regions import models

    if request.param == "like":
        monkeypatch.setattr(models, "_code_order_collation", lambda: False)
    return request.param


def codes(prefix: str) -> set[str]:
    return set(
        Region.objects.filter(code_prefix_q("code", prefix)).values_list(
            "code", flat=True
        )
    )


def test_a_region_and_its_descendants_and_nothing_else():
    kab = codes("53.01")
    assert "53.01" in kab and "53.01.04" in kab and "53.01.04.2003" in kab
    assert all(c == "53.01" or c.startswith("53.01.") for c in kab)
    assert kab == {
        c
        for c in Region.objects.values_list("code", flat=True)
        if c == "53.01" or c.startswith("53.01.")
    }


def test_a_shorter_code_does_not_take_a_longer_sibling():
    # "53.1" is no code, and must not match "53.18" (Sumba Barat Daya is 53.18).
    assert codes("53.1") == set()
    assert "53.18" in codes("53.18") and "53.18" not in codes("53.1")


def test_a_desa_is_its_own_only_member():
    assert codes("53.01.04.2003") == {"53.01.04.2003"}
