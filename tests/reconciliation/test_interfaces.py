"""CLI, API and pages of the reconciliation."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.reconciliation.models import ReconciliationRun

from .helpers import member, nik, row, write_list

pytestmark = pytest.mark.django_db
URL = "/api/v1/reconciliation/"


@pytest.fixture
def bpjs_list(tmp_path):
    a = member(1, kpj="11111111111", paid_through=dt.date(2026, 10, 1))
    b = member(2)
    member(3)  # only in Lindung
    return write_list(
        tmp_path / "bpjs.csv",
        [row(a, paid="10/2026"), row(b, kpj="22222222222"), row(nik(9))],
    )


def test_cli_prints_the_interfaces_json(bpjs_list, bpjs_user, capsys):
    call_command("reconcile", str(bpjs_list), "--json", "--user", bpjs_user.username)
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 3 and data["classes"]["kpj_baru"] == 1
    assert data["classes"]["hanya_di_bpjs"] == 1 and len(data["missing"]) == 1
    assert data["rows"][0] == {
        "row": 4,
        "nik": nik(1),
        "classes": ["cocok"],
        "detail": "",
    }


def test_cli_refused_file_prints_error_json_and_fails(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("Nama;Alamat\nA;B\n")
    with pytest.raises(CommandError):
        call_command("reconcile", str(path), "--json")
    assert "NIK" in json.loads(capsys.readouterr().out)["error"]


def test_api_post_returns_the_summary_and_get_returns_it_again(
    client, bpjs_list, bpjs_user
):
    client.force_login(bpjs_user)
    response = client.post(
        URL, {"file": SimpleUploadedFile("bpjs.csv", bpjs_list.read_bytes())}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["total"] == data["rejected"] + data["outside_scope"] + len(data["rows"])
    again = client.get(response["Location"]).json()
    assert again["state"] == "done" and again["rows"] == data["rows"]


def test_api_refuses_viewer_and_bad_file(client, bpjs_list, viewer_user, bpjs_user):
    client.force_login(viewer_user)
    upload = SimpleUploadedFile("bpjs.csv", bpjs_list.read_bytes())
    assert client.post(URL, {"file": upload}).status_code == 403
    assert not ReconciliationRun.objects.exists()  # refused before the file was stored
    client.force_login(bpjs_user)
    bad = SimpleUploadedFile("x.csv", b"Nama;Alamat\nA;B\n")
    response = client.post(URL, {"file": bad})
    assert response.status_code == 400 and "NIK" in response.json()["message"]


def test_api_queues_a_large_file(client, bpjs_list, bpjs_user, monkeypatch):
    from lindung.reconciliation import services

    monkeypatch.setattr(services, "INLINE_ROWS", 1)
    client.force_login(bpjs_user)
    response = client.post(
        URL, {"file": SimpleUploadedFile("bpjs.csv", bpjs_list.read_bytes())}
    )
    assert response.status_code == 202
    # The immediate task backend has run it already.
    data = client.get("{}{}".format(URL, response.json()["id"])).json()
    assert data["state"] == "done" and data["total"] == 3


def test_page_upload_progress_lists_download_and_actions(
    client, bpjs_list, kabupaten_user
):
    client.force_login(kabupaten_user)
    assert client.get("/rekonsiliasi/").status_code == 200
    response = client.post(
        "/rekonsiliasi/",
        {"file": SimpleUploadedFile("bpjs.csv", bpjs_list.read_bytes()), "region": ""},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Kupang" in page.content
    run = ReconciliationRun.objects.get()
    listed = client.get("/rekonsiliasi/{}/?kelas=kpj_baru&wilayah=53.01".format(run.pk))
    assert listed.status_code == 200 and b"22222222222" in listed.content
    download = client.get(
        "/rekonsiliasi/{}/unduh.xlsx?kelas=hanya_di_lindung".format(run.pk)
    )
    assert download.status_code == 200
    assert client.post("/rekonsiliasi/{}/kpj/".format(run.pk)).status_code == 302
    assert client.post("/rekonsiliasi/{}/tandai/".format(run.pk)).status_code == 302
    pending = client.get("/rekonsiliasi/kirim/")
    assert pending.status_code == 200 and b"desa-53.01.04.2003" in pending.content
    export = client.get("/rekonsiliasi/kirim/desa-53.01.04.2003.xlsx")
    assert export.status_code == 200
    assert client.get("/rekonsiliasi/{}/tutup/".format(run.pk)).status_code == 200
    assert client.get("/rekonsiliasi/terakhir/").status_code == 302


def test_page_is_forbidden_without_the_reconcile_action(client, operator_desa):
    client.force_login(operator_desa)
    assert client.get("/rekonsiliasi/").status_code == 403


def test_another_users_run_is_a_404(client, bpjs_list, bpjs_user, kabupaten_user):
    from lindung.reconciliation import services

    run = services.reconcile(actor=bpjs_user, path=bpjs_list)
    client.force_login(kabupaten_user)
    assert client.get("/rekonsiliasi/{}/".format(run.pk)).status_code == 404
