from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.models import AuditEvent
from lindung.participants.models import Kepesertaan, StatusHistory
from lindung.reconciliation import rules, services
from lindung.reconciliation.models import PendingRegistration
from tests.conftest import make_user

from .helpers import DESA_X, DESA_X2, DESA_Y, member, nik, row, write_list

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def registry():
    return {
        "cocok": member(1, kpj="11111111111", paid_through=OCT),
        "kpj_baru": member(2, paid_through=OCT),
        "status": member(3, kpj="33333333333", paid_through=OCT),
        "iuran": member(4, kpj="44444444444", paid_through=OCT),
        "data": member(5, kpj="55555555555", name="Maria Tefa", paid_through=OCT),
        "titles": member(6, kpj="66666666666", name="Yohanes Bria", paid_through=OCT),
        "missing": member(7, desa=DESA_X2, kpj="77777777777"),
        "reverse": member(8, status="terdaftar", kpj="88888888888"),
        "ended": member(9, kpj="99999999999", paid_through=OCT),
        "sumba": member(10, desa=DESA_Y, prefix="531801", kpj="10101010101"),
    }


def _list(tmp_path, reg, *extra):
    return write_list(
        tmp_path / "bpjs.csv",
        [
            row(reg["cocok"], paid="10/2026"),
            row(reg["kpj_baru"], kpj="22222222222", paid="10/2026"),
            row(reg["status"], status="Non Aktif", paid="10/2026"),
            row(reg["iuran"], paid="08/2026"),
            row(reg["data"], name="MARIA TEFFA", paid="Oktober 2026"),
            row(reg["titles"], name="Drs.  yohanes   BRIA, M.Si", paid="2026-10"),
            row(reg["reverse"], status="AKTIF"),
            row(reg["ended"], status="Berhenti", paid="10/2026"),
            row(nik(50)),  # only at BPJS, issued in Kab. Kupang
            row("5.30104E+15"),  # a NIK Excel turned into a number
            row(reg["sumba"]),
            *extra,
        ],
    )


def _by_nik(data):
    return {r["nik"]: r for r in data["rows"]}


def test_every_class_is_found_and_the_counts_add_up(tmp_path, registry, bpjs_user):
    run = services.reconcile(actor=bpjs_user, path=_list(tmp_path, registry))
    data = services.summary(run)
    rows = _by_nik(data)
    r = {key: rows.get(k.peserta.nik) for key, k in registry.items()}
    assert r["cocok"]["classes"] == ["cocok"]
    assert r["titles"]["classes"] == [
        "cocok"
    ]  # titles, case and spacing are not differences
    assert r["kpj_baru"]["classes"] == ["kpj_baru"]
    assert r["status"]["classes"] == ["status_berbeda"]
    assert rules.PROTECTED_HERE in r["status"]["detail"]
    assert r["reverse"]["classes"] == ["status_berbeda"]
    assert rules.PROTECTED_THERE in r["reverse"]["detail"]
    assert r["iuran"]["classes"] == ["iuran_berbeda"]
    assert "08-2026" in r["iuran"]["detail"] and "10-2026" in r["iuran"]["detail"]
    assert r["data"]["classes"] == ["data_berbeda"]
    assert rows[nik(50)]["classes"] == ["hanya_di_bpjs"]
    assert data["missing"] == [
        {"nik": registry["missing"].peserta.nik, "desa": DESA_X2}
    ]
    assert data["classes"]["hanya_di_lindung"] == 1
    assert data["rejected"] == 1 and "notasi ilmiah" in data["errors"][0]["message"]
    assert data["errors"][0]["column"] == "NIK" and data["errors"][0]["row"] == 13
    assert data["outside_scope"] == 0  # a national BPJS officer sees Sumba too
    assert data["total"] == 11
    assert data["total"] == data["rejected"] + data["outside_scope"] + len(data["rows"])
    counts = data["classes"]
    assert counts["cocok"] == 3 and counts["status_berbeda"] == 3
    assert set(data) == {
        "total",
        "rejected",
        "outside_scope",
        "classes",
        "rows",
        "missing",
        "errors",
    }
    assert list(counts) == list(rules.CLASSES)


def test_a_user_whose_scope_covers_part_of_the_file_gets_outside_scope(
    tmp_path, registry, kabupaten_user
):
    data = services.summary(
        services.reconcile(actor=kabupaten_user, path=_list(tmp_path, registry))
    )
    assert registry["sumba"].peserta.nik not in _by_nik(data)
    assert data["outside_scope"] == 1
    assert data["total"] == data["rejected"] + data["outside_scope"] + len(data["rows"])


