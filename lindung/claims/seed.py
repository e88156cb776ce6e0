"""Load data/benefit_tables.json into the benefit tables. Used by migration 0002 (with historical models) and by
tests after a flush. Takes the model classes so it never imports the app's models itself."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "benefit_tables.json"


def read() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def load(benefit_table, scholarship_rate, document_requirement) -> None:
    """Insert or update every row of the JSON file (keyed by code/level/event + valid_from)."""
    data = read()
    for row in data["benefits"]:
        benefit_table.objects.update_or_create(
            code=row["code"],
            valid_from=row["valid_from"],
            defaults={
                k: row[k]
                for k in (
                    "unit",
                    "value",
                    "valid_to",
                    "label",
                    "basis",
                    "confirmed",
                    "source",
                )
            },
        )
    for row in data["scholarship_levels"]:
        scholarship_rate.objects.update_or_create(
            level=row["level"],
            valid_from=row["valid_from"],
            defaults={
                k: row[k]
                for k in (
                    "order",
                    "amount",
                    "max_years",
                    "valid_to",
                    "basis",
                    "confirmed",
                    "source",
                )
            },
        )
    for row in data["documents"]:
        document_requirement.objects.update_or_create(
            event=row["event"],
            code=row["code"],
            defaults={
                "label": row["label"],
                "required": row["required"],
                "order": row["order"],
            },
        )
