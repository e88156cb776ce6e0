"""The rakor report as CSV, XLSX (XlsxWriter) and PDF (fpdf2, A4, Indonesian, dated)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import xlsxwriter
from fpdf import FPDF
from fpdf.fonts import FontFace

from lindung.common.format import persen, tanggal
from lindung.common.spreadsheet import SAFE_WORKBOOK, csv_safe

from . import rules
from .services import rakor_json

# (key, header). ``desa_persen``/``perangkat_persen`` are percentages; ``tahap_text``, ``pks_text`` and
# ``rencana_text`` are the words every output shows (``rules.stage_text`` etc.), the rest the report's own keys.
COLUMNS = [
    ("code", "Kode"),
    ("name", "Kabupaten/Kota"),
    ("desa", "Desa"),
    ("kelurahan", "Kelurahan"),
    ("desa_terlindungi", "Desa terlindungi"),
    ("desa_persen", "Desa terlindungi (%)"),
    ("perangkat_terdaftar", "Perangkat terdaftar"),
    ("perangkat_terlindungi", "Perangkat terlindungi"),
    ("perangkat_target", "Target perangkat"),
    ("perangkat_persen", "Cakupan (%)"),
    ("rentan_dana_desa", "Rentan: Dana Desa"),
    ("rentan_apbd", "Rentan: APBD"),
    ("rentan_lainnya", "Rentan: lainnya"),
    ("tahap_text", "Tahap"),
    ("pks_text", "PKS"),
    ("rencana_text", "Rencana tindak lanjut"),
]
# The CSV also carries the machine values beside the words (issue #18: an ended PKS and an overdue plan each have a
# column of their own, with the date).
CSV_EXTRA = [
    ("tahap", "Kode tahap"),
    ("pks_status", "Status PKS"),
    ("pks_berlaku_sampai", "PKS berlaku sampai"),
    ("rencana_tanggal", "Tanggal rencana"),
    ("rencana_terlambat", "Rencana terlambat"),
]
PERCENT_KEYS = {"desa_persen", "perangkat_persen"}
TOTAL_KEYS = [k for k, _l in COLUMNS if k in rules.COUNT_KEYS or k in PERCENT_KEYS]
RED = (192, 57, 43)


def _shown(row: dict) -> dict:
    """The row with the words every output shows for stage, agreement and plan."""
    return {
        **row,
        "tahap_text": rules.stage_text(row),
        "pks_text": rules.pks_text(row),
        "rencana_text": rules.plan_text(row),
    }


def title(report: dict) -> str:
    return "Laporan Rapat Koordinasi Jaminan Sosial Ketenagakerjaan — {}".format(
        report["region"]["name"]
    )


def to_json(report: dict) -> bytes:
    return json.dumps(rakor_json(report), ensure_ascii=False, indent=2).encode()


# Indonesian Excel lists with ";" (its decimal mark is the comma), and reads UTF-8 only behind a BOM.
CSV_DELIMITER = ";"


def to_csv(report: dict) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=CSV_DELIMITER)
    columns = COLUMNS + CSV_EXTRA
    w.writerow([label for _k, label in columns])
    for r in report["rows"]:
        shown = _shown(r)
        w.writerow([_csv_value(shown.get(k)) for k, _l in columns])
    t = report["total"]
    w.writerow(
        [
            "TOTAL" if k == "name" else _csv_value(t.get(k)) if k in TOTAL_KEYS else ""
            for k, _l in columns
        ]
    )
    return buf.getvalue().encode("utf-8-sig")


def _csv_value(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return csv_safe(value)


def to_xlsx(report: dict) -> bytes:

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, **SAFE_WORKBOOK})
    fmt = _xlsx_formats(wb)
    ws = wb.add_worksheet("Rakor")
    ws.write(0, 0, title(report), fmt["bold"])
    ws.write(1, 0, "Keadaan per {}".format(tanggal(report["as_of"])))
    if report.get("ambang_persen") is not None:
        ws.write(
            2,
            0,
            "Tahap Terlindungi: desa dengan perangkat terlindungi >= {} dari seluruh desa".format(
                persen(report["ambang_persen"])
            ),
        )
    for c, (_k, label) in enumerate(COLUMNS):
        ws.write(3, c, label, fmt["head"])
    for i, r in enumerate(report["rows"], start=4):
        shown = _shown(r)
        for c, (k, _l) in enumerate(COLUMNS):
            _xlsx_cell(ws, i, c, k, shown, fmt)
    last = 4 + len(report["rows"])
    t = report["total"]
    ws.write(last, 1, "TOTAL", fmt["head"])
    for c, (k, _l) in enumerate(COLUMNS):
        if k in TOTAL_KEYS:
            value = t.get(k)
            ws.write(
                last,
                c,
                value if value is not None else "",
                fmt["pct"] if k in PERCENT_KEYS else fmt["num"],
            )
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 12, 12)
    ws.set_column(13, 15, 30)
    ws.freeze_panes(4, 2)

    _xlsx_unprotected(wb, report, fmt)
    _xlsx_partly(wb, report, fmt)
    ws3 = wb.add_worksheet("Desa tanpa perangkat")
    ws3.write_row(0, 0, ["Kode desa", "Desa", "Kabupaten/Kota"], fmt["head"])
    for i, v in enumerate(report["desa_tanpa_perangkat_terlindungi"], start=1):
        ws3.write_row(i, 0, [v["code"], v["name"], v["kabupaten"]])
    ws3.set_column(0, 2, 26)
    wb.close()
    return buf.getvalue()


def _xlsx_formats(wb) -> dict:
    red = {"font_color": "#C0392B", "bold": True, "bg_color": "#FDECEA"}
    return {
        "bold": wb.add_format({"bold": True}),
        "head": wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        ),
        "num": wb.add_format({"num_format": "#,##0", "border": 1}),
        "pct": wb.add_format({"num_format": "0.0", "border": 1}),
        "txt": wb.add_format({"border": 1}),
        "amber": wb.add_format({"border": 1, "bg_color": "#FEF5E7"}),
        "red": wb.add_format({"border": 1, "bg_color": "#FDECEA"}),
        # Issue #18: an ended PKS and an overdue plan in red type on red, the date in the cell's text.
        "alert": wb.add_format({"border": 1, "text_wrap": True, **red}),
        "alert_plain": wb.add_format(red),
    }


def _xlsx_cell(ws, i: int, c: int, k: str, r: dict, fmt: dict) -> None:
    value = r.get(k)
    if k in PERCENT_KEYS:
        ws.write(i, c, value if value is not None else "", fmt["pct"])
    elif isinstance(value, int) and not isinstance(value, bool):
        ws.write_number(i, c, value, fmt["num"])
    elif k == "tahap_text":
        stage = fmt["txt"] if r["tahap"] == "terlindungi" else fmt["red"]
        ws.write(i, c, value, fmt["amber"] if r["tahap"] == "sebagian" else stage)
    elif k == "pks_text":
        ws.write(
            i, c, value, fmt["alert"] if r["pks_status"] == "berakhir" else fmt["txt"]
        )
    elif k == "rencana_text":
        ws.write(i, c, value, fmt["alert"] if r["rencana_terlambat"] else fmt["txt"])
    else:
        ws.write(i, c, value or "", fmt["txt"])


def _xlsx_unprotected(wb, report: dict, fmt: dict) -> None:
    ws = wb.add_worksheet("Tanpa perlindungan")
    ws.write_row(
        0,
        0,
        [
            "Kode",
            "Kabupaten/Kota",
            "Tahap",
            "Rencana tindak lanjut",
            "Tanggal rencana",
            "PKS",
        ],
        fmt["head"],
    )
    for i, r in enumerate(report["tanpa_perlindungan"], start=1):
        late = fmt["alert_plain"] if r["rencana_terlambat"] else None
        ws.write_row(i, 0, [r["code"], r["name"], r["tahap_label"]])
        ws.write(i, 3, rules.plan_text(r), late)
        ws.write(i, 4, r["rencana_tanggal"] or "", late)
        ended = fmt["alert_plain"] if r["pks_status"] == "berakhir" else None
        ws.write(i, 5, rules.pks_text(r), ended)
    ws.set_column(0, 5, 24)


def _xlsx_partly(wb, report: dict, fmt: dict) -> None:
    ws = wb.add_worksheet("Sebagian terlindungi")
    ws.write_row(
        0,
        0,
        [
            "Kode",
            "Kabupaten/Kota",
            "Desa",
            "Desa terlindungi",
            "Desa terlindungi (%)",
            "Ambang (%)",
            "Desa belum terlindungi",
            "Daftar desa belum terlindungi",
        ],
        fmt["head"],
    )
    for i, r in enumerate(report["sebagian_terlindungi"], start=1):
        ws.write_row(
            i,
            0,
            [
                r["code"],
                r["name"],
                r["desa"],
                r["desa_terlindungi"],
                r["desa_persen"],
                r["ambang_persen"] if r["ambang_persen"] is not None else "",
                len(r["desa_belum"]),
                # An Excel cell holds 32,767 characters; the full list is on the sheet "Desa tanpa perangkat".
                "; ".join(
                    "{} {}".format(v["code"], v["name"]) for v in r["desa_belum"]
                )[:32_000],
            ],
        )
    ws.set_column(0, 6, 14)
    ws.set_column(1, 1, 30)
    ws.set_column(7, 7, 80)


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
    if report.get("ambang_persen") is not None:
        pdf.cell(
            0,
            5,
            _latin1(
                "Tahap Terlindungi: desa dengan perangkat terlindungi >= {} dari seluruh desa; di bawahnya "
                "Sebagian terlindungi.".format(persen(report["ambang_persen"]))
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)

    _pdf_table(pdf, report)
    pdf.ln(4)

    _bar_chart(pdf, report)

    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Kabupaten/kota tanpa perlindungan", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    if not report["tanpa_perlindungan"]:
        pdf.cell(0, 5, "Tidak ada.", new_x="LMARGIN", new_y="NEXT")
    for r in report["tanpa_perlindungan"]:
        _pdf_line(
            pdf,
            "- {} {}: tahap {}.".format(r["code"], r["name"], r["tahap_label"]),
            r,
        )
    _pdf_partly(pdf, report, limit=max_villages)
    _pdf_flagged(pdf, report)
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


def _pdf_table(pdf, report: dict) -> None:
    # Each at least its widest heading word or figure at 7 pt plus the cell padding (A4 landscape: 277 mm).
    widths = (10, 40, 9, 8, 18, 14, 15, 10, 13, 15, 10, 11, 25, 34, 45)
    labels = [
        "Kode",
        "Kabupaten/Kota",
        "Desa",
        "Kel.",
        "Desa terlindungi",
        "Perangkat terdaftar",
        "Perangkat terlindungi",
        "Target",
        "Cakupan %",
        "Rentan Dana Desa",
        "Rentan APBD",
        "Rentan lainnya",
        "Tahap",
        "PKS",
        "Rencana tindak lanjut",
    ]
    align = ("LEFT", "LEFT", *["RIGHT"] * 10, "LEFT", "LEFT", "LEFT")
    pdf.set_font("Helvetica", size=7)
    red = FontFace(fill_color=(253, 236, 234))
    amber = FontFace(fill_color=(254, 245, 231))
    # Issue #18: an ended PKS and an overdue plan in red type, with the date.
    alert = FontFace(emphasis="BOLD", color=RED, fill_color=(253, 236, 234))
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
            style = None
            if r["tahap"] == "sebagian":
                style = amber
            elif r["tahap"] != "terlindungi" and r["desa"] > 0:
                style = red
            row = table.row(style=style)
            for v in (
                r["code"],
                r["name"],
                _n(r["desa"]),
                _n(r["kelurahan"]),
                "{} ({})".format(_n(r["desa_terlindungi"]), persen(r["desa_persen"]))
                if r["desa"]
                else "-",
                _n(r["perangkat_terdaftar"]),
                _n(r["perangkat_terlindungi"]),
                _n(r["perangkat_target"]),
                persen(r["perangkat_persen"]),
                _n(r["rentan_dana_desa"]),
                _n(r["rentan_apbd"]),
                _n(r["rentan_lainnya"]),
                rules.stage_text(r),
            ):
                row.cell(_latin1(v))
            row.cell(
                _latin1(rules.pks_text(r)),
                style=alert if r["pks_status"] == "berakhir" else None,
            )
            row.cell(
                _latin1(rules.plan_text(r)),
                style=alert if r["rencana_terlambat"] else None,
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
                    "{} ({})".format(
                        _n(t["desa_terlindungi"]), persen(t["desa_persen"])
                    ),
                    _n(t["perangkat_terdaftar"]),
                    _n(t["perangkat_terlindungi"]),
                    _n(t["perangkat_target"]),
                    persen(t["perangkat_persen"]),
                    _n(t["rentan_dana_desa"]),
                    _n(t["rentan_apbd"]),
                    _n(t["rentan_lainnya"]),
                    "",
                    "",
                    "",
                )
            ],
            style=bold,
        )


def _pdf_line(pdf, text: str, r: dict) -> None:
    """One line of a list, followed by the regency's ended PKS and overdue plan in red."""
    pdf.multi_cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    notes = []
    if r.get("pks_status") == "berakhir":
        text = rules.pks_text(r)
        notes.append("PKS " + text[:1].lower() + text[1:])
    if r.get("rencana"):
        notes.append("Rencana: " + rules.plan_text(r))
    for note in notes:
        late = note.startswith("PKS") or r.get("rencana_terlambat")
        if late:
            pdf.set_text_color(*RED)
        pdf.multi_cell(0, 5, _latin1("    " + note), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)


