"""Reading back what the exports wrote, without extra libraries: the text (and its colour) of an fpdf2 PDF, the
values (and font colours) of an XlsxWriter workbook."""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO
from xml.etree import ElementTree

RED = (0.7529, 0.2235, 0.1686)  # exports.RED, (192, 57, 43) / 255 as fpdf2 writes it
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_TOKENS = re.compile(
    rb"(?<![\w.])([\d.]+) ([\d.]+) ([\d.]+) rg\b|(?<![\w.])([\d.]+) g\b|(?<![\w\\])(q|Q)\b"
    rb"|\(((?:\\.|[^\\)])*)\) ?Tj"
)


def pdf_runs(data: bytes) -> list[tuple[tuple[float, ...], str]]:
    """(fill colour, text) of every string the PDF's content streams show, in order. fpdf2 writes core-font text
    as ``(…) Tj`` in Flate-compressed streams and its text colour as ``r g b rg`` (or ``v g``), saved and
    restored with ``q``/``Q``."""
    runs = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(match.group(1))
        except zlib.error:
            content = match.group(1)
        colour, stack = (0.0, 0.0, 0.0), []
        for tok in _TOKENS.finditer(content):
            if tok.group(1):
                colour = tuple(round(float(tok.group(i)), 4) for i in (1, 2, 3))
            elif tok.group(4):
                colour = (round(float(tok.group(4)), 4),) * 3
            elif tok.group(5) == b"q":
                stack.append(colour)
            elif tok.group(5) == b"Q":
                colour = stack.pop() if stack else colour
            else:
                text = re.sub(rb"\\(.)", rb"\1", tok.group(6)).decode("latin-1")
                runs.append((colour, text))
    return runs


def pdf_text(data: bytes) -> str:
    """All shown text, each run separated by a space (table cells wrap over several runs)."""
    return " ".join(text for _c, text in pdf_runs(data))


def pdf_red_text(data: bytes) -> str:
    return " ".join(text for c, text in pdf_runs(data) if c == RED)


def xlsx_cells(data: bytes, sheet: int = 1) -> dict[str, tuple[str, str | None]]:
    """{"A5": (value, font colour "FFC0392B" or None)} of one worksheet."""
    with zipfile.ZipFile(BytesIO(data)) as z:
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t"))
            for si in _xml(z, "xl/sharedStrings.xml").findall("m:si", _NS)
        ]
        styles = _xml(z, "xl/styles.xml")
        fonts = [
            (
                f.find("m:color", _NS).get("rgb")
                if f.find("m:color", _NS) is not None
                else None
            )
            for f in styles.find("m:fonts", _NS).findall("m:font", _NS)
        ]
        xfs = [
            int(xf.get("fontId", 0))
            for xf in styles.find("m:cellXfs", _NS).findall("m:xf", _NS)
        ]
        out = {}
        for c in _xml(z, f"xl/worksheets/sheet{sheet}.xml").iter(f"{{{_NS['m']}}}c"):
            v = c.find("m:v", _NS)
            value = "" if v is None else v.text or ""
            if c.get("t") == "s":
                value = shared[int(value)]
            out[c.get("r")] = (value, fonts[xfs[int(c.get("s", 0))]])
        return out


def _xml(z: zipfile.ZipFile, name: str):
    return ElementTree.fromstring(z.read(name))
