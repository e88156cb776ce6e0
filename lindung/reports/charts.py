"""Server-rendered SVG charts (no JavaScript library needed)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lindung.common.format import angka, bulan_pendek, tanggal_page

from .tiles import alerts, colour, layout

MAX_TILES = 60
COLOURS = {"red": "#c0392b", "amber": "#d68910", "green": "#1e8449"}


def bar_chart_svg(rows: list[dict]) -> str:
    """Horizontal bars: perangkat protected against the target, one bar per kabupaten/kota."""
    rows = [r for r in rows if r["desa"] or r["perangkat_terlindungi"]]
    if not rows:
        return ""
    top = max(max(r["perangkat_terlindungi"], r["perangkat_target"]) for r in rows) or 1
    bar_label = _("Protected perangkat desa per regency/city")
    legend1 = _("Colour: red = nobody protected yet, amber = partly protected")
    # xgettext:no-python-format
    legend2 = _("or below 75% of target, green = the rest; grey = target")
    bar_h, gap, label_w, width = 16, 4, 190, 420
    height = len(rows) * (bar_h + gap) + 38
    parts = [
        f'<svg class="chart" viewBox="0 0 {label_w + width + 110} {height}" role="img" '
        f'aria-label="{escape(bar_label)}" width="100%">'
    ]
    for i, r in enumerate(rows):
        y = i * (bar_h + gap)
        target_w = width * r["perangkat_target"] / top
        prot_w = width * r["perangkat_terlindungi"] / top
        fill = COLOURS[colour(r)]
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" font-size="11">'
            f"{escape(r['name'].replace('Kabupaten ', ''))}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{target_w:.1f}" height="{bar_h}" fill="#e3e8ee"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{max(prot_w, 3):.1f}" height="{bar_h}" fill="{fill}">'
            f"<title>{escape(r['name'])}: {r['perangkat_terlindungi']} / {r['perangkat_target']}</title></rect>"
        )
        parts.append(
            f'<text x="{label_w + max(target_w, prot_w) + 6:.1f}" y="{y + 12}" font-size="11">'
            f"{angka(r['perangkat_terlindungi'])}</text>"
        )
    parts.append(
        f'<text x="{label_w}" y="{height - 20}" font-size="10" fill="#5b6776">'
        f"{escape(legend1)}</text>"
        f'<text x="{label_w}" y="{height - 6}" font-size="10" fill="#5b6776">'
        f"{escape(legend2)}</text></svg>"
    )
    return mark_safe("".join(parts))


def tile_map_svg(rows: list[dict]) -> str:
    """Tile cartogram coloured by coverage; each tile links to the regency's report.

    Drawn per province: beyond MAX_TILES regencies (the national view) the tiles would be unreadable, so the page
    asks for a province instead."""
    if not rows or len(rows) > MAX_TILES:
        return ""
    pos = layout([r["code"] for r in rows])
    map_label = _("Map of regencies/cities")
    size, gap = 74, 6
    cols = max(c for c, _r in pos.values()) + 1
    nrows = max(r for _c, r in pos.values()) + 1
    w, h = cols * (size + gap), nrows * (size + gap)
    parts = [
        f'<svg class="map" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{escape(map_label)}">'
    ]
    for r in rows:
        c, rr = pos[r["code"]]
        x, y = c * (size + gap), rr * (size + gap)
        name = r["name"].replace("Kabupaten ", "").replace("Kota ", "Kota ")
        words = name.split()
        href = reverse("reports:rakor") + f"?region={r['code']}"
        pct = "–" if r["perangkat_persen"] is None else f"{r['perangkat_persen']:.0f}%"
        pct_size = 12
        if r.get("tanpa_desa"):
            pct, pct_size = escape(_("no desa")), 8
        notes = alerts(r)
        # Issue #18: an ended PKS or an overdue plan draws a dark-red frame and says so (the fill stays coverage).
        frame = ' stroke="#641e16" stroke-width="5"' if notes else ""
        parts.append(
            f'<a href="{href}"><rect x="{x}" y="{y}" width="{size}" height="{size}" rx="6" '
            f'fill="{COLOURS[colour(r)]}"{frame}><title>{escape(_tile_title(r, pct))}</title></rect>'
        )
        for j, word in enumerate(words[:3]):
            parts.append(
                f'<text x="{x + size / 2}" y="{y + 18 + j * 12}" text-anchor="middle" font-size="10" '
                f'fill="#fff">{escape(word)}</text>'
            )
        if notes:
            label = notes[0] if len(notes) == 1 else _("PKS + plan")
            parts.append(
                f'<text x="{x + size / 2}" y="{y + size - 22}" text-anchor="middle" font-size="7" '
                f'font-weight="700" fill="#fff" class="alert">{escape(label)}</text>'
            )
        parts.append(
            f'<text x="{x + size / 2}" y="{y + size - 8}" text-anchor="middle" font-size="{pct_size}" '
            f'font-weight="700" fill="#fff">{pct}</text></a>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _tile_title(row: dict, pct: str) -> str:
    text = f"{row['name']}: {pct}"
    if row.get("pks_status") == "berakhir":
        text += "; " + _("PKS ended on {day}").format(
            day=tanggal_page(row.get("pks_berlaku_sampai"))
        )
    if row.get("rencana_terlambat"):
        text += "; " + _("plan overdue ({day})").format(
            day=tanggal_page(row.get("rencana_tanggal"))
        )
    return text


def trend_svg(points: list[tuple[str, int]]) -> str:
    """Columns of protected participants per month."""
    if not points:
        return ""
    top = max(v for _l, v in points) or 1
    trend_label = _("Protected participants by month")
    col_w, h = 60, 140
    parts = [
        f'<svg class="chart trend" viewBox="0 0 {len(points) * col_w + 20} {h + 40}" width="100%" role="img" '
        f'aria-label="{escape(trend_label)}">'
    ]
    for i, (month, value) in enumerate(points):
        label = bulan_pendek(dt.date.fromisoformat(month))
        bh = (h - 10) * value / top
        x = 10 + i * col_w
        parts.append(
            f'<rect x="{x + 8}" y="{h - bh}" width="{col_w - 16}" height="{bh:.1f}" fill="#0b6e4f"/>'
        )
        parts.append(
            f'<text x="{x + col_w / 2}" y="{h - bh - 4:.1f}" text-anchor="middle" font-size="10">'
            f"{angka(value)}</text>"
        )
        parts.append(
            f'<text x="{x + col_w / 2}" y="{h + 14}" text-anchor="middle" font-size="10">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
