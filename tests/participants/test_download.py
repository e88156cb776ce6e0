"""Lists you can work with (issue 21): the participant list downloads with exactly the filtered rows, as CSV for
Indonesian Excel or XLSX, NIK masked unless the user unmasks (audited)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.accounts.models import AuditEvent

from .factories import make_kepesertaan, nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(operator_desa):
    return [
        make_kepesertaan(
            operator_desa, serial=i, nik=nik_for(i), name="Orang {}".format(i)
        )
        for i in range(1, 8)
    ] + [
        make_kepesertaan(
            operator_desa,
            serial=20,
            nik=nik_for(20),
            name="Lain Sendiri",
            kind="rentan",
        )
    ]


def test_the_csv_has_exactly_the_filtered_rows_masked_and_is_audited(
    client, operator_desa, people
):
    client.force_login(operator_desa)
    r = client.get(reverse("participants:download") + "?q=Orang&format=csv")
    text = b"".join(r.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff") and r["Content-Type"].startswith("text/csv")
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("NIK;Nama;") and len(lines) == 1 + 7
    assert "Lain Sendiri" not in text
    for k in people[:7]:
        assert k.peserta.nik not in text and k.peserta.nik[:6] + "•" in text
    event = AuditEvent.objects.get(action="export", model="participants.Kepesertaan")
    assert event.changes == {"rows": 7, "format": "csv", "nik_unmasked": False}


def test_the_xlsx_with_full_nik_is_for_roles_that_unmask_and_is_audited(
    client, operator_desa, viewer_user, people
):
    client.force_login(operator_desa)
    r = client.get(reverse("participants:download") + "?format=xlsx&unmask=1")
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(sheet) == 1 + 8 and {row[0] for row in sheet[1:]} == {
        k.peserta.nik for k in people
    }
    assert AuditEvent.objects.get(action="export").changes["nik_unmasked"] is True
    client.force_login(viewer_user)  # a viewer may not unmask: the NIK stays masked
    r = client.get(reverse("participants:download") + "?format=xlsx&unmask=1")
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert all("•" in row[0] for row in sheet[1:])
