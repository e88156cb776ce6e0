"""Authorization matrix across apps, generated: role × (own region, other region) × endpoint (docs/architecture.md, Conventions).

Objects live in desa X (53.01.04.2003, Kab. Kupang) and desa Y (53.18.01.2001, Sumba Barat Daya). Every page and API
endpoint that reads region-bound data by id must answer 200 inside the user's scope and 403/404 outside it (no IDOR);
lists and exports must not leak the other region's rows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.claims.services import submit_klaim
from lindung.contributions.models import Tagihan
from lindung.contributions.services import run_billing
from tests.conftest import make_user
from tests.participants.factories import DESA_Y, make_kepesertaan, nik_for

pytestmark = pytest.mark.django_db

ROLES = {
    # name: (role, regions, sees X, sees Y)
    "bpjs_national": ("bpjs", [], True, True),
    "bpjs_branch_y": ("bpjs", ["53.18"], False, True),
    "provinsi": ("provinsi", ["53"], True, True),
    "kabupaten_x": ("kabupaten", ["53.01"], True, False),
    "desa_x": ("desa", ["53.01.04.2003"], True, False),
    "desa_y": ("desa", [DESA_Y], False, True),
    "viewer_x_kab": ("viewer", ["53.01"], True, False),
}
PERIOD = dt.date.today().replace(day=1)


@pytest.fixture
def world(db):
    x = make_kepesertaan(name="Yohanes Rahasia Ex")
    y = make_kepesertaan(
        serial=9,
        desa_code=DESA_Y,
        nik=nik_for(9, prefix="531801"),
        name="Markus Rahasia Ye",
    )
    run_billing(actor=None, period=PERIOD)
    bills = {
        k: Tagihan.objects.get(lines__kepesertaan=m) for k, m in (("x", x), ("y", y))
    }
    claims = {}
    for key, member, desa in (("x", x, "53.01.04.2003"), ("y", y, DESA_Y)):
        claims[key] = submit_klaim(
            actor=make_user("desa", [desa]),
            kepesertaan=member,
            event="jkm",
            incident_date=dt.date.today(),
            claimant_name="Ahli Waris",
            claimant_relation="istri",
        )
    return {"member": {"x": x, "y": y}, "bill": bills, "claim": claims}


def _endpoints(world, side: str) -> list[str]:
    m, b, c = world["member"][side], world["bill"][side], world["claim"][side]
    return [
        f"/peserta/{m.pk}/",
        f"/peserta/{m.pk}/ubah/",
        f"/api/v1/participants/{m.pk}",
        f"/api/v1/iuran/coverage/{m.pk}",
        f"/iuran/tagihan/{b.number}/",
        f"/iuran/tagihan/{b.number}/pdf/",
        f"/klaim/{c.pk}/",
        f"/api/v1/claims/{c.pk}",
    ]


CASES = [(name, side) for name in ROLES for side in ("x", "y")]


@pytest.mark.parametrize(("name", "side"), CASES)
def test_object_endpoints_follow_the_region_scope(client, world, name, side):
    role, regions, sees_x, sees_y = ROLES[name]
    client.force_login(make_user(role, regions))
    allowed = sees_x if side == "x" else sees_y
    for url in _endpoints(world, side):
        status = client.get(url).status_code
        if allowed:
            # The edit form is for roles that may change; a read-only viewer gets 403/404 there.
            # The province office watches and reports; it registers and edits no one (issue 21).
            if role in ("viewer", "provinsi") and url.endswith("/ubah/"):
                assert status in (403, 404), (url, status)
            else:
                assert status == 200, (url, status)
        else:
            assert status in (403, 404), (url, status)


@pytest.mark.parametrize("name", list(ROLES))
def test_lists_and_exports_never_leak_the_other_region(client, world, name):
    role, regions, sees_x, sees_y = ROLES[name]
    client.force_login(make_user(role, regions))
    pages = [
        "/peserta/",
        "/api/v1/participants/",
        "/api/v1/iuran/tagihan",
        "/iuran/",
        "/klaim/",
        "/api/v1/claims/",
    ]
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        body = resp.content.decode()
        for side, sees in (("x", sees_x), ("y", sees_y)):
            member, bill = world["member"][side], world["bill"][side]
            marks = (
                [member.peserta.name]
                if "claims" not in url and "klaim" not in url
                else []
            )
            if "tagihan" in url or url == "/iuran/":
                marks = [bill.number]
            if "klaim" in url or "claims" in url:
                marks = [
                    f"/klaim/{world['claim'][side].pk}/"
                    if url == "/klaim/"
                    else f'"id": {world["claim"][side].pk}'
                ]
            for mark in marks:
                # Two-sided: what is in scope is listed, what is not never appears.
                assert (mark in body) == sees, (url, mark, sees)


@pytest.mark.parametrize("name", list(ROLES))
def test_writes_outside_the_region_are_refused(client, world, name):
    role, regions, sees_x, sees_y = ROLES[name]
    user = make_user(role, regions)
    client.force_login(user)
    for side, sees in (("x", sees_x), ("y", sees_y)):
        if sees:
            continue
        m, b, c = world["member"][side], world["bill"][side], world["claim"][side]
        for url, data in [
            (f"/peserta/{m.pk}/ubah/", {"name": "Diubah"}),
            (f"/peserta/{m.pk}/nik/", {}),
            (
                f"/peserta/{m.pk}/berhenti/",
                {"reason": "pindah", "ended_on": "2026-04-01"},
            ),
            (
                f"/iuran/tagihan/{b.number}/bayar/",
                {"amount": "1000", "paid_at": "2026-04-01"},
            ),
            (f"/klaim/{c.pk}/status/", {"to_status": "diverifikasi"}),
        ]:
            status = client.post(url, data).status_code
            assert status in (403, 404), (url, status)
        m.refresh_from_db()
        assert m.peserta.name != "Diubah" and m.status != "berhenti"
