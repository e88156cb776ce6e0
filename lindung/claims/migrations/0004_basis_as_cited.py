"""The legal basis of a benefit row as a person cites it: research marks ("pasal UNCERTAIN") move to the source,
which only administrators see (issue 21)."""

from django.db import migrations

FIXES = {
    "PP 44/2015 jo. PP 82/2019 (pasal UNCERTAIN)": (
        "PP 44/2015 jo. PP 82/2019",
        " (article number UNCERTAIN)",
    ),
    "PP 44/2015 (pasal UNCERTAIN); penggantian oleh BPJS UNCERTAIN": (
        "PP 44/2015",
        " (article number and the reimbursement by BPJS UNCERTAIN)",
    ),
}


def forwards(apps, schema_editor):
    BenefitTable = apps.get_model("claims", "BenefitTable")
    for old, (basis, note) in FIXES.items():
        for row in BenefitTable.objects.filter(basis=old):
            row.basis, row.source = basis, (row.source + note)[:2000]
            row.save(update_fields=["basis", "source"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_two_person_decision")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
