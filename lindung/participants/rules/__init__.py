"""Pure rules for the participant registry and its import: no ORM, no request.

One row of a spreadsheet and one submitted form go through the same ``clean_row`` and ``decide``, so the web form,
the API and ``lindung import`` accept and refuse exactly the same data. Messages are Indonesian (shown to operators).

columns.py (header aliases) · cells.py (cell parsers) · villages.py (village resolution) · rows.py (row → record,
record against the registry).
"""

from .cells import (
    MAX_MONEY,
    parse_birth_date,
    parse_bool,
    parse_jabatan,
    parse_kpj,
    parse_money,
    parse_pekerjaan,
    parse_phone_cell,
    parse_risk_group,
    parse_sex,
    parse_sumber_dana,
)
from .columns import (
    HEADER_ALIASES,
    LABELS,
    MEMBERSHIP_FIELDS,
    PESERTA_FIELDS,
    REQUIRED_COLUMNS,
    ColumnMap,
    header_score,
    map_header,
    memo,
    normalize_text,
)
from .rows import (
    FUNDING_MISSING,
    Decision,
    Existing,
    Record,
    RowCleaner,
    RowResult,
    clean_row,
    decide,
    membership_values,
    single_holder_conflict,
)
from .villages import (
    DESA_TYPES,
    Village,
    VillageError,
    VillageIndex,
    normalize_region_code,
    strip_desa_prefix,
)

__all__ = [
    "DESA_TYPES",
    "FUNDING_MISSING",
    "HEADER_ALIASES",
    "LABELS",
    "MAX_MONEY",
    "MEMBERSHIP_FIELDS",
    "PESERTA_FIELDS",
    "REQUIRED_COLUMNS",
    "ColumnMap",
    "Decision",
    "Existing",
    "Record",
    "RowCleaner",
    "RowResult",
    "Village",
    "VillageError",
    "VillageIndex",
    "clean_row",
    "decide",
    "header_score",
    "map_header",
    "membership_values",
    "memo",
    "normalize_region_code",
    "normalize_text",
    "parse_birth_date",
    "parse_bool",
    "parse_jabatan",
    "parse_kpj",
    "parse_money",
    "parse_pekerjaan",
    "parse_phone_cell",
    "parse_risk_group",
    "parse_sex",
    "parse_sumber_dana",
    "single_holder_conflict",
    "strip_desa_prefix",
]
