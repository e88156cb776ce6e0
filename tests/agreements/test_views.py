"""The PKS page: ended agreements in red with "perpanjang" for those who may renew, overdue plans, marking done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.agreements import services
from lindung.agreements.models import PlannedAction

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
ENDED = TODAY - dt.timedelta(days=40)


@pytest.fixture
def ended_pks(db):
    services.save_pks(
        actor=None,
        kabupaten_code="53.01",
        number="5301/PKS/BPJSTK/2022",
        signed_on=dt.date(2022, 6, 10),
        scope="both",
        valid_to=ENDED,
    )
    return services.add_planned_action(
        actor=None,
        kabupaten_code="53.01",
        planned_on=TODAY - dt.timedelta(days=5),
        description="Dianggarkan pada APBD Perubahan",
    )


def _page(client, user, url="/pks/"):
    client.force_login(user)
    return client.get(url).content.decode()


def test_the_regency_office_sees_the_ended_pks_with_renew(
    client, kabupaten_user, ended_pks
):
    from lindung.common.format import tanggal

    body = _page(client, kabupaten_user)
    assert 'id="pks-ended"' in body
    assert "PKS berakhir pada {}".format(tanggal(ENDED)) in body
    assert "perpanjang" in body and "?kabupaten=53.01#pks-form" in body
    assert "Terlambat" in body and "Dianggarkan pada APBD Perubahan" in body


def test_a_viewer_sees_the_ended_pks_but_no_renew_link(client, ended_pks):
    from tests.conftest import make_user

    body = _page(client, make_user("viewer", ["53"]))
    assert "PKS berakhir pada" in body
    assert '#pks-form">perpanjang' not in body
    assert "Tandai selesai" not in body


def test_the_renew_link_prefills_the_regency(client, kabupaten_user, ended_pks):
    body = _page(client, kabupaten_user, "/pks/?kabupaten=53.01")
    assert 'name="pks-kabupaten"' in body and 'value="53.01"' in body


def test_a_renewal_clears_the_alert(client, kabupaten_user, ended_pks):
    client.force_login(kabupaten_user)
    response = client.post(
        "/pks/",
        {
            "pks-kabupaten": "53.01",
            "pks-number": "5301/PKS/BPJSTK/2026",
            "pks-signed_on": TODAY.isoformat(),
            "pks-valid_from": TODAY.isoformat(),
            "pks-valid_to": (TODAY + dt.timedelta(days=1095)).isoformat(),
            "pks-scope": "both",
        },
    )
    assert response.status_code == 302
    body = client.get("/pks/").content.decode()
    assert 'id="pks-ended"' not in body and "(diperpanjang)" in body


def test_marking_a_plan_done_from_the_page(client, kabupaten_user, ended_pks):
    client.force_login(kabupaten_user)
    response = client.post(f"/pks/rencana/{ended_pks.pk}/selesai/")
    assert response.status_code == 302
    assert PlannedAction.objects.get(pk=ended_pks.pk).done
    client.post(f"/pks/rencana/{ended_pks.pk}/selesai/", {"done": "0"})
    assert not PlannedAction.objects.get(pk=ended_pks.pk).done


def test_a_plan_of_another_regency_cannot_be_marked(client, operator_desa_y):
    other = services.add_planned_action(
        actor=None, kabupaten_code="53.01", planned_on=TODAY, description="Rahasia"
    )
    client.force_login(operator_desa_y)
    assert client.post(f"/pks/rencana/{other.pk}/selesai/").status_code == 404
    assert client.get(f"/pks/rencana/{other.pk}/selesai/").status_code in (404, 405)
    assert not PlannedAction.objects.get(pk=other.pk).done


def test_the_pks_list_pages_and_downloads_the_visible_agreements(
    client, kabupaten_user, bpjs_user
):
    import io

    from python_calamine import CalamineWorkbook

    from lindung.agreements import services

    services.save_pks(
        actor=bpjs_user,
        kabupaten_code="53.01",
        number="PKS/KUPANG/1",
        signed_on=dt.date(2025, 1, 10),
        scope="both",
        valid_to=dt.date(2027, 1, 9),
    )
    services.save_pks(
        actor=bpjs_user,
        kabupaten_code="53.18",
        number="PKS/SBD/1",
        signed_on=dt.date(2025, 2, 10),
        scope="both",
    )
    client.force_login(kabupaten_user)
    body = client.get(reverse("agreements:list")).content.decode()
    assert "PKS/KUPANG/1" in body and "PKS/SBD/1" not in body and 'id="dl-xlsx"' in body
    r = client.get(reverse("agreements:list"), {"format": "xlsx"})
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [row[2] for row in sheet] == ["Nomor PKS", "PKS/KUPANG/1"]
