"""Hypothesis: messy spreadsheets never crash the import and every row ends in exactly one outcome."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.imports import services
from tests.participants.factories import DESA_X, nik_for

from .helpers import HEADER, write_xlsx

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)

text_cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "5.30101E+15",
            "31/02/1968",
            "05/08/1968",
            "L",
            "P",
            "X",
            "Kaur Keuangan",
            "Kades",
            "ADD",
            "APBD",
            DESA_X,
            "53.71.01.1001",
            "Rp 2.022.200",
            "-",
        ]
    ),
)
cells = st.one_of(
    text_cells,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**16), 10**16),
    st.none(),
)


@st.composite
def messy_row(draw):
    valid = [
        nik_for(next(_seq) % 9000 + 1),
        "Nama",
        "05/08/1968",
        "L",
        "Kepala Dusun",
        "2022200",
        DESA_X,
        "ADD",
    ]
    row = [draw(st.one_of(st.just(v), cells)) for v in valid]
    return row[: draw(st.integers(0, len(row)))] if draw(st.booleans()) else row


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(messy_row(), min_size=0, max_size=25))
def test_every_row_of_a_messy_file_is_accounted_for(rows):
    with tempfile.TemporaryDirectory() as tmp:
        batch = services.run_import(
            actor=None,
            path=write_xlsx(Path(tmp) / "m.xlsx", rows, HEADER),
            kind="perangkat",
        )
    non_blank = sum(
        1
        for r in rows
        if any(
            c not in (None, "") and not (isinstance(c, str) and not c.strip())
            for c in r
        )
    )
    assert batch.state == "done"
    assert (
        batch.total
        == non_blank
        == batch.inserted + batch.updated + batch.unchanged + batch.rejected
    )
    assert {e["row"] for e in batch.errors} <= set(range(2, len(rows) + 2))
    assert len({e["row"] for e in batch.errors}) == batch.rejected
