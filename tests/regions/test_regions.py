from __future__ import annotations

import pytest

from lindung.regions.models import Region
from lindung.regions.services import (
    children_with_counts,
    count_by_level,
    load_regions,
    village_counts,
)


@pytest.mark.slow
@pytest.mark.django_db
def test_it_loads_the_whole_country_idempotently():
    load_regions()
    first = count_by_level()
    load_regions()
    second = count_by_level()
    assert first == second
    villages = second["desa"] + second["kelurahan"] + second.get("desa_adat", 0)
    assert villages == 83_762
    assert Region.objects.filter(level=4).count() == 83_762
    assert second["provinsi"] == 38
    assert second["kabupaten"] + second["kota"] == 514
    assert Region.objects.filter(parent_id="53").count() == 22


@pytest.mark.django_db
def test_ntt_has_22_kabupaten_kota_and_kota_kupang_only_kelurahan():
    ntt = Region.objects.get(code="53")
    rows = {c["region"].code: c for c in children_with_counts(ntt)}
    assert len(rows) == 22
    assert rows["53.71"]["desa"] == 0 and rows["53.71"]["kelurahan"] > 0
    assert rows["53.20"]["desa"] > 0  # Sabu Raijua
    totals = village_counts(ntt)
    assert totals["desa"] == sum(r["desa"] for r in rows.values())


@pytest.mark.django_db
def test_region_types_follow_the_fourth_segment():
    village = Region.objects.get(code="53.18.01.2001")
    assert (
        village.type == "desa" and village.is_desa and village.parent_id == "53.18.01"
    )
    kel = Region.objects.filter(code__startswith="53.71.", level=4).first()
    assert kel.type == "kelurahan" and not kel.is_desa


def test_region_browser_lists_kabupaten(client, operator_desa):
    client.force_login(operator_desa)
    resp = client.get("/wilayah/53/")
    assert resp.status_code == 200
    assert "Sumba Barat Daya" in resp.content.decode()


def test_api_lists_regions_with_counts(client, viewer_user):
    client.force_login(viewer_user)
    data = client.get("/api/v1/regions/?parent=53").json()
    assert len(data) == 22
    assert {"code", "name", "desa", "kelurahan"} <= set(data[0])