def test_region_limits_the_comparison(tmp_path, registry, bpjs_user):
    data = services.summary(
        services.reconcile(
            actor=bpjs_user, path=_list(tmp_path, registry), region_code=DESA_X
        )
    )
    # Sumba is outside; the desa X2 membership is no longer "missing".
    assert data["outside_scope"] == 1 and data["missing"] == []


def test_region_outside_the_users_scope_is_refused_before_reading(
    tmp_path, kabupaten_user
):
    with pytest.raises(PermissionDenied):
        services.reconcile(
            actor=kabupaten_user, path=tmp_path / "nope.csv", region_code=DESA_Y
        )


def test_a_person_in_two_villages_is_compared_with_the_open_membership(
    tmp_path, bpjs_user, kabupaten_user
):
    moved = member(20, desa=DESA_X, status="berhenti", kpj="20202020202")
    member(0, desa=DESA_Y, peserta=moved.peserta, kpj="20202020202")
    path = write_list(tmp_path / "b.csv", [row(moved, status="AKTIF")])
    # The regency of the old desa: the person is Sumba's now, not "only at BPJS" nor a status difference.
    data = services.summary(services.reconcile(actor=kabupaten_user, path=path))
    assert data["outside_scope"] == 1 and data["rows"] == []
    # BPJS, nationally: matched with the open membership in Sumba.
    data = services.summary(services.reconcile(actor=bpjs_user, path=path))
    assert data["rows"][0]["classes"] == ["cocok"] and data["outside_scope"] == 0


def test_a_nik_column_cut_by_excel_is_refused_with_the_reason(tmp_path, bpjs_user):
    niks = ["53010401019{:04d}0".format(i) for i in range(1, 13)]
    path = write_list(tmp_path / "z.csv", [row(n) for n in niks])
    data = services.summary(services.reconcile(actor=bpjs_user, path=path))
    assert data["rejected"] == 12
    assert all("dibulatkan menjadi 0" in e["message"] for e in data["errors"])


def test_a_duplicate_nik_is_rejected(tmp_path, bpjs_user):
    path = write_list(tmp_path / "d.csv", [row(nik(60)), row(nik(60))])
    data = services.summary(services.reconcile(actor=bpjs_user, path=path))
    assert data["rejected"] == 1 and "baris" in data["errors"][0]["message"]


def test_a_file_without_nik_is_refused_whole(tmp_path, bpjs_user):
    path = tmp_path / "x.csv"
    path.write_text("Nama;KPJ\nA;1\n")
    with pytest.raises(services.ReconcileError, match="NIK"):
        services.reconcile(actor=bpjs_user, path=path)


def _state():
    return (
        list(Kepesertaan.objects.order_by("id").values()),
        AuditEvent.objects.count(),
        StatusHistory.objects.count(),
    )


def test_running_the_same_file_twice_gives_the_same_output_and_changes_nothing(
    tmp_path, registry, bpjs_user
):
    path = _list(tmp_path, registry)
    before = _state()
    first = services.summary(services.reconcile(actor=bpjs_user, path=path))
    second = services.summary(services.reconcile(actor=bpjs_user, path=path))
    assert first == second
    assert _state() == before
    # GET /api/v1/reconciliation/{id} reads the stored rows: the same summary as the run kept in memory.
    from lindung.reconciliation.models import ReconciliationRun

    stored = ReconciliationRun.objects.order_by("-pk").first()
    assert services.summary(stored) == second


