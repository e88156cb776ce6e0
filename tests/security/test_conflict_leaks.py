"""Conflicts tell no more than needed (issue 20): outside the user's scope, a NIK already active elsewhere is named
by neither desa nor person, on the form, the API and the import; those who may see the desa see where."""

from __future__ import annotations

import pytest

from lindung.imports import services as imports
from lindung.participants.services import ELSEWHERE
from tests.conftest import DESA_Y, make_user
from tests.imports.helpers import perangkat_row, write_csv
from tests.participants.factories import make_kepesertaan, perangkat_data

pytestmark = pytest.mark.django_db


def _messages(batch) -> str:
    return " ".join(e["message"] for e in imports.summary(batch)["errors"])


def test_an_import_conflict_outside_the_scope_names_nothing(tmp_path, operator_desa):
    k = make_kepesertaan(operator_desa)
    sumba_barat_daya = make_user("kabupaten", ["53.18"])
    row = perangkat_row(1, nik=k.peserta.nik, desa=DESA_Y)
    batch = imports.run_import(
        actor=sumba_barat_daya,
        path=write_csv(tmp_path / "y.csv", [row]),
        kind="perangkat",
    )
    assert batch.rejected == 1 and ELSEWHERE in _messages(batch)
    assert "53.01.04.2003" not in _messages(batch) and "Bokonusan" not in _messages(
        batch
    )
    # The regency office of the desa where the NIK is active sees where.
    kupang = make_user("kabupaten", ["53.01"])
    row = perangkat_row(1, nik=k.peserta.nik, desa="53.01.04.2004")
    seen = imports.run_import(
        actor=kupang, path=write_csv(tmp_path / "k.csv", [row]), kind="perangkat"
    )
    assert "53.01.04.2003" in _messages(seen)


def test_the_api_conflict_outside_the_scope_names_nothing(
    client, operator_desa, operator_desa_y, bpjs_user
):
    k = make_kepesertaan(operator_desa)
    data = perangkat_data(nik=k.peserta.nik, desa_code=DESA_Y)
    client.force_login(operator_desa_y)
    r = client.post("/api/v1/participants/", data, content_type="application/json")
    assert r.status_code == 409
    assert (
        r.json()["message"] == ELSEWHERE
        and r.json()["detail"]["kepesertaan_id"] is None
    )
    client.force_login(bpjs_user)  # BPJS officers see where
    r = client.post("/api/v1/participants/", data, content_type="application/json")
    assert r.status_code == 409 and "Bokonusan" in r.json()["message"]
