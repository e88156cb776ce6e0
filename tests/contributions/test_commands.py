"""The ``lindung iuran|billing|payments|budget`` commands: JSON output and one-line errors for bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.contributions import services
from lindung.contributions.models import Pembayaran, Tagihan

from .factories import make_kepesertaan, record

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_iuran_quote_one_case_and_array(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(
        json.dumps(
            {
                "segment": "bpu",
                "wage": 1_000_000,
                "period": "2026-04",
                "programmes": ["jkk", "jkm"],
            }
        )
    )
    assert (
        json.loads(run("iuran", "quote", "--input", str(one), "--json"))["total"]
        == 8_400
    )
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps(
            [
                {
                    "segment": "pu",
                    "wage": 12_000_000,
                    "period": "2024-04",
                    "programmes": ["jp"],
                },
                {
                    "segment": "bpu",
                    "wage": 2_000_000,
                    "period": "2025-01",
                    "programmes": ["jkk", "jkm", "jht"],
                },
            ]
        )
    )
    assert [
        r["total"]
        for r in json.loads(run("iuran", "quote", "--input", str(many), "--json"))
    ] == [301_269, 66_800]
    assert "Periode 2024-04" in run("iuran", "quote", "--input", str(many))


@pytest.mark.parametrize(
    "content",
    [
        "{",
        json.dumps({"segment": "pu", "period": "2025-01", "programmes": ["jkk"]}),
        json.dumps([{"segment": "zz"}]),
    ],
)
def test_iuran_quote_bad_input_is_one_line(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError) as exc:
        run("iuran", "quote", "--input", str(path), "--json")
    assert "\n" not in str(exc.value)
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("iuran", "quote", "--input", str(tmp_path / "missing.json"))


def test_billing_run_and_payments_commands(tmp_path):
    k = make_kepesertaan(sumber_dana="dana_desa")
    result = json.loads(run("billing", "run", "--period", "2025-01", "--json"))
    assert result["lines"] == 1 and result["bills"] == 1
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("billing", "run", "--period", "januari")
    with pytest.raises(CommandError, match="wilayah"):
        run("billing", "run", "--period", "2025-01", "--region", "99")
    payer = services.payer_for_kepesertaan(k)
    out = json.loads(
        run(
            "payments",
            "record",
            "--payer",
            payer.code,
            "--amount",
            "20000",
            "--date",
            "2025-01-05",
            "--reference",
            "TRX-CLI-1",
            "--confirm",
            "--json",
        )
    )
    assert out["unallocated"] == 20_000 - 16_800
    with pytest.raises(CommandError):
        run(
            "payments",
            "record",
            "--payer",
            "nope",
            "--amount",
            "1",
            "--date",
            "2025-01-05",
            "--reference",
            "X",
        )
    with pytest.raises(CommandError, match="Tanggal"):
        run(
            "payments",
            "record",
            "--payer",
            payer.code,
            "--amount",
            "1",
            "--date",
            "05/01/2025",
            "--reference",
            "X",
        )


def test_payments_import_reports_rows_in_indonesian(tmp_path):
    k = make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    services.run_billing(actor=None, period=dt.date(2025, 2, 1))
    payer = services.payer_for_kepesertaan(k)
    feb = Tagihan.objects.get(period=dt.date(2025, 2, 1)).number
    path = tmp_path / "bayar.csv"
    path.write_text(
        "payer,period,bill,amount,date,reference\n"
        f"{payer.code},2025-01,,16800,2025-01-10,TRX1\n"
        f",,{feb},16800,2025-02-10,TRX2\n"
        f"{payer.code},2025-03,,16800,2025-03-10,TRX3\n"
        f"tidak-ada,2025-01,,100,2025-01-10,TRX4\n"
        f"{payer.code},2025-01,,abc,2025-01-10,TRX5\n"
        f"{payer.code},2025-01,,100,10 Jan,TRX6\n"
    )
    result = json.loads(run("payments", "import", str(path), "--json"))
    assert (result["total"], result["accepted"], result["rejected"]) == (6, 2, 4)
    assert [(e["row"], e["column"]) for e in result["errors"]] == [
        (4, "period"),
        (5, "payer"),
        (6, "amount"),
        (7, "date"),
    ]
    assert all(e["message"] for e in result["errors"])
    again = json.loads(run("payments", "import", str(path), "--json"))
    assert (
        again["accepted"] == 0
        and "sudah dipakai untuk pembayaran #" in again["errors"][0]["message"]
    )
    assert Pembayaran.objects.count() == 2 and services.coverage_on(
        k, dt.date(2025, 2, 10)
    )


def test_payments_import_xlsx(tmp_path):
    import xlsxwriter

    k = make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    path = tmp_path / "bayar.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Pembayar", "Periode", "Jumlah", "Tanggal", "Referensi"])
    sheet.write_row(1, 0, [services.payer_for_kepesertaan(k).code, "2025-01", 16800])
    sheet.write_datetime(
        1, 3, dt.datetime(2025, 1, 9), book.add_format({"num_format": "yyyy-mm-dd"})
    )
    sheet.write(1, 4, "BANK-1")
    book.close()
    result = json.loads(run("payments", "import", str(path), "--json"))
    assert result["accepted"] == 1, result


def test_budget_command_formats(tmp_path):
    make_kepesertaan(kind="perangkat")
    rows = json.loads(run("budget", "--year", "2025", "--format", "json"))
    assert {r["annual"] for r in rows} == {10_920 * 12}
    out = tmp_path / "b.xlsx"
    run(
        "budget",
        "--year",
        "2025",
        "--region",
        "53.01",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert out.read_bytes()[:2] == b"PK"
    out_csv = tmp_path / "b.csv"
    run("budget", "--year", "2025", "--format", "csv", "--out", str(out_csv))
    assert "annual" in out_csv.read_text(encoding="utf-8-sig").splitlines()[0]
    with pytest.raises(CommandError, match="Tahun"):
        run("budget", "--year", "dua")
    with pytest.raises(CommandError, match="xlsx"):
        run("budget", "--year", "2025", "--format", "xlsx")


def test_iuran_status_command():
    k = make_kepesertaan()
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    record(
        actor=None,
        payer=services.payer_for_kepesertaan(k),
        amount=16_800,
        paid_at=dt.date(2025, 1, 3),
    )
    assert (
        json.loads(run("iuran", "status", "--as-of", "2025-01-20", "--json"))["aktif"]
        == 1
    )


def test_payments_import_passes_title_lines_and_keeps_the_files_row_numbers(tmp_path):
    k = make_kepesertaan(sumber_dana="dana_desa")
    services.run_billing(actor=None, period=dt.date(2025, 1, 1))
    payer = services.payer_for_kepesertaan(k)
    path = tmp_path / "bayar.csv"
    path.write_text(
        "REKAP SETORAN IURAN JANUARI 2025\n"
        "\n"
        "Pembayar;Periode;Jumlah;Tanggal;Referensi\n"
        "\n"
        f"{payer.code};2025-01;16800;2025-01-10;TRX1\n"
        f"{payer.code};2025-01;abc;2025-01-10;TRX2\n"
    )
    result = json.loads(run("payments", "import", str(path), "--json"))
    assert (result["total"], result["accepted"], result["rejected"]) == (2, 1, 1)
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(6, "amount")]
