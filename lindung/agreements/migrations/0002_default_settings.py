import datetime as dt
from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):
    ReportSetting = apps.get_model("agreements", "ReportSetting")
    ReportSetting.objects.get_or_create(
        key="perangkat_positions_per_desa",
        valid_from=dt.date(2015, 1, 1),
        defaults={
            "value": Decimal("9"),
            "confirmed": False,
            "source": "Permendagri 84/2015: kepala desa, sekretaris desa, 3 kaur, 3 kasi, min. 1 kepala dusun "
            "(asumsi; dipakai bila target kabupaten belum dicatat)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
