"""Personal data held as the law expects (issue 20): files only their owner can read, sheets and error files
deleted after the retention period (previews never started after a day), downloads audited, passwords validated."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import AuditEvent
from lindung.accounts.services import create_user
from lindung.imports import services
from lindung.imports.models import ImportBatch
from tests.imports.helpers import perangkat_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_files_the_app_writes_are_readable_by_their_owner_only(
    client, operator_desa, tmp_path
):
    client.force_login(operator_desa)
    path = write_xlsx(
        tmp_path / "u.xlsx", [perangkat_row(1), perangkat_row(2, wage="?")]
    )
    client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("u.xlsx", path.read_bytes()), "kind": "perangkat"},
    )
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:start", args=[batch.pk]))
    batch.refresh_from_db()
    media = Path(settings.MEDIA_ROOT)
    for relative in (batch.file.name, batch.error_file.name):
        assert _private(media / relative), relative
        assert _private((media / relative).parent)
    assert (
        os.umask(0o077) == 0o077
    )  # the process keeps the private umask the settings set


def test_a_new_data_folder_and_its_database_are_private(tmp_path):
    import subprocess
    import sys

    data = tmp_path / "data"
    env = {**os.environ, "LINDUNG_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "lindung", "migrate", "-v0"],
        env=env,
        check=True,
        timeout=300,
    )
    created = [data, *data.rglob("*")]
    assert any("sqlite" in p.name for p in created)
    for path in created:
        assert _private(path), path


def test_an_error_file_download_is_audited(client, operator_desa, tmp_path):
    batch = services.run_import(
        actor=operator_desa,
        path=write_csv(tmp_path / "e.csv", [perangkat_row(1, wage="?")]),
        kind="perangkat",
    )
    client.force_login(operator_desa)
    assert client.get(reverse("imports:errors", args=[batch.pk])).status_code == 200
    event = AuditEvent.objects.get(action="export", model="imports.ImportBatch")
    assert event.actor == operator_desa and str(batch.pk) in event.note


def test_old_sheets_and_error_files_are_deleted_and_unstarted_previews_expire(
    tmp_path, operator_desa
):
    media = Path(settings.MEDIA_ROOT)
    old = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "o.csv", [perangkat_row(1, wage="?")]),
        kind="perangkat",
    )
    (media / "imports/uploads").mkdir(parents=True, exist_ok=True)
    upload = media / "imports/uploads/impor_lama.csv"
    upload.write_text("NIK\n")
    old.file.name = "imports/uploads/impor_lama.csv"
    old.save()
    error_file = services.error_file_path(old)
    preview = ImportBatch.objects.create(
        kind="perangkat", filename="p.csv", actor=operator_desa
    )
    now = timezone.now()
    long_ago = now - dt.timedelta(days=settings.LINDUNG_FILE_RETENTION_DAYS + 1)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=long_ago)
    ImportBatch.objects.filter(pk=preview.pk).update(
        created_at=now - dt.timedelta(days=2)
    )
    fresh = services.run_import(
        actor=None,
        path=write_csv(tmp_path / "n.csv", [perangkat_row(2, wage="?")]),
        kind="perangkat",
    )
    assert services.purge_expired(now) == {"previews_expired": 1, "files_deleted": 1}
    assert not upload.exists() and not error_file.exists()
    old.refresh_from_db()
    preview.refresh_from_db()
    assert (old.file.name, old.error_file.name, old.rejected) == ("", "", 1)
    assert (
        preview.state == ImportBatch.State.FAILED and "kedaluwarsa" in preview.message
    )
    assert services.error_file_path(fresh).exists()  # within the retention period


def test_passwords_are_validated_on_every_path():
    with pytest.raises(ValidationError):
        create_user(username="ani", password="1", role="bpjs")
    with pytest.raises(CommandError):
        call_command("createuser", "ani", "--password", "12345678", "--role", "bpjs")
    assert create_user(
        username="ani", password="bukan-sandi-mudah-2026", role="bpjs"
    ).check_password("bukan-sandi-mudah-2026")


def test_backups_carry_the_media_files_and_can_be_encrypted(tmp_path, monkeypatch):
    from lindung.common import backup
    from tests.participants.factories import make_kepesertaan

    make_kepesertaan(name="Agnes Cadangan")
    document = Path(settings.MEDIA_ROOT) / "claims/docs/akta_kematian.pdf"
    document.parent.mkdir(parents=True, exist_ok=True)
    document.write_bytes(b"%PDF-1.4 akta")
    before = backup.table_checksums()
    phrase = tmp_path / "frasa.txt"
    phrase.write_text("frasa sandi panjang cadangan 2026")
    out = tmp_path / "cadangan.tar.gz.enc"
    call_command("backup", str(out), "--passphrase-file", str(phrase))
    assert _private(out)
    raw = out.read_bytes()
    assert (
        raw.startswith(backup.ENCRYPTED) and b"Agnes" not in raw and b"akta" not in raw
    )
    document.unlink()
    with pytest.raises(CommandError, match="terenkripsi"):
        call_command("restore", str(out), "--yes")
    monkeypatch.setenv("LINDUNG_BACKUP_PASSPHRASE", "salah")
    with pytest.raises(CommandError, match="Frasa sandi salah"):
        call_command("restore", str(out), "--yes")
    monkeypatch.setenv("LINDUNG_BACKUP_PASSPHRASE", "frasa sandi panjang cadangan 2026")
    call_command("restore", str(out), "--yes")
    assert document.read_bytes() == b"%PDF-1.4 akta" and _private(document)
    assert backup.table_checksums() == before


def test_bill_pdfs_are_audited(client, bpjs_user):
    from lindung.contributions import services as contributions
    from lindung.contributions.models import Tagihan
    from tests.contributions.factories import make_kepesertaan as make_member

    make_member()
    contributions.run_billing(actor=None, period=dt.date(2025, 1, 1))
    bill = Tagihan.objects.get()
    client.force_login(bpjs_user)
    assert (
        client.get(reverse("contributions:bill_pdf", args=[bill.number])).status_code
        == 200
    )
    event = AuditEvent.objects.get(action="export", model="contributions.Tagihan")
    assert event.actor == bpjs_user and bill.number in event.note
