"""Load the benefit tables, scholarship rates and document checklist (docs/regulations.md §2) as data rows."""

from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from lindung.claims import seed

    seed.load(
        apps.get_model("claims", "BenefitTable"),
        apps.get_model("claims", "ScholarshipRate"),
        apps.get_model("claims", "DocumentRequirement"),
    )


def unload(apps, schema_editor):
    for name in ("BenefitTable", "ScholarshipRate", "DocumentRequirement"):
        apps.get_model("claims", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
