"""File outputs: the budget projection (JSON/CSV/XLSX) and a bill as an A4 PDF with the total in words."""

from __future__ import annotations

import csv
import io
import json

from lindung.common.format import bulan, rupiah, tanggal, terbilang_rupiah

BUDGET_COLUMNS = [
    "year",
    "level",
    "code",
    "name",
    "funding",
    "participants",
    "monthly",
    "annual",
    "billed",
    "paid",
    "owed",
]


def budget_bytes(rows: list[dict], fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=BUDGET_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue().encode("utf-8-sig")
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("Anggaran")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    sheet.write_row(0, 0, BUDGET_COLUMNS, bold)
    for r, row in enumerate(rows, start=1):
        for c, key in enumerate(BUDGET_COLUMNS):
            value = row.get(key)
            sheet.write(
                r, c, value, money if isinstance(value, int) and c >= 6 else None
            )
    sheet.set_column(0, 1, 10)
    sheet.set_column(2, 4, 18)
    sheet.set_column(5, 10, 15)
    sheet.autofilter(0, 0, max(len(rows), 1), len(BUDGET_COLUMNS) - 1)
    book.close()
    return buf.getvalue()


def bill_pdf(bill, lines: list[dict], denda: list) -> bytes:
    """A4 bill: payer, period, due date, one row per participant, late fees, total and the total in words."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(
        0,
        8,
        _latin("Tagihan Iuran BPJS Ketenagakerjaan"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 10)
    for label, value in (
        ("Nomor", bill.number),
        ("Pembayar", f"{bill.payer.name} ({bill.payer.code})"),
        ("Periode", bulan(bill.period)),
        ("Segmen", bill.segment.upper()),
        ("Jatuh tempo", tanggal(bill.due_date)),
    ):
        pdf.cell(35, 6, label)
        pdf.cell(0, 6, _latin(": " + value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (10, 70, 22, 22, 22, 22, 22)
    pdf.set_font("Helvetica", "B", 9)
    for w, head in zip(
        widths, ("No", "Peserta", "JKK", "JKM", "JHT", "JP", "Jumlah"), strict=True
    ):
        pdf.cell(w, 6, head, border=1, align="C")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for i, line in enumerate(lines, start=1):
        cells = (
            str(i),
            line["name"][:40],
            *(_num(line[p]) for p in ("jkk", "jkm", "jht", "jp")),
            _num(line["total"]),
        )
        for j, (w, text) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(w, 6, _latin(text), border=1, align="L" if j == 1 else "R")
        pdf.ln()
    for fine in denda:
        pdf.cell(
            sum(widths[:-1]),
            6,
            _latin(
                f"Denda keterlambatan tagihan {fine.source.number} ({fine.months} bln)"
            ),
            border=1,
        )
        pdf.cell(widths[-1], 6, _num(fine.amount), border=1, align="R")
        pdf.ln()
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(sum(widths[:-1]), 7, "Total", border=1)
    pdf.cell(widths[-1], 7, _num(bill.total), border=1, align="R")
    pdf.ln(10)
    pdf.set_font("Helvetica", "I", 10)
    pdf.multi_cell(
        0,
        6,
        _latin(f"Terbilang: {terbilang_rupiah(bill.total)}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        _latin(
            f"Sudah dibayar {rupiah(bill.paid)}; sisa {rupiah(bill.total - bill.paid)}."
        ),
    )
    return bytes(pdf.output())


def _num(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _latin(text: str) -> str:
    """The core PDF fonts are Latin-1 only."""
    return (
        text.replace("—", "-")
        .replace("•", "*")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )
