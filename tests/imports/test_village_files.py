"""The files villages really send (docs/import-formats.md), built by ``village_files``: every row ends where a
careful regency operator would put it, title blocks and signatures are not rows, and a re-import changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lindung.accounts.models import AuditEvent
from lindung.imports import services
from lindung.participants.choices import Jabatan, Status
from lindung.participants.models import Kepesertaan, Peserta, StatusHistory

from . import village_files as vf

pytestmark = pytest.mark.django_db

DESA_X = "53.01.04.2003"  # Bokonusan, Semau, Kab. Kupang
TODAY = dt.date(2026, 12, 1)
PLACE = {"desa": "Bokonusan", "kecamatan": "Semau", "kabupaten": "Kupang"}


def nik(birth: str, sex: str, serial: int) -> str:
    return vf.nik_for(birth, sex, "530104", serial)


def official(serial: int, jabatan: str, birth: str, gender: str = "L", **kw) -> dict:
    day, month, year = birth[8:], birth[5:7], birth[:4]
    out = {
        "nama": "Pejabat {}".format(serial),
        "nik": nik(birth, gender, serial),
        "sex": "Laki-laki" if gender == "L" else "Perempuan",
        "tempat_lahir": "Soe",
        "tanggal_lahir": "{}-{}-{}".format(day, month, year),
        "jabatan": jabatan,
        "agama": "KRISTEN",
        "pendidikan": "SLTA/SEDERAJAT",
        "sk_angkat": ("141/{}/2020".format(serial), "02-01-2020"),
        "sk_henti": None,
        "keterangan": "2020-2026",
    }
    out.update(kw)
    return out


def book() -> list[dict]:
    """A desa's whole book, predecessors first: two past kepala desa (one dismissed by decree, one only followed
    by a successor), a dismissed sekretaris and the acting one, pre-2016 titles, a Pj., an unreadable sex."""
    return [
        official(
            1,
            "Kepala Desa",
            "1960-03-04",
            nama="Drs. Yohanes Nenobais",
            sk_angkat=("141/01/2008", "05-01-2008"),
            sk_henti=("141/12/2013", "30-12-2013"),
        ),
        official(
            2, "Kepala Desa", "1965-07-21", sk_angkat=("141/02/2014", "06-01-2014")
        ),
        official(3, "Kepala Desa", "1982-11-09", nama="Aprianus Kolo, S.Pd"),
        official(
            4,
            "Sekretaris Desa",
            "1970-01-15",
            gender="P",
            sk_henti=("141/07/2025", "01-07-2025"),
        ),
        official(5, "Plt. Sekretaris Desa", "1988-05-30", gender="P"),
        official(6, "Kaur Pemerintahan", "1990-02-02"),
        official(
            7, "Bendahara Desa", "1991-04-12", gender="P", nama="Maria Bria, A.Md"
        ),
        official(8, "Staf Pelayanan", "1995-09-09", sex="?"),
        official(9, "Pj. Kepala Desa", "1975-06-06"),
        official(10, "Kepala Dusun", "1985-08-17", tanggal_lahir=""),
    ]


def run(path, kind="perangkat", region=None, **kw):
    return services.run_import(
        actor=None, path=path, kind=kind, region_code=region, today=TODAY, **kw
    )


def outcome(batch) -> dict:
    data = services.summary(batch)
    return {
        k: data[k]
        for k in ("total", "inserted", "updated", "unchanged", "rejected", "skipped")
    }


def reasons(batch) -> dict[int, str]:
    out: dict[int, list[str]] = {}
    for e in services.summary(batch)["errors"]:
        out.setdefault(e["row"], []).append(e["message"])
    return {row: "; ".join(m) for row, m in out.items()}


def _check_book_outcome(batch, *, first_row: int) -> None:
    # Ten officials: 1, 2 (followed by 3), 4 (dismissed) and 9 (Pj.) passed over; 10 has no birth date.
    assert outcome(batch) == {
        "total": 10,
        "inserted": 5,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "skipped": 4,
    }
    why = list(reasons(batch).values())
    assert any("diberhentikan dengan SK 141/12/2013 pada 30-12-2013" in m for m in why)
    assert any("digantikan oleh Aprianus Kolo, S.Pd" in m for m in why)
    assert any("diberhentikan dengan SK 141/07/2025" in m for m in why)
    assert any("Pj. Kepala Desa adalah ASN" in m for m in why)
    assert any("Tanggal Lahir" in m or "tanggal" in m.lower() for m in why)
    rows = reasons(batch)
    assert min(rows) >= first_row  # title block and header are not rows
    active = {
        k.jabatan: k
        for k in Kepesertaan.objects.active()
        .filter(desa_id=DESA_X)
        .select_related("peserta")
    }
    assert set(active) == {
        Jabatan.KEPALA_DESA,
        Jabatan.SEKRETARIS_DESA,
        Jabatan.KASI_PEMERINTAHAN,
        Jabatan.KAUR_KEUANGAN,
        Jabatan.STAF_DESA,
    }
    head = active[Jabatan.KEPALA_DESA].peserta
    assert (head.name, head.title_suffix, head.display_name) == (
        "Aprianus Kolo",
        "S.Pd",
        "Aprianus Kolo, S.Pd",
    )
    assert active[Jabatan.KEPALA_DESA].start_of_term == dt.date(2020, 1, 2)
    assert (
        active[Jabatan.STAF_DESA].peserta.sex == "L"
    )  # "?" read from the NIK, with a warning
    assert batch.warnings >= 1


@pytest.mark.parametrize("writer", ["html", "xlsx"])
def test_an_opensid_buku_aparat_with_nik_added_imports_as_a_careful_operator_would(
    tmp_path, writer
):
    if writer == "html":
        path = vf.buku_aparat_html(
            tmp_path / "wilayah_2026-12-01.xls", officials=book(), **PLACE
        )
    else:
        path = vf.buku_aparat_xlsx(
            tmp_path / "buku aparat.xlsx", officials=book(), **PLACE
        )
    batch = run(path)
    _check_book_outcome(batch, first_row=10)
    before = (
        Kepesertaan.objects.count(),
        Peserta.objects.count(),
        StatusHistory.objects.count(),
        AuditEvent.objects.count(),
    )
    again = run(path)
    assert outcome(again) == {
        "total": 10,
        "inserted": 0,
        "updated": 0,
        "unchanged": 5,
        "rejected": 1,
        "skipped": 4,
    }
    after = (
        Kepesertaan.objects.count(),
        Peserta.objects.count(),
        StatusHistory.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_the_signature_block_is_neither_counted_nor_in_the_error_file(tmp_path):
    from python_calamine import CalamineWorkbook

    path = vf.buku_aparat_html(tmp_path / "b.xls", officials=book(), **PLACE)
    batch = run(path)
    sheet = (
        CalamineWorkbook.from_path(str(services.error_file_path(batch)))
        .get_sheet_by_index(0)
        .to_python()
    )
    texts = " ".join(str(c) for row in sheet for c in row)
    assert "MENGETAHUI" not in texts and "NIPD :" not in texts
    assert len(sheet) == 1 + 5  # header + the rejected and skipped rows
    assert sum("Dilewati" in str(row[-2]) for row in sheet) == 4


def test_a_dismissal_in_a_later_book_ends_the_membership_with_the_decree(tmp_path):
    first = [
        official(6, "Kaur Pemerintahan", "1990-02-02"),
        official(4, "Sekretaris Desa", "1970-01-15", gender="P"),
    ]
    run(vf.buku_aparat_html(tmp_path / "v1.xls", officials=first, **PLACE))
    kaur = Kepesertaan.objects.get(peserta__nik=first[0]["nik"])
    assert kaur.status != Status.BERHENTI
    later = [
        official(
            6, "Kaur Pemerintahan", "1990-02-02", sk_henti=("141/09/2026", "30-09-2026")
        ),
        official(
            4,
            "Sekretaris Desa",
            "1970-01-15",
            gender="P",
            sk_henti=("141/10/2026", "31-10-2026"),
        ),
        official(
            5,
            "Sekretaris Desa",
            "1988-05-30",
            gender="P",
            sk_angkat=("141/11/2026", "01-11-2026"),
        ),
    ]
    batch = run(vf.buku_aparat_html(tmp_path / "v2.xls", officials=later, **PLACE))
    # The two dismissals end what they held; the successor takes the sekretaris post in the same file.
    assert outcome(batch)["updated"] == 2 and outcome(batch)["inserted"] == 1, reasons(
        batch
    )
    kaur.refresh_from_db()
    assert (kaur.status, kaur.stop_reason, kaur.ended_on) == (
        Status.BERHENTI,
        "purna_tugas",
        dt.date(2026, 9, 30),
    )
    assert "141/09/2026" in kaur.history.last().reason
    event = AuditEvent.objects.filter(
        model="participants.Kepesertaan", object_id=str(kaur.pk)
    ).last()
    assert (
        event.changes["sk_pemberhentian"] == "141/09/2026"
        and event.changes["status"][1] == "berhenti"
    )
    sekdes = Kepesertaan.objects.active().get(
        desa_id=DESA_X, jabatan=Jabatan.SEKRETARIS_DESA
    )
    assert sekdes.peserta.nik == later[2]["nik"]
    again = run(vf.buku_aparat_html(tmp_path / "v2.xls", officials=later, **PLACE))
    assert outcome(again) == {
        "total": 3,
        "inserted": 0,
        "updated": 0,
        "unchanged": 1,
        "rejected": 0,
        "skipped": 2,
    }


def test_a_book_still_without_nik_is_refused_whole_saying_to_add_it(tmp_path):
    path = vf.buku_aparat_html(
        tmp_path / "b.xls", officials=book(), with_nik=False, **PLACE
    )
    with pytest.raises(services.ImportFileError, match="tambahkan kolom NIK"):
        run(path)
    assert Kepesertaan.objects.count() == 0


def test_the_cli_prints_an_error_object_for_a_file_refused_whole(tmp_path, capsys):
    path = vf.siskeudes_perangkat_csv(
        tmp_path / "Ta_Perangkat.csv", [{"kode_desa": DESA_X, "nama": "Ana"}]
    )
    with pytest.raises(CommandError, match="NIK dan Tanggal Lahir"):
        call_command("import_peserta", str(path), kind="perangkat", json=True)
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["error"] and "Siskeudes" in data["error"]


def test_the_title_block_must_agree_with_the_chosen_desa_and_the_rows(tmp_path):
    path = vf.buku_aparat_html(tmp_path / "b.xls", officials=book()[:3], **PLACE)
    with pytest.raises(
        services.ImportFileError, match="judul berkas menyebut Desa Bokonusan"
    ):
        run(path, region="53.01.04.2004")
    mixed = book()[:3]
    mixed[2]["desa"] = "Uitiuhtuan"
    path = vf.buku_aparat_html(
        tmp_path / "c.xls", officials=mixed, with_desa_column=True, **PLACE
    )
    with pytest.raises(services.ImportFileError, match="satu berkas untuk satu desa"):
        run(path)
    assert Kepesertaan.objects.count() == 0
    # The chosen desa gives the village to the book as well as its title block does.
    assert (
        outcome(
            run(
                vf.buku_aparat_html(tmp_path / "d.xls", officials=book()[:3], **PLACE),
                region=DESA_X,
            )
        )["inserted"]
        == 1
    )


def household() -> list[dict]:
    """One Kartu Keluarga and its neighbours, as OpenSID exports them."""
    kk = "5301040101200001"

    def resident(serial, birth, sex, pekerjaan, **kw):
        out = {
            "nama": "WARGA {}".format(serial),
            "nik": nik(birth, "L" if sex == "1" else "P", serial),
            "no_kk": kk,
            "sex": sex,
            "tempatlahir": "KUPANG",
            "tanggallahir": birth,
            "pekerjaan_id": pekerjaan,
            "dusun": "DUSUN I",
            "rt": "001",
            "rw": "002",
        }
        out.update(kw)
        return out

    return [
        resident(1, "1978-04-03", "1", "9"),  # PETANI/PEKEBUN → petani
        resident(2, "1980-06-10", "2", "2"),  # MENGURUS RUMAH TANGGA → skipped
        resident(3, "2016-09-01", "1", "1"),  # a child, BELUM/TIDAK BEKERJA → skipped
        resident(
            4, "2014-01-20", "2", "9"
        ),  # a child of 12 written as a farmer → refused (age)
        resident(5, "2008-03-03", "1", "3"),  # PELAJAR/MAHASISWA → skipped
        resident(6, "1950-02-02", "1", "9", status_dasar="2"),  # died → skipped
        resident(7, "1985-08-17", "1", "11", nik=vf.temporary_nik("5301042003", 1)),
        resident(8, "1979-12-12", "1", "5"),  # PNS → skipped
        resident(9, "1990-10-10", "2", "84"),  # PEDAGANG → pedagang_kecil
        resident(10, "1987-07-07", "1", "19"),  # BURUH HARIAN LEPAS
    ]


EXPECTED_HOUSEHOLD = {
    "total": 10,
    "inserted": 3,
    "updated": 0,
    "unchanged": 0,
    "rejected": 2,
    "skipped": 5,
}
# Without status_dasar (OpenSID's list, and its "huruf" export, which writes TETAP for everyone), the resident who
# died is an old farmer: refused as above the age limit instead of skipped as dead.
WITHOUT_STATUS = {**EXPECTED_HOUSEHOLD, "rejected": 3, "skipped": 4}


@pytest.mark.parametrize("huruf", [False, True])
def test_an_opensid_penduduk_export_imports_workers_only_within_the_chosen_desa(
    tmp_path, huruf
):
    path = vf.penduduk_ekspor_xlsx(
        tmp_path / "penduduk_01_12_2026.xlsx", household(), huruf=huruf
    )
    with pytest.raises(services.ImportFileError, match="--region"):
        run(path, kind="rentan")
    batch = run(path, kind="rentan", region=DESA_X)
    assert outcome(batch) == (WITHOUT_STATUS if huruf else EXPECTED_HOUSEHOLD), reasons(
        batch
    )
    why = reasons(batch)
    assert sum(m.startswith("bukan pekerja rentan") for m in why.values()) == 4
    assert any("di bawah batas minimal 15 tahun" in m for m in why.values())
    assert any("NIK sementara" in m for m in why.values())
    assert any(
        ("di atas batas maksimal" if huruf else "MENINGGAL") in m for m in why.values()
    )
    assert not any("tidak dikenal" in m for m in why.values())
    assert "bukan pekerja rentan: PEGAWAI NEGERI SIPIL (PNS)" in why.values()
    assert sorted(Kepesertaan.objects.values_list("pekerjaan", flat=True)) == [
        "buruh_harian_lepas",
        "pedagang_kecil",
        "petani",
    ]
    assert set(Peserta.objects.values_list("sex", flat=True)) == {"L", "P"}
    assert outcome(run(path, kind="rentan", region=DESA_X))["unchanged"] == 3


def test_an_opensid_penduduk_list_takes_its_village_from_the_title(tmp_path):
    path = vf.penduduk_unduh_html(
        tmp_path / "Penduduk_2026-12-01.xls", household(), **PLACE
    )
    batch = run(path, kind="rentan")
    assert outcome(batch) == WITHOUT_STATUS, reasons(batch)
    assert set(Kepesertaan.objects.values_list("desa_id", flat=True)) == {DESA_X}


def test_a_masked_penduduk_list_is_refused_row_by_row_as_masked(tmp_path):
    path = vf.penduduk_unduh_html(tmp_path / "p.xls", household(), masked=True, **PLACE)
    batch = run(path, kind="rentan")
    data = outcome(batch)
    assert data["inserted"] == 0 and data["total"] == 10
    assert (
        sum("NIK disamarkan" in m for m in reasons(batch).values())
        == data["rejected"]
        >= 4
    )


def test_the_cli_api_and_upload_give_the_same_outcome(
    tmp_path, client, kabupaten_user, settings
):
    path = vf.buku_aparat_html(tmp_path / "wilayah.xls", officials=book(), **PLACE)
    out = StringIO()
    call_command(
        "import_peserta",
        str(path),
        kind="perangkat",
        json=True,
        dry_run=True,
        stdout=out,
    )
    cli = json.loads(out.getvalue())
    assert (cli["total"], cli["skipped"]) == (10, 4)

    client.force_login(kabupaten_user)
    upload = SimpleUploadedFile("wilayah_2026-12-01.xls", path.read_bytes())
    page = client.post(reverse("imports:upload"), {"file": upload, "kind": "perangkat"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Bokonusan" in body and ("diabaikan" in body or "ignored" in body)
    assert "NIPD" in body and "MENGETAHUI" not in body
    batch = services.ImportBatch.objects.get(state="pending")
    client.post(reverse("imports:start", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.total, batch.skipped) == (10, 4)

    api = client.post(
        "/api/v1/imports/",
        {
            "file": SimpleUploadedFile("w.xls", path.read_bytes()),
            "kind": "perangkat",
            "dry_run": "true",
        },
    )
    assert api.status_code == 202, api.content
    done = client.get("/api/v1/imports/{}".format(api.json()["id"])).json()
    assert (done["state"], done["total"], done["skipped"]) == ("done", 10, 4)
    refused = client.post(
        "/api/v1/imports/",
        {
            "file": SimpleUploadedFile(
                "b.xls",
                vf.buku_aparat_html(
                    tmp_path / "tanpa_nik.xls",
                    officials=book(),
                    with_nik=False,
                    **PLACE,
                ).read_bytes(),
            ),
            "kind": "perangkat",
        },
    )
    assert refused.status_code == 400 and "NIK" in refused.json()["message"]


def test_warnings_are_listed_on_the_page_and_in_the_error_file(
    tmp_path, client, kabupaten_user
):
    from python_calamine import CalamineWorkbook

    path = vf.buku_aparat_html(tmp_path / "w.xls", officials=book(), **PLACE)
    client.force_login(kabupaten_user)
    client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("w.xls", path.read_bytes()), "kind": "perangkat"},
    )
    batch = services.ImportBatch.objects.get(state="pending")
    client.post(reverse("imports:start", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.warnings == len(batch.warning_list) > 0
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert 'id="warnings"' in page and "diisi dari NIK" in page
    workbook = CalamineWorkbook.from_path(str(services.error_file_path(batch)))
    assert workbook.sheet_names == ["Data", "Peringatan"]
    sheet = workbook.get_sheet_by_name("Peringatan").to_python()
    assert (
        sheet[0] == ["Baris asal", "Kolom", "Peringatan"]
        and len(sheet) == 1 + batch.warnings
    )
