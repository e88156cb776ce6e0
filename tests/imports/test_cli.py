from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from lindung.participants.models import Kepesertaan

from .helpers import HEADER, perangkat_row, write_csv

pytestmark = pytest.mark.django_db


def test_import_json_prints_the_interfaces_shape(tmp_path, capsys):
    rows = [perangkat_row(1), perangkat_row(2, nik="5.30104E+15")]
    out = tmp_path / "err.xlsx"
    call_command(
        "import_peserta",
        str(write_csv(tmp_path / "a.csv", rows)),
        kind="perangkat",
        json=True,
        errors=str(out),
    )
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "total": 2,
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "skipped": 0,
        "errors": [
            {"row": 3, "column": "No. NIK", "message": data["errors"][0]["message"]}
        ],
    }
    assert (
        CalamineWorkbook.from_path(str(out))
        .get_sheet_by_index(0)
        .to_python()[1][-2]
        .startswith("No. NIK:")
    )


def test_dry_run_and_region_options(tmp_path, capsys):
    call_command(
        "import_peserta",
        str(write_csv(tmp_path / "a.csv", [perangkat_row(1)])),
        kind="perangkat",
        json=True,
        dry_run=True,
        region="53.01",
    )
    assert (
        json.loads(capsys.readouterr().out)["inserted"] == 1
        and not Kepesertaan.objects.exists()
    )


def test_sumber_dana_option_fills_a_file_without_the_column(tmp_path, capsys):
    header = HEADER[:-1]
    path = write_csv(tmp_path / "a.csv", [perangkat_row(1)[:-1]], header)
    call_command(
        "import_peserta",
        str(path),
        "--kind",
        "perangkat",
        "--sumber-dana",
        "ADD",
        "--json",
    )
    assert json.loads(capsys.readouterr().out)["inserted"] == 1
    assert Kepesertaan.objects.get().sumber_dana == "add"


@pytest.mark.parametrize(
    "args",
    [
        ["/nope/missing.csv", "--kind", "perangkat"],
        ["{tmp}/a.csv", "--kind", "perangkat", "--region", "99.99"],
        ["{tmp}/a.csv", "--kind", "perangkat", "--user", "nobody"],
        ["{tmp}/a.csv", "--kind", "perangkat", "--sumber-dana", "arisan"],
    ],
)
def test_bad_input_is_a_command_error(tmp_path, args):
    write_csv(tmp_path / "a.csv", [perangkat_row(1)])
    with pytest.raises(CommandError):
        call_command("import_peserta", *[a.format(tmp=tmp_path) for a in args])


def test_unreadable_file_exits_non_zero_with_one_line_on_stderr(tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"bukan xlsx")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LINDUNG_DATA_DIR"] = str(tmp_path / "data")
    subprocess.run(
        [sys.executable, "-m", "lindung", "migrate", "-v0"],
        env=env,
        check=True,
        timeout=120,
    )
    cmd = [
        sys.executable,
        "-m",
        "lindung",
        "import",
        str(bad),
        "--kind",
        "perangkat",
        "--json",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    # docs/interfaces.md: a file refused whole still prints one JSON object {"error": …} and exits non-zero.
    assert done.returncode != 0 and list(json.loads(done.stdout)) == ["error"]
    assert "spreadsheet" in json.loads(done.stdout)["error"]
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_template_command_writes_an_xlsx(tmp_path):
    out = tmp_path / "t.xlsx"
    call_command("import_template", kind="rentan", out=str(out))
    assert (
        CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()[0][4]
        == "Pekerjaan"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["import", "x.csv", "--kind", "lain"],
        ["import", "--kind", "perangkat"],
        ["template", "--kind", "x"],
    ],
)
def test_argument_errors_are_one_line_on_stderr(args):
    done = subprocess.run(
        [sys.executable, "-m", "lindung", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
