from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .helpers import perangkat_row, write_csv

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/"


def test_post_returns_the_summary_and_get_returns_the_batch(
    client, operator_desa, tmp_path
):
    client.force_login(operator_desa)
    path = write_csv(
        tmp_path / "a.csv", [perangkat_row(1), perangkat_row(2, birth="99/99/1999")]
    )
    response = client.post(
        URL,
        {"file": SimpleUploadedFile("a.csv", path.read_bytes()), "kind": "perangkat"},
    )
    # Queued (issue 20): the answer is the batch; the immediate task backend has already run it in tests.
    assert response.status_code == 202
    data = client.get(f"{URL}{response.json()['id']}").json()
    assert (data["total"], data["inserted"], data["rejected"]) == (2, 1, 1) and data[
        "errors"
    ][0]["row"] == 3
    assert data["error_file"].endswith("/kesalahan.xlsx")
    assert data["state"] == "done" and data["inserted"] == 1


def test_bad_kind_is_400_and_viewer_is_403(
    client, operator_desa, viewer_user, tmp_path
):
    path = write_csv(tmp_path / "a.csv", [perangkat_row(1)])
    client.force_login(operator_desa)
    bad = client.post(
        URL, {"file": SimpleUploadedFile("a.csv", path.read_bytes()), "kind": "lain"}
    )
    assert bad.status_code == 400
    client.force_login(viewer_user)
    assert (
        client.post(
            URL,
            {
                "file": SimpleUploadedFile("a.csv", path.read_bytes()),
                "kind": "perangkat",
            },
        ).status_code
        == 403
    )
