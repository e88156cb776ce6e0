"""The authorization matrix, generated: role × the record's region × endpoint (docs/architecture.md, Conventions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import DESA_Y, make_kepesertaan, nik_for

pytestmark = pytest.mark.django_db

ROLES = [
    "bpjs_user",
    "provinsi_user",
    "kabupaten_user",
    "operator_desa",
    "operator_desa_y",
    "viewer_user",
]
# Who sees a membership in desa X (53.01.04.2003) and who may write there.
SEES_X = {
    "bpjs_user",
    "provinsi_user",
    "kabupaten_user",
    "operator_desa",
    "viewer_user",
}
# The province office watches and reports; it registers and edits no one (issue 21).
CHANGES_X = {"bpjs_user", "kabupaten_user", "operator_desa"}
IMPORTS = {"kabupaten_user", "operator_desa", "operator_desa_y"}
UNMASKS_X = {"bpjs_user", "kabupaten_user", "operator_desa"}


@pytest.fixture
def memberships(db):
    x = make_kepesertaan()
    y = make_kepesertaan(serial=9, desa_code=DESA_Y, nik=nik_for(9, prefix="531801"))
    return x, y


def _status(client, method: str, url: str) -> int:
    return (client.post(url) if method == "post" else client.get(url)).status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "endpoint,method,allowed",
    [
        ("participants:detail", "get", SEES_X),
        ("participants:edit", "get", CHANGES_X),
        ("participants:unmask", "post", UNMASKS_X),
        ("api:get_peserta", "get", SEES_X),
    ],
)
def test_membership_endpoints_by_role(
    client, request, memberships, role, endpoint, method, allowed
):
    client.force_login(request.getfixturevalue(role))
    status = _status(client, method, reverse(endpoint, args=[memberships[0].pk]))
    if role in allowed:
        assert status == 200
    else:
        assert status in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_each_role_only_its_regions(client, request, memberships, role):
    client.force_login(request.getfixturevalue(role))
    ids = {item["id"] for item in client.get("/api/v1/participants/").json()["items"]}
    expected_x = role in SEES_X
    expected_y = role in {
        "bpjs_user",
        "provinsi_user",
        "operator_desa_y",
        "viewer_user",
    }
    assert (memberships[0].pk in ids, memberships[1].pk in ids) == (
        expected_x,
        expected_y,
    )


@pytest.mark.parametrize("role", ROLES)
def test_upload_page_by_role(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("imports:upload")).status_code == (
        200 if role in IMPORTS else 403
    )
