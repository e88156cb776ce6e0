"""Hardening: login throttling, security headers, backup/restore round trip with checksums."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from lindung.common import backup
from tests.conftest import PASSWORD, make_user
from tests.participants.factories import make_kepesertaan

pytestmark = pytest.mark.django_db


def test_login_is_throttled_after_five_failures(client):
    user = make_user("desa", ["53.01.04.2003"])
    for _ in range(5):
        resp = client.post(
            "/accounts/login/",
            {"username": user.username, "password": "salah-salah-salah"},
        )
        assert resp.status_code in (200, 429)
    # Even the right password is refused while the lock holds.
    resp = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}
    )
    assert resp.status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_password_logs_in(client):
    user = make_user("desa", ["53.01.04.2003"])
    resp = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}
    )
    assert resp.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_pages_send_security_headers(client):
    resp = client.get("/accounts/login/")
    assert "default-src 'self'" in resp["Content-Security-Policy"]
    assert "script-src 'self';" in resp["Content-Security-Policy"]
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Language"] == "id"


def test_pages_require_login(client):
    for url in ("/", "/peserta/", "/iuran/", "/klaim/", "/laporan/rakor/", "/pks/"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], url
    assert client.get("/api/v1/participants/").status_code == 401


def test_backup_restore_round_trip_keeps_every_table(tmp_path):
    from lindung.contributions.services import record_payment, run_billing

    member = make_kepesertaan(name="Agnes Cadangan")
    period = dt.date.today().replace(day=1)
    run_billing(actor=None, period=period)
    from lindung.contributions.models import Tagihan

    bill = Tagihan.objects.get(lines__kepesertaan=member)
    record_payment(
        actor=None,
        payer=bill.payer,
        amount=bill.total,
        paid_at=dt.date.today(),
        reference="TRX-CADANGAN",
    )
    before = backup.table_checksums()
    path = tmp_path / "cadangan.json.gz"
    call_command("backup", str(path))
    # Damage the data, then restore.
    member.peserta.name = "Rusak"
    member.peserta.save()
    assert backup.table_checksums() != before
    call_command("restore", str(path), "--yes")
    assert backup.table_checksums() == before
    member.peserta.refresh_from_db()
    assert member.peserta.name == "Agnes Cadangan"


def test_zip_bomb_and_renamed_program_are_refused(tmp_path):
    import zipfile

    from lindung.common.spreadsheet import SpreadsheetError, read_table

    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(SpreadsheetError, match="zip bomb"):
        read_table(bomb)
    exe = tmp_path / "daftar.xlsx"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(SpreadsheetError, match="bukan spreadsheet"):
        read_table(exe)
    csv_exe = tmp_path / "daftar.csv"
    csv_exe.write_bytes(b"\x7fELF" + b"\x00" * 200)
    with pytest.raises(SpreadsheetError, match="program"):
        read_table(csv_exe)


def test_cli_import_of_a_renamed_program_fails_with_one_line(tmp_path, capsys):
    from django.core.management.base import CommandError

    exe = tmp_path / "daftar.xlsx"
    exe.write_bytes(b"MZ" + b"\x00" * 100)
    with pytest.raises(CommandError) as err:
        call_command("import_peserta", str(exe), "--kind", "perangkat", "--json")
    assert "\n" not in str(err.value) and "spreadsheet" in str(err.value)
