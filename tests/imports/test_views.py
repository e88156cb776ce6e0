from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.imports.models import ImportBatch
from lindung.participants.models import Kepesertaan

from .helpers import HEADER, perangkat_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def test_upload_preview_start_progress_and_error_download(
    client, operator_desa, tmp_path
):
    client.force_login(operator_desa)
    path = write_xlsx(
        tmp_path / "u.xlsx", [perangkat_row(1), perangkat_row(2, wage="?")]
    )
    upload = SimpleUploadedFile("data desa.xlsx", path.read_bytes())
    preview = client.post(
        reverse("imports:upload"), {"file": upload, "kind": "perangkat"}
    )
    body = preview.content.decode()
    assert preview.status_code == 200 and "No. NIK" in body and "Orang 1" in body
    batch = ImportBatch.objects.get()
    started = client.post(
        reverse("imports:start", args=[batch.pk])
    )  # ImmediateBackend: runs inline
    assert started.status_code == 302
    batch.refresh_from_db()
    assert (batch.state, batch.inserted, batch.rejected) == (
        "done",
        1,
        1,
    ) and Kepesertaan.objects.count() == 1
    fragment = client.get(
        reverse("imports:batch", args=[batch.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert (
        "hx-trigger" not in fragment
        and "Jenis Kelamin" not in fragment
        or "L/P" in fragment
    )
    download = client.get(reverse("imports:errors", args=[batch.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith(
        "attachment"
    )


def test_the_upload_form_carries_a_funding_source_for_blank_rows_to_the_job(
    client, operator_desa, tmp_path
):
    client.force_login(operator_desa)
    path = write_csv(tmp_path / "u.csv", [perangkat_row(1)[:-1]], HEADER[:-1])
    client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile("u.csv", path.read_bytes()),
            "kind": "perangkat",
            "sumber_dana": "add",
        },
    )
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:start", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.state, batch.inserted, batch.warnings) == ("done", 1, 0)
    assert Kepesertaan.objects.get().sumber_dana == "add"
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "Alokasi Dana Desa (ADD)" in page


def test_unfinished_batch_polls_with_htmx(client, operator_desa):
    batch = ImportBatch.objects.create(
        kind="perangkat",
        filename="x.csv",
        actor=operator_desa,
        state="running",
        total=10,
        processed=5,
    )
    client.force_login(operator_desa)
    body = client.get(
        reverse("imports:batch", args=[batch.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in body and "width:50%" in body


def test_missing_columns_are_shown_before_starting(client, operator_desa, tmp_path):
    client.force_login(operator_desa)
    path = write_csv(tmp_path / "m.csv", [["1"]], header=["NIK"])
    body = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("m.csv", path.read_bytes()), "kind": "perangkat"},
    ).content.decode()
    assert (
        "Nama" in body
        and reverse("imports:start", args=[ImportBatch.objects.get().pk]) not in body
    )


def test_other_users_batches_are_404_and_viewers_cannot_upload(
    client, operator_desa, operator_desa_y, viewer_user
):
    batch = ImportBatch.objects.create(
        kind="perangkat", filename="x.csv", actor=operator_desa
    )
    client.force_login(operator_desa_y)
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 404
    client.force_login(viewer_user)
    assert client.get(reverse("imports:upload")).status_code == 403


@pytest.mark.parametrize(
    "kind,column", [("perangkat", "Jabatan"), ("rentan", "Pekerjaan")]
)
def test_template_download(client, operator_desa, kind, column):
    client.force_login(operator_desa)
    response = client.get(reverse("imports:template"), {"kind": kind})
    assert (
        response.status_code == 200
        and b"".join(response.streaming_content)[:2] == b"PK"
    )


def test_the_import_list_pages_filters_and_downloads_what_the_user_may_follow(
    client, operator_desa, operator_desa_y, kabupaten_user
):
    from lindung.accounts.models import AuditEvent
    from tests.conftest import DESA_X, DESA_Y

    ImportBatch.objects.create(
        kind="perangkat", filename="x.csv", actor=operator_desa, region_id=DESA_X
    )
    ImportBatch.objects.create(
        kind="rentan",
        filename="y.csv",
        actor=operator_desa_y,
        region_id=DESA_Y,
        state="done",
    )
    ImportBatch.objects.create(kind="perangkat", filename="tanpa-wilayah.csv")
    client.force_login(
        kabupaten_user
    )  # Kab. Kupang: follows its villages' imports, not Sumba Barat Daya's
    body = client.get(reverse("imports:list")).content.decode()
    assert "x.csv" in body and "y.csv" not in body and "tanpa-wilayah" not in body
    client.force_login(operator_desa_y)
    assert "y.csv" in client.get(reverse("imports:list")).content.decode()
    assert "y.csv" not in (
        client.get(reverse("imports:list"), {"state": "pending"}).content.decode()
    )
    r = client.get(reverse("imports:list"), {"state": "done", "format": "csv"})
    lines = b"".join(r.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert (
        len(lines) == 2 and lines[0].startswith("Nomor;Berkas") and "y.csv" in lines[1]
    )
    assert (
        AuditEvent.objects.filter(action="export", model="imports.ImportBatch").count()
        == 1
    )


def test_only_its_uploader_starts_a_previewed_import(
    client, operator_desa, kabupaten_user
):
    from tests.conftest import DESA_X

    batch = ImportBatch.objects.create(
        kind="perangkat", filename="x.csv", actor=operator_desa, region_id=DESA_X
    )
    client.force_login(kabupaten_user)
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 200
    assert client.post(reverse("imports:start", args=[batch.pk])).status_code == 404
