"""The commands' help is in the same language as ``lindung --help`` (issue 21), not Django's English argparse text."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("command", ["demo", "serve", "import", "report", "billing"])
def test_command_help_is_indonesian_like_the_main_help(command, tmp_path):
    env = {**os.environ, "LINDUNG_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    main = subprocess.run(
        [sys.executable, "-m", "lindung", "--help"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert main.stdout.startswith("Pemakaian:")
    out = subprocess.run(
        [sys.executable, "-m", "lindung", command, "--help"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Pemakaian: lindung")
    assert "tampilkan bantuan ini lalu keluar" in out.stdout
    assert (
        "show this help message" not in out.stdout and "--traceback" not in out.stdout
    )
