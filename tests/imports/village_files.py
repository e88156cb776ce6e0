"""Write village files in the layouts real villages send us, for import tests.

Each writer imitates one OpenSID v2410.0.0 (or Siskeudes) output; layouts are
described in ``docs/import-formats.md``.  All writers take a ``path`` and return it.

- ``buku_aparat_html``: Buku Pemerintah Desa (Model A.4) "Unduh", an HTML page
  saved as ``.xls``.  Imitates OpenSID source, path
  ``resources/views/admin/pengurus/cetak.blade.php`` (with
  ``resources/views/admin/layouts/components/blok_ttd_pamong.blade.php`` for the
  signature block), rendered by ``donjo-app/controllers/buku_umum/Pengurus.php``
  method ``daftar('unduh')``.
- ``buku_aparat_xlsx``: the same book after an operator opened the HTML in
  Excel and saved it as ``.xlsx``.
- ``penduduk_ekspor_xlsx``: Penduduk "Ekspor" / "Ekspor Huruf"; imitates
  ``donjo-app/controllers/Penduduk.php`` method ``ekspor`` with
  ``donjo-app/models/Ekspor_model.php`` (columns from
  ``donjo-app/models/Impor_model.php`` ``$daftar_kolom``).
- ``penduduk_unduh_html``: the penduduk list "Unduh" (HTML saved as ``.xls``);
  imitates ``donjo-app/views/sid/kependudukan/penduduk_unduh.php`` which includes
  ``penduduk_cetak.php``; masking is ``sensor_nik_kk`` in
  ``donjo-app/helpers/donjolib_helper.php``.
- ``siskeudes_perangkat_csv``: ``Ta_Perangkat.csv`` from a Siskeudes export zip,
  columns as OpenSID stores them (``donjo-app/models/migrations/struktur_tabel/
  2023_12_22_015242_create_keuangan_ta_perangkat_table.php``).
- ``nik_for`` / ``temporary_nik``: a valid NIK, and OpenSID's
  ``Penduduk_model::nik_sementara`` form ``0`` + kode desa + 5-digit serial.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import json
import re
from pathlib import Path

import xlsxwriter

_PEKERJAAN_JSON = (
    Path(__file__).resolve().parents[2]
    / "lindung"
    / "participants"
    / "data"
    / "dukcapil_pekerjaan.json"
)

# --- OpenSID reference tables (donjo-app/models/seeders/Data_awal_seeder.php) ---

PEKERJAAN = {
    c["code"]: c["name"]
    for c in json.loads(_PEKERJAAN_JSON.read_text(encoding="utf-8"))["codes"]
}
SEX = {1: "LAKI-LAKI", 2: "PEREMPUAN"}
AGAMA = {
    1: "ISLAM",
    2: "KRISTEN",
    3: "KATHOLIK",
    4: "HINDU",
    5: "BUDHA",
    6: "KHONGHUCU",
    7: "Kepercayaan Terhadap Tuhan YME / Lainnya",
}
PENDIDIKAN_KK = {
    1: "TIDAK / BELUM SEKOLAH",
    2: "BELUM TAMAT SD/SEDERAJAT",
    3: "TAMAT SD / SEDERAJAT",
    4: "SLTP/SEDERAJAT",
    5: "SLTA / SEDERAJAT",
    6: "DIPLOMA I / II",
    7: "AKADEMI/ DIPLOMA III/S. MUDA",
    8: "DIPLOMA IV/ STRATA I",
    9: "STRATA II",
    10: "STRATA III",
}
PENDIDIKAN_SEDANG = {
    1: "BELUM MASUK TK/KELOMPOK BERMAIN",
    2: "SEDANG TK/KELOMPOK BERMAIN",
    3: "TIDAK PERNAH SEKOLAH",
    4: "SEDANG SD/SEDERAJAT",
    5: "TIDAK TAMAT SD/SEDERAJAT",
    6: "SEDANG SLTP/SEDERAJAT",
    7: "SEDANG SLTA/SEDERAJAT",
    8: "SEDANG  D-1/SEDERAJAT",
    9: "SEDANG D-2/SEDERAJAT",
    10: "SEDANG D-3/SEDERAJAT",
    11: "SEDANG  S-1/SEDERAJAT",
    12: "SEDANG S-2/SEDERAJAT",
    13: "SEDANG S-3/SEDERAJAT",
    14: "SEDANG SLB A/SEDERAJAT",
    15: "SEDANG SLB B/SEDERAJAT",
    16: "SEDANG SLB C/SEDERAJAT",
    17: "TIDAK DAPAT MEMBACA DAN MENULIS HURUF LATIN/ARAB",
    18: "TIDAK SEDANG SEKOLAH",
}
KAWIN = {1: "BELUM KAWIN", 2: "KAWIN", 3: "CERAI HIDUP", 4: "CERAI MATI"}
HUBUNGAN = {
    1: "KEPALA KELUARGA",
    2: "SUAMI",
    3: "ISTRI",
    4: "ANAK",
    5: "MENANTU",
    6: "CUCU",
    7: "ORANGTUA",
    8: "MERTUA",
    9: "FAMILI LAIN",
    10: "PEMBANTU",
    11: "LAINNYA",
}
GOLONGAN_DARAH = {
    1: "A", 2: "B", 3: "AB", 4: "O", 5: "A+", 6: "A-", 7: "B+", 8: "B-",
    9: "AB+", 10: "AB-", 11: "O+", 12: "O-", 13: "TIDAK TAHU",
}  # fmt: skip
CACAT = {
    1: "CACAT FISIK",
    2: "CACAT NETRA/BUTA",
    3: "CACAT RUNGU/WICARA",
    4: "CACAT MENTAL/JIWA",
    5: "CACAT FISIK DAN MENTAL",
    6: "CACAT LAINNYA",
    7: "TIDAK CACAT",
}
CARA_KB = {
    1: "Pil", 2: "IUD", 3: "Suntik", 4: "Kondom", 5: "Susuk KB",
    6: "Sterilisasi Wanita", 7: "Sterilisasi Pria", 99: "Lainnya",
}  # fmt: skip
# Ekspor_model::ekspor_huruf looks status_dasar up in tweb_penduduk_status (sic).
PENDUDUK_STATUS = {1: "TETAP", 2: "TIDAK TETAP"}

BULAN = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
    "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip

# --- Layout constants ---

# "BUKU " + strtoupper(setting("sebutan_pemerintah_desa")), default "Pemerintah Desa".
BUKU_APARAT_TITLE = "BUKU PEMERINTAH DESA"
BUKU_APARAT_HEADER = [
    "NO",
    "NAMA",
    "NIPD",  # setting('sebutan_nip_desa'), default NIPD
    "NIP",
    "JENIS KELAMIN",
    "TEMPAT TANGGAL LAHIR",
    "AGAMA",
    "PANGKAT/ GOLONGAN",
    "JABATAN",
    "PENDIDIKAN TERAKHIR",
    "NOMOR DAN TANGGAL KEPUTUSAN PENGANGKATAN",
    "NOMOR DAN TANGGAL KEPUTUSAN PEMBERHENTIAN",
    "KETERANGAN (Periode/Masa Jabatan)",
]

PENDUDUK_EKSPOR_COLUMNS = [
    "alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir",
    "tanggallahir", "agama_id", "pendidikan_kk_id", "pendidikan_sedang_id",
    "pekerjaan_id", "status_kawin", "kk_level", "warganegara_id", "ayah_nik",
    "nama_ayah", "ibu_nik", "nama_ibu", "golongan_darah_id", "akta_lahir",
    "dokumen_pasport", "tanggal_akhir_paspor", "dokumen_kitas", "akta_perkawinan",
    "tanggalperkawinan", "akta_perceraian", "tanggalperceraian", "cacat_id",
    "cara_kb_id", "hamil", "ktp_el", "status_rekam", "alamat_sekarang",
    "status_dasar", "suku", "tag_id_card", "id_asuransi", "no_asuransi", "lat", "lng",
]  # fmt: skip
assert len(PENDUDUK_EKSPOR_COLUMNS) == 43

PENDUDUK_UNDUH_HEADER = [
    "No", "No. KK", "NIK", "Tag Id Card", "Nama", "Alamat", "Dusun", "RW", "RT",
    "Jenis Kelamin", "Tempat Lahir", "Tanggal Lahir", "Umur", "Agama",
    "Pendidikan (dlm KK)", "Pekerjaan", "Kawin", "Hub. Keluarga", "Nama Ayah",
    "Nama Ibu", "Status",
]  # fmt: skip

TA_PERANGKAT_COLUMNS = [
    "Tahun",
    "Kd_Desa",
    "Kd_Jabatan",
    "No_ID",
    "Nama_Perangkat",
    "Alamat_Perangkat",
    "Nomor_HP",
    "Rek_Bank",
    "Nama_Bank",
]


# --- Small helpers imitating OpenSID helpers ---


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def tgl_indo(iso: str) -> str:
    """OpenSID ``tgl_indo``: '1985-08-17' -> '17 Agustus 1985'; empty -> '-'."""
    if not iso or iso.startswith("0000"):
        return "-"
    return "{} {} {}".format(iso[8:10], BULAN[int(iso[5:7]) - 1], iso[0:4])


def sensor_nik_kk(value: str) -> str:
    """OpenSID ``sensor_nik_kk``: keep the first 8 characters, then ``len-7`` X's.

    A 16-digit NIK/KK becomes 17 characters: '53010417' + 'XXXXXXXXX'.
    Values of 10 characters or fewer become empty (PHP returns null).
    """
    value = value or ""
    n = len(value)
    if n <= 10:
        return ""
    return value[:8] + "X" * (n - 7)


def nik_for(birth: str, sex: str, kecamatan_code: str, serial: int) -> str:
    """A well-formed NIK: PPKKCC + DDMMYY (day + 40 for women) + 4-digit serial.

    ``birth`` is 'YYYY-MM-DD', ``sex`` 'L' or 'P', ``kecamatan_code`` six digits
    (dots allowed, e.g. '53.01.04'), ``serial`` 1..9999.
    """
    kec = _digits(kecamatan_code)
    if len(kec) != 6:
        raise ValueError(
            "kecamatan_code must have 6 digits: {!r}".format(kecamatan_code)
        )
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be 1..9999")
    date = _dt.date.fromisoformat(birth)
    day = date.day + (40 if sex.upper() == "P" else 0)
    return "{}{:02d}{:02d}{:02d}{:04d}".format(
        kec, day, date.month, date.year % 100, serial
    )


def temporary_nik(desa_code_digits: str, serial: int) -> str:
    """OpenSID ``Penduduk_model::nik_sementara``: '0' + kode desa + '%05d' serial.

    OpenSID takes serial = (largest RIGHT(nik, 5) among NIKs starting with '0') + 1.
    With a 10-digit kode desa the result has 16 digits, e.g.
    ``temporary_nik('5301042003', 1) == '0530104200300001'``.
    """
    code = _digits(desa_code_digits)
    return "0{}{:05d}".format(code, serial)


def siskeudes_kd_desa(kode_desa: str) -> str:
    """Siskeudes Kd_Desa 'kk.dddd.' from a kode desa: '53.01.04.2003' -> '04.2003.'."""
    code = _digits(kode_desa)
    if len(code) != 10:
        raise ValueError("kode desa must have 10 digits: {!r}".format(kode_desa))
    return "{}.{}.".format(code[4:6], code[6:])


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=False)


def _age(birth: str, on: _dt.date) -> str:
    if not birth:
        return ""
    b = _dt.date.fromisoformat(birth)
    return str(on.year - b.year - ((on.month, on.day) < (b.month, b.day)))


# --- Buku Pemerintah Desa (Model A.4) ---


def _sk(sk) -> str:
    # pamong_nosk . ', ' . tgl_indo_out(pamong_tglsk): ", -" when both are empty.
    if not sk:
        return ", -"
    nomor, tanggal = sk
    return "{}, {}".format(nomor or "", tanggal or "-")


def _buku_columns(with_nik: bool, with_desa_column: bool) -> list[str]:
    header = list(BUKU_APARAT_HEADER)
    if with_nik:
        header.insert(2, "NIK")
    if with_desa_column:
        header.append("DESA")
    return header


def _buku_row(o: dict, *, desa: str, with_nik: bool, with_desa_column: bool):
    """Cells of one official, as (text, is_text_format) pairs after the NO cell."""
    cells = [(o.get("nama", ""), False)]
    if with_nik:
        cells.append((o.get("nik", ""), True))
    cells += [
        (o.get("nipd", ""), True),
        (o.get("nip", ""), True),
        (o.get("sex", ""), False),
        (
            "{}, {}".format(o.get("tempat_lahir", ""), o.get("tanggal_lahir") or "-"),
            False,
        ),
        (o.get("agama", ""), False),
        (o.get("pangkat", ""), False),
        (o.get("jabatan", ""), False),
        (o.get("pendidikan", ""), False),
        (_sk(o.get("sk_angkat")), False),
        (_sk(o.get("sk_henti")), False),
        (o.get("keterangan", ""), False),
    ]
    if with_desa_column:
        cells.append((o.get("desa", desa), False))
    return cells


def _signatories(officials: list[dict]) -> tuple[dict, dict]:
    """Left: kepala desa (MENGETAHUI); right: sekretaris desa (the signer)."""

    def pick(jabatan: str) -> dict:
        found = [o for o in officials if o.get("jabatan", "").lower() == jabatan]
        active = [o for o in found if not o.get("sk_henti")]
        return (active or found or [{"jabatan": jabatan.title(), "nama": ""}])[0]

    return pick("kepala desa"), pick("sekretaris desa")


def _nip_line(o: dict) -> str:
    # blok_ttd_pamong: 'NIP :' when NIP is set, else 'NIPD :' when NIPD is set.
    if o.get("nip"):
        return "NIP : {}".format(o["nip"])
    if o.get("nipd"):
        return "NIPD : {}".format(o["nipd"])
    return ""


def _order(officials: list[dict]) -> list[dict]:
    # Pamong::scopeUrut: kepala desa rows, then sekretaris desa rows, then the rest
    # (each group by `urut`, here: the order given).
    rank = {"kepala desa": 1, "sekretaris desa": 2}
    return sorted(officials, key=lambda o: rank.get(o.get("jabatan", "").lower(), 3))


def buku_aparat_html(
    path,
    *,
    desa: str,
    kecamatan: str,
    kabupaten: str,
    officials: list[dict],
    with_nik: bool = True,
    with_desa_column: bool = False,
    bulan_tahun: str = "Desember / 2026",
    tanggal_ttd: str = "01 Desember 2026",
):
    """OpenSID Buku Pemerintah Desa "Unduh" (HTML; the caller names it ``.xls``).

    ``bulan_tahun`` is printed after 'Bulan / Tahun : ' (OpenSID prints
    'Desember / 2026'); ``tanggal_ttd`` is the signing date (uppercased).
    Officials are ordered kepala desa, sekretaris desa, then the rest.
    """
    header = _buku_columns(with_nik, with_desa_column)
    total = len(header)
    ketahui, ttd = _signatories(officials)
    out = [
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
        '<html xmlns="http://www.w3.org/1999/xhtml">',
        "<head>",
        "<title>{}</title>".format(BUKU_APARAT_TITLE),
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">',
        '<style>.textx { mso-number-format: "\\@"; } td.bold { font-weight: bold; }</style>',
        "</head>",
        "<body>",
        '<div id="container"><div id="body">',
        '<div align="center"><h3> {} </h3></div>'.format(BUKU_APARAT_TITLE),
        "<table>",
        '<col span="{}" style="width: 7.75%;"><col style="width: 7%;">'.format(
            total - 1
        ),
        '<tr><td colspan="{}">&nbsp;</td>'
        '<td style="border: solid 1px black; text-align: center;">Model A.4</td></tr>'.format(
            total - 1
        ),
        "</table>",
        "<table>",
    ]
    for label, value in (
        ("Desa", desa),
        ("Kecamatan", kecamatan),
        ("Kabupaten", kabupaten),
        ("Bulan / Tahun", bulan_tahun),
    ):
        out.append(
            '<tr><td colspan="2" class="bold">{}</td><td colspan="1"> : {}</td>'
            '<td colspan="{}">&nbsp;</td></tr>'.format(_e(label), _e(value), total - 3)
        )
    out += [
        '<tr><td colspan="{}">&nbsp;</td></tr>'.format(total),
        "</table>",
        '<table class="border thick">',
        "<thead>",
        '<tr class="border thick">'
        + "".join("<th>{}</th>".format(_e(h)) for h in header)
        + "</tr>",
        # OpenSID leaves this numbering row without its closing </tr>.
        "<tr>" + "".join("<th>{}</th>".format(i) for i in range(1, total + 1)),
        "</thead>",
        "<tbody>",
    ]
    for no, o in enumerate(_order(officials), start=1):
        cells = _buku_row(
            o, desa=desa, with_nik=with_nik, with_desa_column=with_desa_column
        )
        out.append(
            "<tr><td>{}</td>".format(no)
            + "".join(
                '<td class="textx">{}</td>'.format(_e(t))
                if textx
                else "<td>{}</td>".format(_e(t))
                for t, textx in cells
            )
            + "</tr>"
        )
    out += ["</tbody>", "</table>"]
    out += _signature_html(total, desa, ketahui, ttd, tanggal_ttd)
    out += ["</div></div>", "</body>", "</html>", ""]
    Path(path).write_text("\n".join(out), encoding="utf-8")
    return path


def _signature_html(total, desa, ketahui, ttd, tanggal_ttd) -> list[str]:
    mid = total - 7  # spasi_kiri 3 + 1 + spasi_tengah + 2 + 1 == total

    def row(left: str, right: str, cls=' class="text-center"') -> str:
        return (
            '<tr{}><td colspan="3">&nbsp;</td><td>{}</td><td colspan="{}">&nbsp;</td>'
            '<td colspan="2">{}</td><td>&nbsp;</td></tr>'.format(cls, left, mid, right)
        )

    blank = '<tr><td colspan="{}">&nbsp;</td>'.format(total)  # no </tr>, as OpenSID
    return (
        ["<table>", '<tr><td colspan="{}">&nbsp;</td></tr>'.format(total)]
        + [row("MENGETAHUI", _e("{}, {}".format(desa, tanggal_ttd).upper()))]
        + [
            row(
                _e("{} {}".format(ketahui.get("jabatan", ""), desa).upper()),
                _e("{} {}".format(ttd.get("jabatan", ""), desa).upper()),
            )
        ]
        + [blank] * 6
        + [
            row(
                "<u>{}</u>".format(_e(ketahui.get("nama", ""))),
                "<u>{}</u>".format(_e(ttd.get("nama", ""))),
            ),
            row(_e(_nip_line(ketahui)), _e(_nip_line(ttd))),
            "</table>",
        ]
    )


def buku_aparat_xlsx(
    path,
    *,
    desa: str,
    kecamatan: str,
    kabupaten: str,
    officials: list[dict],
    with_nik: bool = True,
    with_desa_column: bool = False,
    bulan_tahun: str = "Desember / 2026",
    tanggal_ttd: str = "01 Desember 2026",
):
    """The Buku Pemerintah Desa as Excel saves it after opening the HTML "Unduh".

    Layout (0-based rows): 0 title (merged across), 1 'Model A.4' in the last
    column, 2-5 title block ('Desa' in A:B merged, ': X' in C), 6 blank,
    7 header, 8 numbering row 1..N (numbers, as Excel converts them),
    then one row per official (NO as a number, every other cell text),
    a blank row and the signature block (MENGETAHUI in column D; right-hand
    signer in the two columns before the last, merged).
    """
    header = _buku_columns(with_nik, with_desa_column)
    total = len(header)
    ketahui, ttd = _signatories(officials)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("wilayah_2026-12-01")  # Excel names the sheet after the file
    bold = wb.add_format({"bold": True})
    center = wb.add_format({"align": "center", "bold": True})
    last = total - 1
    ws.merge_range(0, 0, 0, last, BUKU_APARAT_TITLE, center)
    ws.write_string(1, last, "Model A.4")
    r = 2
    for label, value in (
        ("Desa", desa),
        ("Kecamatan", kecamatan),
        ("Kabupaten", kabupaten),
        ("Bulan / Tahun", bulan_tahun),
    ):
        ws.merge_range(r, 0, r, 1, label, bold)
        ws.write_string(r, 2, ": {}".format(value))
        r += 1
    r += 1  # blank row
    for c, h in enumerate(header):
        ws.write_string(r, c, h, bold)
    r += 1
    for c in range(total):
        ws.write_number(r, c, c + 1)
    r += 1
    for no, o in enumerate(_order(officials), start=1):
        ws.write_number(r, 0, no)
        cells = _buku_row(
            o, desa=desa, with_nik=with_nik, with_desa_column=with_desa_column
        )
        for c, (text, _textx) in enumerate(cells, start=1):
            if text != "":
                ws.write_string(r, c, str(text))
        r += 1
    r += 1  # blank row before the signature block

    def sig(left: str, right: str) -> None:
        if left:
            ws.write_string(r, 3, left)
        if right:
            ws.merge_range(r, last - 2, r, last - 1, right)

    sig("MENGETAHUI", "{}, {}".format(desa, tanggal_ttd).upper())
    r += 1
    sig(
        "{} {}".format(ketahui.get("jabatan", ""), desa).upper(),
        "{} {}".format(ttd.get("jabatan", ""), desa).upper(),
    )
    r += 7  # six blank rows
    sig(ketahui.get("nama", ""), ttd.get("nama", ""))
    r += 1
    sig(_nip_line(ketahui), _nip_line(ttd))
    wb.close()
    return path


# --- Penduduk ekspor (XLSX, machine headers) ---


def _resident_defaults(res: dict) -> dict:
    row = {k: "" for k in PENDUDUK_EKSPOR_COLUMNS}
    row.update(
        {
            "agama_id": "1",
            "pendidikan_kk_id": "5",
            "pendidikan_sedang_id": "18",
            "status_kawin": "1",
            "kk_level": "1",
            "warganegara_id": "1",
            "golongan_darah_id": "13",
            "cacat_id": "7",
            "ktp_el": "2",
            "status_rekam": "4",
            "status_dasar": "1",
        }
    )
    row.update({k: ("" if v is None else str(v)) for k, v in res.items() if k in row})
    return row


def _lookup(table: dict, code: str) -> str:
    try:
        return table.get(int(code), "")
    except (TypeError, ValueError):
        return ""


def penduduk_ekspor_xlsx(path, residents: list[dict], *, huruf: bool = False):
    """OpenSID Penduduk Ekspor: one sheet 'Sheet1', header = 43 machine names,
    every cell a string (Spout writes PHP strings as inline strings), blanks empty.

    As ``Ekspor_model::expor``: rows sorted by no_kk; a stored '0' becomes ''
    (except nik / no_kk); empty dusun/rw/rt become '-'; ``id_asuransi`` is always
    empty (the query aliases it ``asuransi``).  With ``huruf`` codes become names
    (sex 'LAKI-LAKI', pekerjaan 'PETANI/PEKEBUN', hamil 'YA'/'TIDAK',
    status_dasar via tweb_penduduk_status 'TETAP'), while warganegara_id,
    ktp_el and status_rekam come out empty (OpenSID looks them up with the
    already-converted warganegara name).
    """
    rows = []
    for res in sorted(residents, key=lambda r: str(r.get("no_kk", ""))):
        row = _resident_defaults(res)
        for k, v in row.items():
            if v == "0" and k not in ("nik", "no_kk"):
                row[k] = ""
        for k in ("dusun", "rw", "rt"):
            if row[k] == "":
                row[k] = "-"
        row["id_asuransi"] = ""
        if row["sex"] == "1":
            row["hamil"] = ""
        if huruf:
            row["sex"] = _lookup(SEX, row["sex"])
            row["agama_id"] = _lookup(AGAMA, row["agama_id"])
            row["pendidikan_kk_id"] = _lookup(PENDIDIKAN_KK, row["pendidikan_kk_id"])
            row["pendidikan_sedang_id"] = _lookup(
                PENDIDIKAN_SEDANG, row["pendidikan_sedang_id"]
            )
            row["pekerjaan_id"] = _lookup(PEKERJAAN, row["pekerjaan_id"])
            row["status_kawin"] = _lookup(KAWIN, row["status_kawin"])
            row["kk_level"] = _lookup(HUBUNGAN, row["kk_level"])
            row["golongan_darah_id"] = _lookup(GOLONGAN_DARAH, row["golongan_darah_id"])
            row["cacat_id"] = _lookup(CACAT, row["cacat_id"])
            row["cara_kb_id"] = _lookup(CARA_KB, row["cara_kb_id"])
            row["status_dasar"] = _lookup(PENDUDUK_STATUS, row["status_dasar"])
            row["hamil"] = "YA" if row["hamil"] == "1" else "TIDAK"
            row["warganegara_id"] = row["ktp_el"] = row["status_rekam"] = ""
        rows.append(row)

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("Sheet1")
    for c, name in enumerate(PENDUDUK_EKSPOR_COLUMNS):
        ws.write_string(0, c, name)
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(PENDUDUK_EKSPOR_COLUMNS):
            if row[name] != "":
                ws.write_string(r, c, row[name])
    wb.close()
    return path


# --- Penduduk list "Unduh" (HTML saved as .xls) ---


def _kawin(res: dict) -> str:
    code = str(res.get("status_kawin", "1") or "")
    if code == "":
        return ""
    if code != "2":
        return _lookup(KAWIN, code)
    if res.get("akta_perkawinan") or res.get("tanggalperkawinan"):
        return "KAWIN TERCATAT"
    return "KAWIN BELUM TERCATAT"


def penduduk_unduh_html(
    path,
    residents: list[dict],
    *,
    desa: str,
    kecamatan: str,
    kabupaten: str,
    masked: bool = False,
    tanggal_cetak: str = "2026-12-01",
    judul_statistik: str = "",
):
    """OpenSID penduduk list "Unduh" (HTML; the caller names it ``Penduduk_<date>.xls``).

    Title line 'Desa : X Kec. : Y Kab : Z', then 'DATA PENDUDUK', then a table
    with the 21 headers of ``PENDUDUK_UNDUH_HEADER``; footer
    'Tanggal cetak : 01 Desember 2026'.  With ``masked`` (the privacy button)
    NIK and No. KK go through ``sensor_nik_kk`` (16 digits -> 17 characters).
    Umur is counted at ``tanggal_cetak``.
    """
    on = _dt.date.fromisoformat(tanggal_cetak)
    out = [
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
        '<html xmlns="http://www.w3.org/1999/xhtml">',
        "<head>",
        "<title>Data Penduduk</title>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">',
        '<style>.textx { mso-number-format:"\\@"; } '
        'td,th { font-size:6.5pt; mso-number-format:"\\@"; }</style>',
        "</head>",
        "<body>",
        '<div id="container">',
        '<div id="body">',
        '<div class="header" align="center">',
        '<label align="left">Desa : {} Kec. : {} Kab : {}</label>'.format(
            _e(desa), _e(kecamatan), _e(kabupaten)
        ),
        "<h3> DATA PENDUDUK </h3>",
        "<h3> {}</h3>".format(_e(judul_statistik)),
        "</div>",
        "<br>",
        '<table class="border thick">',
        "<thead>",
        '<tr class="border thick">'
        + "".join("<th>{}</th>".format(_e(h)) for h in PENDUDUK_UNDUH_HEADER)
        + "</tr>",
        "</thead>",
        "<tbody>",
    ]
    for no, res in enumerate(residents, start=1):
        no_kk = str(res.get("no_kk", ""))
        nik = str(res.get("nik", ""))
        if masked:
            no_kk, nik = sensor_nik_kk(no_kk), sensor_nik_kk(nik)
        cells = [
            str(no),
            no_kk,
            nik,
            res.get("tag_id_card", ""),
            str(res.get("nama", "")).upper(),
            str(res.get("alamat", "")).upper(),
            str(res.get("dusun", "")).upper(),
            res.get("rw", ""),
            res.get("rt", ""),
            _lookup(SEX, res.get("sex", "")),
            res.get("tempatlahir", ""),
            tgl_indo(res.get("tanggallahir", "")),
            _age(res.get("tanggallahir", ""), on),
            _lookup(AGAMA, res.get("agama_id", "1")),
            _lookup(PENDIDIKAN_KK, res.get("pendidikan_kk_id", "5")),
            _lookup(PEKERJAAN, res.get("pekerjaan_id", "")),
            _kawin(res),
            _lookup(HUBUNGAN, res.get("kk_level", "1")),
            res.get("nama_ayah", ""),
            res.get("nama_ibu", ""),
            "Tetap" if str(res.get("status", "1")) == "1" else "Pendatang",
        ]
        tds = []
        for i, cell in enumerate(cells):
            attr = ' align="right"' if i == 12 else ""
            tds.append("<td{}>{}</td>".format(attr, _e(cell)))
        out.append("<tr>" + "".join(tds) + "</tr>")
    out += [
        "</tbody>",
        "</table>",
        "</div>",
        "<label>Tanggal cetak : &nbsp; </label>",
        " {}".format(tgl_indo(tanggal_cetak)),
        "</div>",
        "</body>",
        "</html>",
        "",
    ]
    Path(path).write_text("\n".join(out), encoding="utf-8")
    return path


# --- Siskeudes Ta_Perangkat.csv ---


def siskeudes_perangkat_csv(path, rows: list[dict], *, tahun: int = 2026):
    """Siskeudes ``Ta_Perangkat.csv`` (comma separated, header first, CRLF).

    A row dict may give ``kd_desa`` ('04.2003.') or ``kode_desa``
    ('53.01.04.2003', converted), ``kd_jabatan`` (default '01'), ``no_id``
    (default: running number), ``nama``, ``alamat``, ``hp``, ``rek_bank``,
    ``nama_bank``.  There is no NIK, birth date or sex in this table.
    """
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(TA_PERANGKAT_COLUMNS)
        for i, row in enumerate(rows, start=1):
            kd_desa = row.get("kd_desa") or siskeudes_kd_desa(row["kode_desa"])
            w.writerow(
                [
                    str(tahun),
                    kd_desa,
                    row.get("kd_jabatan", "01"),
                    row.get("no_id", str(i)),
                    row.get("nama", ""),
                    row.get("alamat", ""),
                    row.get("hp", ""),
                    row.get("rek_bank", ""),
                    row.get("nama_bank", ""),
                ]
            )
    return path
