"""Shared fixtures: NTT regions loaded once per test database, one user per role and region."""

from __future__ import annotations

import itertools

import pytest

from lindung.accounts.services import create_user

PASSWORD = "rahasia-uji-123"
DESA_X = "53.01.04.2003"  # Bokonusan, Semau, Kab. Kupang
DESA_Y = "53.18.01.2001"  # a desa in Sumba Barat Daya
_seq = itertools.count()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from lindung.regions.services import load_regions

    with django_db_blocker.unblock():
        load_regions(prefix="53")


def make_user(role: str, regions: list[str] | None = None, **kw):
    return create_user(
        username=f"{role}{next(_seq)}",
        password=PASSWORD,
        role=role,
        regions=regions or [],
        **kw,
    )


@pytest.fixture
def bpjs_user(db):
    return make_user("bpjs")


@pytest.fixture
def provinsi_user(db):
    return make_user("provinsi", ["53"])


@pytest.fixture
def kabupaten_user(db):
    return make_user("kabupaten", ["53.01"])


@pytest.fixture
def operator_desa(db):
    return make_user("desa", [DESA_X])


@pytest.fixture
def operator_desa_y(db):
    return make_user("desa", [DESA_Y])


@pytest.fixture
def viewer_user(db):
    return make_user("viewer", ["53"])
