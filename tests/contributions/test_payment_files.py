"""Issue 19, payment files people have: by the bill number on the bill or the payer's name and region, a template,
chunked writes with progress in the background, an XLSX error file, and a second import that changes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from python_calamine import CalamineWorkbook

from lindung.contributions import importer, services
from lindung.contributions.models import Pembayaran, PembayaranImport, Tagihan
from lindung.regions.models import Region

from .factories import DESA_X, make_kepesertaan

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bills():
    make_kepesertaan(sumber_dana="dana_desa")
    make_kepesertaan(kind="perangkat")
    services.run_billing(actor=None, period=JAN)
    return {b.segment: b for b in Tagihan.objects.select_related("payer")}


def _where() -> str:
    desa = Region.objects.get(code=DESA_X)
    return "{}, {}".format(desa.name, desa.parent.name)


def test_rows_name_the_bill_or_the_payer_and_region_and_a_second_import_changes_nothing(
    tmp_path, bills, bpjs_user
):
    bpu, pu = bills["bpu"], bills["pu"]
    path = tmp_path / "bayar.csv"
    path.write_text(
        "Nomor Tagihan;Pembayar;Wilayah;Periode;Jumlah;Tanggal Bayar;Referensi Bank\n"
        f"{bpu.number};;;;16.800;05-01-2025;TRX1\n"
        f";{pu.payer.name};{_where()};2025-01;Rp 10.920,00;06-01-2025;TRX2\n"
        f"{bpu.number};;;;16.800;05-01-2025;TRX1\n"
        f";Desa Entah;{_where()};2025-01;100;06-01-2025;TRX3\n"
        f";{pu.payer.name};Atlantis;2025-01;100;06-01-2025;TRX4\n"
        f"{bpu.number};;;;16800;05-01-2025;\n"
        f'=HYPERLINK("http://x");;;;1;05-01-2025;TRX5\n',
        encoding="utf-8",
    )
    result = services.import_payments(actor=bpjs_user, path=path)
    assert (result["total"], result["accepted"], result["rejected"]) == (7, 2, 5)
    assert [(e["row"], e["column"]) for e in result["errors"]] == [
        (4, "reference"),
        (5, "payer"),
        (6, "region"),
        (7, "reference"),
        (8, "bill"),
    ]
    assert "baris 2" in result["errors"][0]["message"]
    assert {p.status for p in Pembayaran.objects.all()} == {"dikonfirmasi"}
    for b in (bpu, pu):
        b.refresh_from_db()
        assert b.state == "paid"
    batch = PembayaranImport.objects.get()
    assert batch.state == "done" and batch.processed == 7
    # The error file: the refused rows' cells as text (a formula stays text), the reason and the row.
    sheet = CalamineWorkbook.from_path(
        str(importer.error_file_path(batch))
    ).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][-2:] == ["Kesalahan", "Baris"] and len(rows) == 6
    assert rows[-1][0] == '=HYPERLINK("http://x")'
    again = services.import_payments(actor=bpjs_user, path=path)
    assert again["accepted"] == 0 and Pembayaran.objects.count() == 2
    assert "sudah dipakai untuk pembayaran #" in again["errors"][0]["message"]


def test_rows_are_written_in_chunks_with_progress(tmp_path, bills, monkeypatch):
    from django.db import transaction

    bpu = bills["bpu"]
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    path = tmp_path / "bayar.csv"
    path.write_text(
        "Nomor Tagihan,Jumlah,Tanggal Bayar,Referensi Bank\n"
        + "".join(f"{bpu.number},1.000,05-01-2025,R{i}\n" for i in range(5))
    )
    opened = []
    real = transaction.atomic

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    # Only the importer's own transactions: one per chunk.
    monkeypatch.setattr(importer, "transaction", SimpleNamespace(atomic=counting))
    result = services.import_payments(actor=None, path=path)
    assert result["accepted"] == 5 and len(opened) == 3  # 5 rows in chunks of 2


def test_an_import_of_a_viewer_is_refused_before_the_file_is_read(
    tmp_path, viewer_user
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_payments(actor=viewer_user, path=tmp_path / "missing.csv")


def test_the_web_upload_runs_in_the_background_with_progress_and_errors(
    client, tmp_path, bills, bpjs_user
):
    bpu = bills["bpu"]
    client.force_login(bpjs_user)
    template = client.get("/iuran/rekonsiliasi/templat/")
    assert template.status_code == 200
    path = tmp_path / "templat.xlsx"
    path.write_bytes(b"".join(template.streaming_content))
    header = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[0]
    assert header == importer.TEMPLATE_HEADER
    upload = tmp_path / "bayar.csv"
    upload.write_text(
        "Nomor Tagihan,Jumlah,Tanggal Bayar,Referensi Bank\n"
        f"{bpu.number},16.800,05-01-2025,TRX1\nTIDAK-ADA,1,05-01-2025,TRX2\n"
    )
    with upload.open("rb") as fh:
        r = client.post("/iuran/rekonsiliasi/impor/", {"file": fh})
    batch = PembayaranImport.objects.get()
    assert r.status_code == 302 and r.url.endswith(f"/impor/{batch.pk}/")
    page = client.get(r.url).content.decode()
    assert "TIDAK-ADA" in page and batch.filename in page
    assert (
        batch.file.name.startswith("pembayaran/impor/")
        and "bayar.csv" not in batch.file.name
    )
    errors = client.get(f"/iuran/rekonsiliasi/impor/{batch.pk}/kesalahan/")
    assert errors.status_code == 200
    bpu.refresh_from_db()
    assert bpu.state == "paid"
