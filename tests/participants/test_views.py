from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.accounts.models import AuditEvent
from lindung.participants.models import Kepesertaan

from .factories import DESA_Y, make_kepesertaan, nik_for, perangkat_data

pytestmark = pytest.mark.django_db


def form_data(**kw) -> dict:
    """The web form posts choice codes, not the spellings a spreadsheet may use."""
    return perangkat_data(
        jabatan="kaur_keuangan", sumber_dana="add", risk_group="sangat_rendah", **kw
    )


@pytest.fixture
def two(db):
    x = make_kepesertaan(name="Yohanes Bokonusan")
    y = make_kepesertaan(
        serial=7,
        desa_code=DESA_Y,
        nik=nik_for(7, prefix="531801"),
        name="Maria Sumba",
        kind="rentan",
        pekerjaan="Nelayan",
        sumber_dana="APBD Kab",
    )
    return x, y


def test_list_shows_only_visible_rows_with_masked_nik(client, operator_desa, two):
    client.force_login(operator_desa)
    body = client.get(reverse("participants:list")).content.decode()
    assert "Yohanes Bokonusan" in body and "Maria Sumba" not in body
    assert two[0].peserta.nik not in body and two[0].peserta.nik[:6] + "•" * 10 in body


@pytest.mark.parametrize(
    "params,shown,hidden",
    [
        ({"q": "maria"}, "Maria Sumba", "Yohanes"),
        ({"q": nik_for(1)}, "Yohanes", "Maria Sumba"),
        ({"q": nik_for(1)[:10]}, "Yohanes", "Maria Sumba"),
        ({"kind": "rentan"}, "Maria Sumba", "Yohanes"),
        ({"region": "53.18"}, "Maria Sumba", "Yohanes"),
        ({"sumber_dana": "add"}, "Yohanes", "Maria Sumba"),
        ({"status": "berhenti"}, None, "Yohanes"),
    ],
)
def test_list_filters_and_htmx_returns_only_rows(
    client, bpjs_user, two, params, shown, hidden
):
    client.force_login(bpjs_user)
    response = client.get(reverse("participants:list"), params, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert (
        "<form" not in body and (shown is None or shown in body) and hidden not in body
    )


def test_detail_in_another_region_is_404(client, operator_desa, two):
    client.force_login(operator_desa)
    assert (
        client.get(reverse("participants:detail", args=[two[1].pk])).status_code == 404
    )
    assert (
        client.get(reverse("participants:detail", args=[two[0].pk])).status_code == 200
    )


def test_unmask_button_shows_the_nik_and_writes_an_audit_row(
    client, operator_desa, viewer_user, two
):
    client.force_login(operator_desa)
    url = reverse("participants:unmask", args=[two[0].pk])
    assert (
        two[0].peserta.nik
        not in client.get(
            reverse("participants:detail", args=[two[0].pk])
        ).content.decode()
    )
    assert two[0].peserta.nik in client.post(url).content.decode()
    assert AuditEvent.objects.filter(action="unmask", actor=operator_desa).count() == 1
    client.force_login(viewer_user)
    assert client.post(url).status_code == 403


def test_add_form_uses_the_service_and_shows_its_errors(client, operator_desa):
    client.force_login(operator_desa)
    response = client.post(reverse("participants:add"), form_data())
    k = Kepesertaan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "participants:detail", args=[k.pk]
    )
    bad = client.post(
        reverse("participants:add"), form_data(serial=2, nik="5.30104E+15")
    )
    assert bad.status_code == 200 and "notasi ilmiah" in bad.content.decode()


def test_edit_with_a_stale_version_is_refused(client, operator_desa):
    k = make_kepesertaan(operator_desa)
    client.force_login(operator_desa)
    url = reverse("participants:edit", args=[k.pk])
    assert (
        client.post(url, form_data(wage="2500000", version=k.version)).status_code
        == 302
    )
    stale = client.post(url, form_data(wage="2600000", version=k.version))
    assert "sudah diubah oleh pengguna lain" in stale.content.decode()


def test_status_end_and_kpj_forms(client, operator_desa):
    k = make_kepesertaan(operator_desa)
    client.force_login(operator_desa)
    client.post(
        reverse("participants:status", args=[k.pk]),
        {"status": "aktif", "reason": "tagihan lunas"},
    )
    client.post(reverse("participants:kpj", args=[k.pk]), {"kpj": "12345678901"})
    client.post(
        reverse("participants:end", args=[k.pk]),
        {"reason": "purna_tugas", "ended_on": "2030-01-01"},
    )
    k.refresh_from_db()
    assert (k.status, k.kpj, k.stop_reason) == (
        "berhenti",
        "12345678901",
        "purna_tugas",
    )
    assert list(k.history.values_list("status", flat=True)) == [
        "terdaftar",
        "aktif",
        "berhenti",
    ]


def test_detail_shows_the_coverage_strip_when_contributions_provides_it(
    client, operator_desa
):
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template("contributions/_coverage_strip.html")
    except TemplateDoesNotExist:
        pytest.skip("contributions app has no coverage strip")
    k = make_kepesertaan(operator_desa)
    client.force_login(operator_desa)
    body = client.get(reverse("participants:detail", args=[k.pk])).content.decode()
    assert 'class="coverage"' in body and 'class="strip"' in body


@pytest.mark.parametrize(
    "url",
    [
        "/admin/participants/kepesertaan/",
        "/admin/participants/peserta/",
        "/admin/imports/importbatch/",
    ],
)
def test_admin_lists_are_read_only(client, admin_user, url):
    make_kepesertaan()
    client.force_login(admin_user)
    response = client.get(url)
    assert (
        response.status_code == 200 and response.context["has_add_permission"] is False
    )


def test_list_pages_stop_at_the_cap_and_say_so(client, bpjs_user, two, monkeypatch):
    from lindung.participants import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(views, "MAX_PAGES", 1)
    client.force_login(bpjs_user)
    response = client.get(reverse("participants:list"), {"page": 2})
    page = response.context["page"]
    assert page.number == 1 and page.paginator.num_pages == 1
    # Counted only up to the cap: "more than 1", not the exact 2.
    assert page.paginator.count == 1 and response.context["capped"]
    assert "Lebih dari 1 peserta" in response.content.decode()
    monkeypatch.setattr(views, "MAX_PAGES", 2)
    response = client.get(reverse("participants:list"))
    assert response.context["page"].paginator.count == 2
    assert not response.context["capped"] and "2 peserta" in response.content.decode()
