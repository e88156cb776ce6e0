"""Bounded inputs (issue 20): oversized cells, file names and nesting are refused with a 4xx and an Indonesian
message, never a 500; a hypothesis fuzz over the web forms' POST bodies sees no 5xx."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.imports import services
from tests.conftest import make_user
from tests.imports.helpers import HEADER, perangkat_row, write_csv

pytestmark = pytest.mark.django_db


def test_a_one_megabyte_csv_cell_is_a_clear_refusal(client, tmp_path, operator_desa):
    rows = [perangkat_row(1), perangkat_row(2, name="x" * 1_000_000)]
    path = write_csv(tmp_path / "besar.csv", rows, header=HEADER)
    with pytest.raises(services.ImportFileError, match="lebih dari 32.767 karakter"):
        services.run_import(actor=None, path=path, kind="perangkat")
    client.force_login(operator_desa)
    page = client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile("besar.csv", path.read_bytes()),
            "kind": "perangkat",
        },
    )
    assert page.status_code == 200 and "32.767" in page.content.decode()
    api = client.post(
        "/api/v1/imports/",
        {
            "file": SimpleUploadedFile("besar.csv", path.read_bytes()),
            "kind": "perangkat",
        },
    )
    assert api.status_code == 400 and "32.767" in api.json()["message"]


def test_a_long_file_extension_is_refused(client, tmp_path, operator_desa):
    path = write_csv(tmp_path / "a.csv", [perangkat_row(1)])
    client.force_login(operator_desa)
    name = "data." + "x" * 250
    page = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile(name, path.read_bytes()), "kind": "perangkat"},
    )
    assert page.status_code == 200 and "tidak didukung" in page.content.decode()
    api = client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile(name, path.read_bytes()), "kind": "perangkat"},
    )
    assert api.status_code == 400


def test_deeply_nested_json_is_a_400(client):
    client.force_login(make_user("bpjs"))
    body = "[" * 100_000 + "]" * 100_000
    r = client.post("/api/v1/iuran/quote", body, content_type="application/json")
    assert r.status_code == 400 or r.status_code == 422
    assert r.json()["message"]


FORMS = [
    (
        "participants:add",
        [
            "kind",
            "nik",
            "name",
            "birth_date",
            "sex",
            "desa_code",
            "wage",
            "jabatan",
            "start_of_term",
        ],
    ),
    ("imports:upload", ["kind", "region", "sumber_dana", "dry_run"]),
]
text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "0000-00-00",
            "9999-12-31",
            "1e309",
            "-1",
            "10" * 20,
            "=1+1",
            "53.01.04.2003",
            "perangkat",
        ]
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(st.sampled_from(FORMS), st.data())
def test_no_web_form_answers_a_5xx(client, form, data):
    name, fields = form
    user = make_user("kabupaten", ["53.01"])
    client.force_login(user)
    body = {
        f: data.draw(text, label=f)
        for f in data.draw(
            st.lists(st.sampled_from(fields), unique=True), label="fields"
        )
    }
    r = client.post(reverse(name), body)
    assert r.status_code < 500, (name, body)
