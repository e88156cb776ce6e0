import datetime as dt
from decimal import Decimal

from django.db import migrations

KEY = "ambang_desa_terlindungi"


def load(apps, schema_editor):
    """Issue #18: the share of a regency's desa that must have a protected official before the regency is
    "terlindungi" (below it, and with anyone protected, it is "sebagian"). Why 0.80 of all desa: docs/reports.md."""
    ReportSetting = apps.get_model("agreements", "ReportSetting")
    ReportSetting.objects.get_or_create(
        key=KEY,
        valid_from=dt.date(2015, 1, 1),
        defaults={
            "value": Decimal("0.80"),
            "confirmed": False,
            "source": "Kebijakan laporan rakor (bukan angka peraturan): 80% dari seluruh desa memiliki perangkat "
            "terlindungi bulan ini; lihat docs/reports.md",
        },
    )


def unload(apps, schema_editor):
    ReportSetting = apps.get_model("agreements", "ReportSetting")
    ReportSetting.objects.filter(key=KEY, valid_from=dt.date(2015, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_default_settings")]
    operations = [migrations.RunPython(load, unload)]
