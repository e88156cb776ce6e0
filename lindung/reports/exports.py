"""The rakor report as CSV, XLSX (XlsxWriter) and PDF (fpdf2, A4, Indonesian, dated)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from lindung.common.format import persen, tanggal

from .services import rakor_json

COLUMNS = [
    ("code", "Kode"),
    ("name", "Kabupaten/Kota"),
    ("desa", "Desa"),
    ("kelurahan", "Kelurahan"),
    ("perangkat_terdaftar", "Perangkat terdaftar"),
    ("perangkat_terlindungi", "Perangkat terlindungi"),
    ("perangkat_target", "Target perangkat"),
    ("perangkat_persen", "Cakupan (%)"),
    ("rentan_dana_desa", "Rentan: Dana Desa"),
    ("rentan_apbd", "Rentan: APBD"),
    ("rentan_lainnya", "Rentan: lainnya"),
    ("tahap_label", "Tahap"),
    ("rencana", "Rencana tindak lanjut"),
]


def title(report: dict) -> str:
    return "Laporan Rapat Koordinasi Jaminan Sosial Ketenagakerjaan — {}".format(
        report["region"]["name"]
    )


def to_json(report: dict) -> bytes:
    return json.dumps(rakor_json(report), ensure_ascii=False, indent=2).encode()


def to_csv(report: dict) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([label for _k, label in COLUMNS])
    for r in report["rows"]:
        w.writerow([r.get(k, "") if r.get(k) is not None else "" for k, _l in COLUMNS])
    t = report["total"]
    w.writerow(
        [
            "",
            "TOTAL",
            *[t.get(k, "") if t.get(k) is not None else "" for k, _l in COLUMNS[2:-2]],
            "",
            "",
        ]
    )
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(report: dict) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = wb.add_format({"bold": True})
    head = wb.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "text_wrap": True,
            "valign": "top",
        }
    )
    num = wb.add_format({"num_format": "#,##0", "border": 1})
    pct = wb.add_format({"num_format": "0.0", "border": 1})
    txt = wb.add_format({"border": 1})
    red = wb.add_format({"border": 1, "bg_color": "#FDECEA"})
    ws = wb.add_worksheet("Rakor")
    ws.write(0, 0, title(report), bold)
    ws.write(1, 0, "Keadaan per {}".format(tanggal(report["as_of"])))
    for c, (_k, label) in enumerate(COLUMNS):
        ws.write(3, c, label, head)
    for i, r in enumerate(report["rows"], start=4):
        for c, (k, _l) in enumerate(COLUMNS):
            value = r.get(k)
            if k == "perangkat_persen":
                ws.write(i, c, value if value is not None else "", pct)
            elif isinstance(value, int) and not isinstance(value, bool):
                ws.write_number(i, c, value, num)
            else:
                ws.write(
                    i,
                    c,
                    value or "",
                    red if r["tahap"] != "terlindungi" and k == "tahap_label" else txt,
                )
    last = 4 + len(report["rows"])
    t = report["total"]
    ws.write(last, 1, "TOTAL", head)
    for c, (k, _l) in enumerate(COLUMNS[2:11], start=2):
        value = t.get(k)
        ws.write(
            last,
            c,
            value if value is not None else "",
            pct if k == "perangkat_persen" else num,
        )
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 10, 12)
    ws.set_column(11, 12, 28)
    ws.freeze_panes(4, 2)

    ws2 = wb.add_worksheet("Tanpa perlindungan")
    ws2.write_row(
        0,
        0,
        ["Kode", "Kabupaten/Kota", "Tahap", "Rencana tindak lanjut", "Tanggal rencana"],
        head,
    )
    for i, r in enumerate(report["tanpa_perlindungan"], start=1):
        ws2.write_row(
            i,
            0,
            [
                r["code"],
                r["name"],
                r["tahap_label"],
                r["rencana"],
                r["rencana_tanggal"] or "",
            ],
        )
    ws2.set_column(0, 4, 24)
    ws3 = wb.add_worksheet("Desa tanpa perangkat")
    ws3.write_row(0, 0, ["Kode desa", "Desa", "Kabupaten/Kota"], head)
    for i, v in enumerate(report["desa_tanpa_perangkat_terlindungi"], start=1):
        ws3.write_row(i, 0, [v["code"], v["name"], v["kabupaten"]])
    ws3.set_column(0, 2, 26)
    wb.close()
    return buf.getvalue()


def _latin1(text) -> str:
    s = "" if text is None else str(text)
    return (
        s.replace("—", "-")
        .replace("–", "-")
        .replace("•", "*")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def _n(value) -> str:
    return "-" if value is None else f"{value:,}".replace(",", ".")


def to_pdf(
    report: dict, *, printed: dt.date | None = None, max_villages: int = 200
) -> bytes:
    from fpdf import FPDF

    printed = printed or dt.date.today()

    class Doc(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", size=7)
            self.cell(
                0,
                6,
                _latin1(
                    "Lindung - dicetak {} - halaman {}/{{nb}}".format(
                        tanggal(printed), self.page_no()
                    )
                ),
                align="C",
            )

    pdf = Doc(orientation="L", unit="mm", format="A4")
    pdf.set_title(_latin1(title(report)))
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, _latin1(title(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.cell(
        0,
        6,
        _latin1(
            "Keadaan per {}  |  Perlindungan JKK dan JKM BPJS Ketenagakerjaan bagi perangkat desa dan "
            "pekerja rentan".format(tanggal(report["as_of"]))
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)

    from fpdf.fonts import FontFace

    widths = (12, 46, 14, 14, 20, 20, 18, 15, 20, 18, 18, 27, 35)
    labels = [
        "Kode",
        "Kabupaten/Kota",
        "Desa",
        "Kel.",
        "Perangkat terdaftar",
        "Perangkat terlindungi",
        "Target",
        "Cakupan %",
        "Rentan Dana Desa",
        "Rentan APBD",
        "Rentan lainnya",
        "Tahap",
        "Rencana tindak lanjut",
    ]
    align = ("LEFT", "LEFT", *["RIGHT"] * 9, "LEFT", "LEFT")
    pdf.set_font("Helvetica", size=7)
    red = FontFace(fill_color=(253, 236, 234))
    bold = FontFace(emphasis="BOLD", fill_color=(238, 242, 246))
    with pdf.table(
        col_widths=widths,
        text_align=align,
        line_height=3.6,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", fill_color=(221, 235, 247)),
    ) as table:
        table.row([_latin1(label) for label in labels])
        for r in report["rows"]:
            style = red if r["tahap"] != "terlindungi" and r["desa"] > 0 else None
            table.row(
                [
                    _latin1(v)
                    for v in (
                        r["code"],
                        r["name"],
                        _n(r["desa"]),
                        _n(r["kelurahan"]),
                        _n(r["perangkat_terdaftar"]),
                        _n(r["perangkat_terlindungi"]),
                        _n(r["perangkat_target"]),
                        persen(r["perangkat_persen"]),
                        _n(r["rentan_dana_desa"]),
                        _n(r["rentan_apbd"]),
                        _n(r["rentan_lainnya"]),
                        r["tahap_label"],
                        r["rencana"] or "",
                    )
                ],
                style=style,
            )
        t = report["total"]
        table.row(
            [
                _latin1(v)
                for v in (
                    "",
                    "TOTAL",
                    _n(t["desa"]),
                    _n(t["kelurahan"]),
                    _n(t["perangkat_terdaftar"]),
                    _n(t["perangkat_terlindungi"]),
                    _n(t["perangkat_target"]),
                    persen(t["perangkat_persen"]),
                    _n(t["rentan_dana_desa"]),
                    _n(t["rentan_apbd"]),
                    _n(t["rentan_lainnya"]),
                    "",
                    "",
                )
            ],
            style=bold,
        )
    pdf.ln(4)

    _bar_chart(pdf, report)

    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Kabupaten/kota tanpa perlindungan", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    if not report["tanpa_perlindungan"]:
        pdf.cell(0, 5, "Tidak ada.", new_x="LMARGIN", new_y="NEXT")
    for r in report["tanpa_perlindungan"]:
        plan = (
            " Rencana: {} ({}).".format(r["rencana"], tanggal(r["rencana_tanggal"]))
            if r["rencana"]
            else ""
        )
        pdf.multi_cell(
            0,
            5,
            _latin1(
                "- {} {}: tahap {}.{}".format(
                    r["code"], r["name"], r["tahap_label"], plan
                )
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    villages = report["desa_tanpa_perangkat_terlindungi"]
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(
        0,
        6,
        _latin1("Desa tanpa perangkat terlindungi: {} desa".format(_n(len(villages)))),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=7)
    shown = villages[:max_villages]
    line = "; ".join(
        "{} {} ({})".format(
            v["code"], v["name"], v["kabupaten"].replace("Kabupaten ", "Kab. ")
        )
        for v in shown
    )
    if line:
        pdf.multi_cell(
            0,
            4,
            _latin1(
                line
                + (
                    "; ... (daftar lengkap di XLSX)"
                    if len(villages) > len(shown)
                    else ""
                )
            ),
        )
    return bytes(pdf.output())


def _bar_chart(pdf, report: dict) -> None:
    rows = [r for r in report["rows"] if r["desa"] or r["perangkat_terlindungi"]]
    if not rows:
        return
    if pdf.get_y() > 120:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(
        0,
        6,
        "Perangkat desa terlindungi per kabupaten/kota",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    top = max(max(r["perangkat_terlindungi"], r["perangkat_target"]) for r in rows) or 1
    x0, y0, h = pdf.l_margin + 45, pdf.get_y() + 1, 3.2
    width = 200
    pdf.set_font("Helvetica", size=6)
    for i, r in enumerate(rows):
        y = y0 + i * (h + 0.8)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(44, h, _latin1(r["name"].replace("Kabupaten ", "")[:30]), align="R")
        pdf.set_fill_color(230, 230, 230)
        pdf.rect(x0, y, width * r["perangkat_target"] / top, h, style="F")
        if r["perangkat_terlindungi"]:
            pdf.set_fill_color(30, 132, 73)
        pdf.rect(
            x0, y, max(width * r["perangkat_terlindungi"] / top, 0.01), h, style="F"
        )
        if not r["perangkat_terlindungi"]:
            pdf.set_fill_color(192, 57, 43)
            pdf.rect(x0, y, 2, h, style="F")
        pdf.set_xy(x0 + width + 2, y)
        pdf.cell(
            30,
            h,
            _latin1(
                "{} / {}".format(
                    _n(r["perangkat_terlindungi"]), _n(r["perangkat_target"])
                )
            ),
        )
    pdf.set_y(y0 + len(rows) * (h + 0.8) + 4)


# Every output format of the rakor report, for the CLI and the download view alike.
WRITERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}
