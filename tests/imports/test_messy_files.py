"""Hypothesis: messy spreadsheets never crash the import and every row ends in exactly one outcome."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.common.spreadsheet import cell_text
from lindung.imports import services
from lindung.participants.rules.layout import _is_footer_text
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


def _person_rows(rows) -> int:
    """Non-blank rows that are not a signature block or footer (participants.rules.layout.RowFilter: a row whose
    every text is a footer or signature line, "KADES" alone, ends the people; after it only a row with a NIK is
    one)."""
    count, in_footer = 0, False
    for r in rows:
        texts = [
            cell_text(c)
            for c in r
            if c not in (None, "") and not (isinstance(c, str) and not c.strip())
        ]
        if not texts:
            continue
        nik = cell_text(r[0]) if r else ""
        if type(r[0] if r else None) is str and len(nik) >= 10 and nik[:2].isdigit():
            count += 1
        elif all(_is_footer_text(t) for t in texts):
            in_footer = True
        elif not in_footer or sum(ch.isdigit() for ch in nik) >= 10:
            count += 1
    return count


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
    non_blank = _person_rows(rows)
    assert batch.state == "done"
    assert (
        batch.total
        == non_blank
        == batch.inserted + batch.updated + batch.unchanged + batch.rejected
    )
    assert {e["row"] for e in batch.errors} <= set(range(2, len(rows) + 2))
    assert len({e["row"] for e in batch.errors}) == batch.rejected