def test_actions_are_audited(tmp_path, registry, bpjs_user):
    run = services.reconcile(actor=bpjs_user, path=_list(tmp_path, registry))
    assert services.write_back_kpj(actor=bpjs_user, run=run)["written"] == 1
    k = Kepesertaan.objects.get(pk=registry["kpj_baru"].pk)
    assert k.kpj == "22222222222" and k.version == 2
    assert AuditEvent.objects.filter(
        object_id=str(k.pk), action="update", changes={"kpj": ["", "22222222222"]}
    ).exists()
    assert services.write_back_kpj(actor=bpjs_user, run=run)["written"] == 0

    assert services.mark_to_send(actor=bpjs_user, run=run)["marked"] == 1
    mark = PendingRegistration.objects.get()
    assert mark.kepesertaan_id == registry["missing"].pk
    assert mark.payer_code == "desa-" + DESA_X2
    assert AuditEvent.objects.filter(action="mark").count() == 1

    target = tmp_path / "kirim.xlsx"
    count = services.export_registrations(
        actor=bpjs_user, payer_code=mark.payer_code, target=target
    )
    assert count == 1
    mark.refresh_from_db()
    assert mark.sent_on is not None
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert sheet[0] == services.REGISTRATION_HEADER
    assert sheet[1][1] == registry["missing"].peserta.nik  # text, all 16 digits
    assert sheet[1][14] == "JKK, JKM"

    assert services.ended_candidates(run, bpjs_user).count() == 1
    assert services.close_ended(actor=bpjs_user, run=run, reason="lainnya") == {
        "closed": 1
    }
    ended = Kepesertaan.objects.get(pk=registry["ended"].pk)
    assert (
        ended.status == "berhenti"
        and ended.history.filter(reason__contains="daftar BPJS").exists()
    )
    assert AuditEvent.objects.filter(
        object_id=str(ended.pk), action="transition"
    ).exists()

    # A later list that has the person sent clears the mark.
    later = _list(tmp_path, registry, row(registry["missing"]))
    again = services.reconcile(actor=bpjs_user, path=later)
    assert again.cleared_marks == 1 and not PendingRegistration.objects.exists()
    assert AuditEvent.objects.filter(action="unmark").count() == 1


def test_write_back_refuses_a_kpj_someone_else_holds(tmp_path, bpjs_user):
    member(30, kpj="12345678901")
    other = member(31)
    path = write_list(tmp_path / "k.csv", [row(other, kpj="12345678901")])
    run = services.reconcile(actor=bpjs_user, path=path)
    assert services.write_back_kpj(actor=bpjs_user, run=run)["conflicts"] == 1
    assert Kepesertaan.objects.get(pk=other.pk).kpj == ""


def test_a_row_matched_by_kpj_names_the_nik_difference(tmp_path, bpjs_user):
    k = member(40, kpj="40404040404")
    path = write_list(tmp_path / "n.csv", [row(k, nik=nik(41))])
    data = services.summary(services.reconcile(actor=bpjs_user, path=path))
    assert data["rows"][0]["classes"] == ["data_berbeda"]
    assert "NIK berbeda" in data["rows"][0]["detail"] and data["missing"] == []


def test_regency_office_actions_stay_in_its_scope(tmp_path, registry):
    other = make_user("kabupaten", ["53.18"])
    with pytest.raises(PermissionDenied):
        services.reconcile(
            actor=make_user("desa", [DESA_X]), path=_list(tmp_path, registry)
        )
    run = services.reconcile(actor=other, path=_list(tmp_path, registry))
    assert (
        services.summary(run)["outside_scope"] == 9
    )  # all but Sumba and the rejected row


def test_it_reads_an_html_table_saved_as_xls_with_a_title(tmp_path, bpjs_user):
    k = member(70, kpj="70707070707")
    html = (
        "<html><body><h3>DAFTAR TENAGA KERJA</h3><p>Kantor Cabang Kupang</p><table>"
        "<tr><th>No</th><th>NIK</th><th>Nomor Kartu Peserta</th><th>Nama Tenaga Kerja</th>"
        "<th>Status</th></tr><tr><td>1</td><td>{}</td><td>70707070707</td><td>{}</td>"
        "<td>Aktif</td></tr></table></body></html>"
    ).format(k.peserta.nik, k.peserta.name.upper())
    path = tmp_path / "bpjs.xls"
    path.write_text(html)
    data = services.summary(services.reconcile(actor=bpjs_user, path=path))
    assert data["rows"] == [
        {"row": 4, "nik": k.peserta.nik, "classes": ["cocok"], "detail": ""}
    ]


def test_old_reconciliation_files_are_deleted_by_the_retention_job(tmp_path):
    import datetime as dt
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from lindung.reconciliation.models import ReconciliationRun
    from lindung.reconciliation.retention import purge_expired

    media = Path(settings.MEDIA_ROOT)
    (media / "reconciliation").mkdir(parents=True, exist_ok=True)
    old_file = media / "reconciliation/lama.csv"
    old_file.write_text("NIK\n")
    new_file = media / "reconciliation/baru.csv"
    new_file.write_text("NIK\n")
    old = ReconciliationRun.objects.create(file="reconciliation/lama.csv")
    ReconciliationRun.objects.create(file="reconciliation/baru.csv")
    ReconciliationRun.objects.filter(pk=old.pk).update(
        created_at=timezone.now()
        - dt.timedelta(days=settings.LINDUNG_FILE_RETENTION_DAYS + 1)
    )
    assert purge_expired() == 1
    assert not old_file.exists() and new_file.exists()
