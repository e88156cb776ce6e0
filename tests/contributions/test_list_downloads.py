"""Lists you can work with (issue 21): the bill list pages instead of silently stopping at 300, and downloads every
filtered bill as CSV or XLSX (audited)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.accounts.models import AuditEvent
from lindung.contributions import services

from .factories import make_kepesertaan

pytestmark = pytest.mark.django_db


def test_the_bill_list_pages_and_downloads_every_filtered_bill(client, bpjs_user):
    make_kepesertaan()
    for month in range(1, 8):
        services.run_billing(actor=None, period=dt.date(2025, month, 1))
    client.force_login(bpjs_user)
    page = client.get(reverse("contributions:bills") + "?size=50")
    body = page.content.decode()
    assert page.status_code == 200 and "7 " in body and 'class="pager"' in body
    r = client.get(reverse("contributions:bills") + "?format=xlsx")
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(sheet) == 1 + 7 and sheet[0][0] == "Nomor Tagihan"
    r = client.get(reverse("contributions:bills") + "?period=2025-03&format=csv")
    text = b"".join(r.streaming_content).decode("utf-8")
    assert (
        text.startswith("\ufeff")
        and len(text.strip().splitlines()) == 2
        and "2025-03" in text
    )
    assert (
        AuditEvent.objects.filter(
            action="export", model="contributions.Tagihan"
        ).count()
        == 2
    )


def test_the_budget_opens_on_the_users_region_and_next_year_with_labels(
    client, operator_desa
):
    make_kepesertaan()
    client.force_login(operator_desa)
    page = client.get(reverse("contributions:budget"))
    body = page.content.decode()
    year = dt.date.today().year + 1
    assert page.status_code == 200 and str(year) in body
    assert "Bokonusan" in body  # computed at once for the operator's own desa
    assert "<td>self</td>" not in body and "<td>add</td>" not in body
    csv_text = client.get(
        reverse("contributions:budget") + f"?year={year}&format=csv"
    ).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].count(";") >= 5


def test_the_payment_list_pages_and_downloads_the_filtered_payments(
    client, bpjs_user, operator_desa, operator_desa_y, settings, tmp_path
):
    from lindung.contributions.models import Tagihan

    from .test_payments import proof

    settings.MEDIA_ROOT = tmp_path
    make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    bill = Tagihan.objects.get()
    for n in range(3):
        services.report_payment(
            actor=operator_desa,
            payer=bill.payer,
            amount=16_800,
            paid_at=dt.date(2025, 1, 5),
            reference=f"TRX-{n}",
            tagihan=bill,
            proof=proof(),
            confirm=True,
        )
    client.force_login(operator_desa)
    page = client.get(reverse("contributions:payments"), {"size": 50})
    assert page.status_code == 200 and 'class="pager"' in page.content.decode()
    r = client.get(
        reverse("contributions:payments"), {"status": "menunggu", "format": "xlsx"}
    )
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(sheet) == 1 + 3 and sheet[0][:2] == ["Nomor", "Pembayar"]
    client.force_login(operator_desa_y)  # another village's operator: none of them
    r = client.get(reverse("contributions:payments"), {"format": "csv"})
    assert (
        len(b"".join(r.streaming_content).decode("utf-8-sig").strip().splitlines()) == 1
    )
    assert (
        AuditEvent.objects.filter(
            action="export", model="contributions.Pembayaran"
        ).count()
        == 2
    )


def test_a_very_large_xlsx_is_built_in_the_background_with_its_progress(
    client, bpjs_user, kabupaten_user, monkeypatch, settings, tmp_path
):
    from lindung.common import exports
    from lindung.common.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exports, "MAX_XLSX_ROWS", 3)
    make_kepesertaan()
    for month in range(1, 8):
        services.run_billing(actor=None, period=dt.date(2025, month, 1))
    client.force_login(bpjs_user)
    r = client.get(reverse("contributions:bills"), {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "export_job", args=[job.pk]
    )
    page = client.get(r["Location"]).content.decode()
    assert job.user == bpjs_user and 'id="export-file"' in page  # built inline in tests
    file = client.get(reverse("export_file", args=[job.pk]))
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(file.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(sheet) == 1 + 7 and sheet[0][0] == "Nomor Tagihan"
    audit = AuditEvent.objects.get(action="export", model="contributions.Tagihan")
    assert audit.changes["background"] == job.pk and audit.changes["rows"] == 7
    # Only its requester sees it.
    client.force_login(kabupaten_user)
    assert client.get(reverse("export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("export_file", args=[job.pk])).status_code == 404
    # A CSV of any size is streamed at once.
    client.force_login(bpjs_user)
    r = client.get(reverse("contributions:bills"), {"format": "csv"})
    assert r.status_code == 200 and ExportJob.objects.count() == 1
