import datetime as dt
import pytest
from lindung import demo
from lindung.reports import services
pytestmark = pytest.mark.django_db

def test_probe():
    today = dt.date.today()
    demo.load_demo(today=today)
    report = services.rakor(user=None, region_code="53", as_of=today)
    for r in report["rows"]:
        print(r["code"], r["name"][:20], r["desa"], r["desa_terlindungi"], r["desa_persen"], r["perangkat_persen"], r["tahap"], r["pks_status"], r["pks_berlaku_sampai"], r["rencana_terlambat"], r["rencana"][:30])
    print(report["total"])
    print([ (s["code"], len(s["desa_belum"])) for s in report["sebagian_terlindungi"]])
