"""File outputs: the budget projection (JSON/CSV/XLSX) and a bill as an A4 PDF people can pay from (docs/bills.md)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import xlsxwriter
from django.utils import translation
from fpdf import FPDF

from lindung.branches.services import bill_payment
from lindung.common.format import bulan, rupiah, tanggal
from lindung.common.spreadsheet import SAFE_WORKBOOK, csv_safe

RED = (192, 57, 43)

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
        # ";" as Indonesian Excel lists; formula-like text written as text (lindung.common.spreadsheet).
        writer = csv.DictWriter(
            buf, fieldnames=BUDGET_COLUMNS, extrasaction="ignore", delimiter=";"
        )
        writer.writeheader()
        writer.writerows({k: csv_safe(v) for k, v in row.items()} for row in rows)
        return buf.getvalue().encode("utf-8-sig")

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, **SAFE_WORKBOOK})
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


def bill_pdf(
    bill, lines: list[dict], denda: list, payment: dict | None = None
) -> bytes:
    """A4 bill in Indonesian: the branch's letterhead, payer, period, due date, one row per participant, late fees,
    total in figures and in words, how to pay (the branch's channels in force, or a plain "not set up") and what
    happens after the due date (docs/bills.md). ``payment`` is ``branches.services.bill_payment(bill)``."""
    with translation.override("id"):
        payment = payment or bill_payment(bill)
        pdf = FPDF(format="A4")
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        _pdf_letterhead(pdf, payment["kantor"])
        _pdf_heading(pdf, bill)
        _pdf_lines(pdf, bill, lines, denda)
        _pdf_amount(pdf, payment)
        _pdf_channels(pdf, payment)
        _pdf_after_due(pdf, payment)
    return bytes(pdf.output())


def _pdf_letterhead(pdf, kantor) -> None:
    if kantor is None:
        return
    left = pdf.l_margin
    logo = _logo_path(kantor)
    if logo:
        pdf.image(logo, x=left, y=pdf.get_y(), h=18)
        pdf.set_left_margin(left + 24)
        pdf.set_x(left + 24)
    pdf.set_font("Helvetica", "", 8)
    for line in kantor.letterhead_lines:
        pdf.cell(0, 4, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 6, _latin(kantor.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    contact = " - ".join(x for x in (kantor.phone, kantor.email) if x)
    for line in [*kantor.address_lines, contact]:
        if line:
            pdf.cell(0, 4, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_left_margin(left)
    pdf.set_y(max(pdf.get_y(), 10 + 18) + 2)
    pdf.line(left, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)


def _logo_path(kantor) -> str | None:
    if not kantor.logo:
        return None
    try:
        path = kantor.logo.path
    except (ValueError, NotImplementedError):
        return None
    return path if Path(path).is_file() else None


def _pdf_heading(pdf, bill) -> None:
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


def _pdf_lines(pdf, bill, lines: list[dict], denda: list) -> None:
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


def _pdf_amount(pdf, payment: dict) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(35, 6, "Jumlah tagihan")
    pdf.cell(
        0, 6, _latin(": " + rupiah(payment["total"])), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "I", 10)
    _para(pdf, f"Terbilang: {payment['total_words']}", 6)
    pdf.set_font("Helvetica", "", 9)
    if payment["paid"] and payment["outstanding"]:
        _para(
            pdf,
            f"Sudah dibayar {rupiah(payment['paid'])}; sisa yang harus dibayar "
            f"{rupiah(payment['outstanding'])} ({payment['outstanding_words']}).",
        )
    elif payment["paid"]:
        _para(pdf, f"Sudah dibayar {rupiah(payment['paid'])}: tagihan ini lunas.")
    pdf.ln(3)


def _pdf_section(pdf, title: str) -> None:
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)


def _pdf_channels(pdf, payment: dict) -> None:
    _pdf_section(pdf, "Cara membayar")
    if payment["missing"]:
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_text_color(*RED)
        _para(pdf, payment["missing"])
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        return
    for ch in payment["channels"]:
        pdf.set_font("Helvetica", "B", 9)
        _para(pdf, " - ".join(x for x in (ch["kind_label"], ch["bank_name"]) if x))
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(6)
        pdf.cell(42, 5, _latin(ch["number_label"]))
        pdf.set_font("Courier", "B", 10)
        pdf.cell(0, 5, _latin(ch["number"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        if ch["holder"]:
            pdf.cell(6)
            pdf.cell(42, 5, "Atas nama")
            pdf.cell(0, 5, _latin(ch["holder"]), new_x="LMARGIN", new_y="NEXT")
        for text in (ch["note"], *ch["instructions"]):
            pdf.set_x(pdf.l_margin + 6)
            _para(pdf, text, x=pdf.l_margin + 6)
        pdf.ln(2)


def _pdf_after_due(pdf, payment: dict) -> None:
    _pdf_section(pdf, "Jatuh tempo dan setelahnya")
    _para(pdf, payment["due"])
    for sentence in payment["after_due"]:
        _para(pdf, sentence)


def _para(pdf, text: str, height: float = 5, x: float | None = None) -> None:
    if x is not None:
        pdf.set_x(x)
    pdf.multi_cell(0, height, _latin(text), new_x="LMARGIN", new_y="NEXT")


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