def _pdf_partly(pdf, report: dict, *, limit: int) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    threshold = report.get("ambang_persen")
    pdf.cell(
        0,
        6,
        _latin1(
            "Kabupaten/kota sebagian terlindungi (desa dengan perangkat terlindungi di bawah {})".format(
                persen(threshold)
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=8)
    if not report["sebagian_terlindungi"]:
        pdf.cell(0, 5, "Tidak ada.", new_x="LMARGIN", new_y="NEXT")
    for r in report["sebagian_terlindungi"]:
        _pdf_line(
            pdf,
            "- {} {}: {} dari {} desa ({}); {} desa belum terlindungi:".format(
                r["code"],
                r["name"],
                _n(r["desa_terlindungi"]),
                _n(r["desa"]),
                persen(r["desa_persen"]),
                _n(len(r["desa_belum"])),
            ),
            r,
        )
        pdf.set_font("Helvetica", size=7)
        shown = r["desa_belum"][:limit]
        more = "; ... (daftar lengkap di XLSX)" if len(r["desa_belum"]) > limit else ""
        pdf.multi_cell(
            0,
            4,
            _latin1(
                "    "
                + "; ".join("{} {}".format(v["code"], v["name"]) for v in shown)
                + more
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", size=8)


def _pdf_flagged(pdf, report: dict) -> None:
    """Every regency whose PKS has ended or whose plan is overdue, in red with the date."""
    flagged = report["perlu_perhatian"]
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(
        0,
        6,
        "PKS berakhir dan rencana terlambat",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=8)
    if not flagged:
        pdf.cell(0, 5, "Tidak ada.", new_x="LMARGIN", new_y="NEXT")
    for r in flagged:
        notes = []
        if r["pks_status"] == "berakhir":
            text = rules.pks_text(r)
            notes.append("PKS " + text[:1].lower() + text[1:])
        if r["rencana_terlambat"]:
            notes.append("rencana " + rules.plan_text(r))
        pdf.set_text_color(*RED)
        pdf.multi_cell(
            0,
            5,
            _latin1("- {} {}: {}".format(r["code"], r["name"], "; ".join(notes))),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)


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
