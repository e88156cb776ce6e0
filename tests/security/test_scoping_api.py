"""One scoping API (issue 22): every region-bound model answers ``visible_to(user)`` from the same role table."""

from __future__ import annotations

import pytest

from lindung.imports.models import ImportBatch
from lindung.regions.models import Region
from tests.conftest import DESA_X, DESA_Y

pytestmark = pytest.mark.django_db


def test_regions_visible_to_follow_the_role_table(
    operator_desa, kabupaten_user, provinsi_user, bpjs_user
):
    assert list(
        Region.objects.visible_to(operator_desa).values_list("code", flat=True)
    ) == [DESA_X]
    kab = Region.objects.visible_to(kabupaten_user)
    assert kab.filter(code=DESA_X).exists() and not kab.filter(code=DESA_Y).exists()
    assert Region.objects.visible_to(provinsi_user).filter(code=DESA_Y).exists()
    assert Region.objects.visible_to(bpjs_user).count() == Region.objects.count()


def test_every_region_bound_model_has_visible_to():
    from django.apps import apps

    from lindung.accounts.models import RegionScopedQuerySet

    for model in apps.get_models():
        if not model.__module__.startswith("lindung."):
            continue
        region_fields = [
            f
            for f in model._meta.get_fields()
            if getattr(f, "related_model", None) is Region and f.concrete
        ]
        # The role table itself, and BPJS's branch offices (public reference data, no personal data), excepted.
        if region_fields and model._meta.label not in (
            "regions.Region",
            "accounts.UserRegion",
            "branches.KantorCabang",
            "branches.ServiceArea",
        ):
            qs = model.objects.all()
            assert hasattr(qs, "visible_to"), model._meta.label
    assert isinstance(ImportBatch.objects.all(), RegionScopedQuerySet) or hasattr(
        ImportBatch.objects.all(), "visible_to"
    )
