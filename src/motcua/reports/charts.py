"""Server-side charts: accessible inline SVG, no JavaScript, no dependency.

Every chart is a `<figure>` holding

* an `<svg role="img" aria-label=…>` with a `<title>` and a `<desc>`, scaled by its `viewBox`
  (`width="100%"`, CSS class `chart`) so it fits a 360 px phone;
* the same values in a `<table>` (inside an open `<details>`, in a horizontally scrolling box) for
  screen readers and as a fallback.

The Content-Security-Policy forbids inline `style` attributes and inline `<style>`/`<script>`:
colours are SVG presentation attributes (`fill=`, `stroke=`) that `static/css/charts.css`
overrides through classes. Numbers use the Vietnamese convention: "." groups thousands, ","
separates decimals (1.234; 87,5%). All markup is XML-well-formed (tests parse it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

SVG_NS = "http://www.w3.org/2000/svg"
# (css class, fallback colour): distinguishable for the common colour-vision deficiencies.
PALETTE = (
    ("series-1", "#1f5fa8"),
    ("series-2", "#e08a00"),
    ("series-3", "#1e7b34"),
    ("series-4", "#b3261e"),
)
MAX_X_LABELS = 6
NO_DATA = "–"


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """Vietnamese number format: `1.234`, `87,5`; None → "–"."""
    if value is None:
        return NO_DATA
    text = f"{value:,.{decimals}f}"  # 1,234.5 (Python's convention)
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_percent(value: float | None, decimals: int = 1) -> str:
    return NO_DATA if value is None else f"{format_number(value, decimals)}%"


def nice_ceiling(value: float, ticks: int = 4) -> float:
    """The top of a count axis with `ticks` intervals of a round whole step (1, 1.5, 2, 2.5, 3,
    4, 5, 6, 8 × 10^k, never a fraction): every gridline is a whole number of dossiers and the
    tallest value fills most of the height. At least `ticks`."""
    target = max(value / ticks, 1.0)
    power = 10 ** math.floor(math.log10(target))
    step = next(
        m * power
        for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
        if m * power >= target and float(m * power).is_integer()
    )
    return float(step * ticks)


def _fmt(coord: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros (compact, locale-free)."""
    text = f"{coord:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


# --------------------------------------------------------------------------------------------
# Chart data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    href: str = ""
    note: str = ""  # extra text for the tooltip and the table (e.g. "120 hồ sơ")


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    table: SafeString

    @property
    def html(self) -> SafeString:
        return mark_safe(f'<figure class="chart-figure">{self.svg}{self.table}</figure>')

    def __str__(self) -> str:
        return str(self.html)


def _svg_open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    tid, did = f"{chart_id}-title", f"{chart_id}-desc"
    return [
        f'<svg xmlns="{SVG_NS}" class="chart" id="{_attr(chart_id)}" viewBox="0 0 {width} '
        f'{height}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{_attr(title)}" aria-describedby="{_attr(did)}" font-size="13">',
        f'<title id="{_attr(tid)}">{escape(title)}</title>',
        f'<desc id="{_attr(did)}">{escape(desc)}</desc>',
    ]


def _data_table(
    caption: str, head: Sequence[str], rows: Sequence[Sequence[str]], links: Sequence[str] = ()
) -> SafeString:
    """The values as a table; `links[i]` (optional) makes the first cell of row i a link."""
    summary = _("Bảng số liệu")
    out = [
        '<details class="chart-data" open="open">',
        f"<summary>{escape(summary)}</summary>",
        '<div class="table-scroll"><table class="chart-table">',
        f"<caption>{escape(caption)}</caption>",
        "<thead><tr>",
    ]
    out.extend(f'<th scope="col">{escape(h)}</th>' for h in head)
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        first = escape(row[0])
        if i < len(links) and links[i]:
            first = f'<a href="{_attr(links[i])}">{first}</a>'
        cells = "".join(f'<td class="num">{escape(c)}</td>' for c in row[1:])
        out.append(f'<tr><th scope="row">{first}</th>{cells}</tr>')
    out.append("</tbody></table></div></details>")
    return mark_safe("".join(out))


def _label_indices(n: int) -> set[int]:
    """Which x labels to print (at most MAX_X_LABELS, the last one always)."""
    step = next(s for s in (1, 2, 3, 4, 6, 12, 24, n or 1) if math.ceil(n / s) <= MAX_X_LABELS)
    return {i for i in range(n) if (n - 1 - i) % step == 0}


@dataclass(frozen=True)
class _Frame:
    width: int = 400
    height: int = 250
    left: int = 44
    right: int = 22
    top: int = 42
    bottom: int = 40

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, value: float, y_max: float) -> float:
        return self.top + self.plot_h * (1 - value / y_max)


def _axes(
    f: _Frame,
    *,
    labels: Sequence[str],
    y_max: float,
    y_title: str,
    x_title: str,
    x_centre: Sequence[float],
    percent: bool,
) -> list[str]:
    out = ['<g class="chart-grid" stroke="#d9dde3" stroke-width="1">']
    ticks = 4
    for k in range(ticks + 1):
        value = y_max * k / ticks
        y = f.y(value, y_max)
        out.append(f'<line x1="{f.left}" y1="{_fmt(y)}" x2="{f.width - f.right}" y2="{_fmt(y)}"/>')
    out.append("</g>")
    out.append('<g class="chart-axis" fill="#1b1f24">')
    for k in range(ticks + 1):
        value = y_max * k / ticks
        y = f.y(value, y_max)
        text = format_percent(value, 0) if percent else format_number(value, 0)
        out.append(
            f'<text x="{f.left - 4}" y="{_fmt(y + 4)}" text-anchor="end">{escape(text)}</text>'
        )
    shown = _label_indices(len(labels))
    for i, label in enumerate(labels):
        if i in shown:
            out.append(
                f'<text x="{_fmt(x_centre[i])}" y="{f.height - f.bottom + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    out.append(
        f'<text class="chart-axis-title" x="{f.left}" y="{f.top - 26}" text-anchor="start">'
        f"{escape(y_title)}</text>"
    )
    out.append(
        f'<text class="chart-axis-title" x="{f.width - f.right}" y="{f.height - 4}" '
        f'text-anchor="end">{escape(x_title)}</text>'
    )
    out.append("</g>")
    out.append(
        f'<line class="chart-baseline" x1="{f.left}" y1="{_fmt(f.top + f.plot_h)}" '
        f'x2="{f.width - f.right}" y2="{_fmt(f.top + f.plot_h)}" stroke="#5b6470"/>'
    )
    return out


def _legend(f: _Frame, names: Sequence[str], shape: str) -> list[str]:
    out = ['<g class="chart-legend" fill="#1b1f24">']
    x = float(f.left)
    y = f.top - 12
    for i, name in enumerate(names):
        cls, colour = PALETTE[i % len(PALETTE)]
        if shape == "line":
            out.append(
                f'<line class="{cls}" x1="{_fmt(x)}" y1="{_fmt(y - 4)}" x2="{_fmt(x + 14)}" '
                f'y2="{_fmt(y - 4)}" stroke="{colour}" stroke-width="3"/>'
            )
        else:
            out.append(
                f'<rect class="{cls}" x="{_fmt(x)}" y="{_fmt(y - 10)}" width="12" height="12" '
                f'fill="{colour}"/>'
            )
        out.append(f'<text x="{_fmt(x + 18)}" y="{_fmt(y)}">{escape(name)}</text>')
        x += 18 + 7.2 * len(name) + 14
    out.append("</g>")
    return out


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_title: str,
    x_title: str,
    desc: str = "",
) -> Chart:
    """Vertical bars, one per label, stacked by series (e.g. received online + direct)."""
    f = _Frame()
    n = len(labels)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(n)]
    y_max = nice_ceiling(max(totals, default=0))
    slot = f.plot_w / max(n, 1)
    bar_w = max(slot * 0.7, 1.0)
    centres = [f.left + slot * (i + 0.5) for i in range(n)]
    out = _svg_open(chart_id, f.width, f.height, title, desc or title)
    out += _axes(
        f,
        labels=labels,
        y_max=y_max,
        y_title=y_title,
        x_title=x_title,
        x_centre=centres,
        percent=False,
    )
    out += _legend(f, [s.name for s in series], "rect")
    out.append('<g class="chart-bars">')
    for i, label in enumerate(labels):
        base = 0.0
        parts = []
        for j, s in enumerate(series):
            value = float(s.values[i] or 0)
            parts.append(f"{s.name}: {format_number(value)}")
            if value <= 0:
                continue
            cls, colour = PALETTE[j % len(PALETTE)]
            y_top = f.y(base + value, y_max)
            height = f.y(base, y_max) - y_top
            out.append(
                f'<rect class="{cls}" x="{_fmt(centres[i] - bar_w / 2)}" y="{_fmt(y_top)}" '
                f'width="{_fmt(bar_w)}" height="{_fmt(height)}" fill="{colour}">'
                f"<title>{escape(label)} – {escape(s.name)}: {format_number(value)}</title></rect>"
            )
            base += value
        if base == 0:
            # Keep every label in the SVG (tooltips) even for an empty month.
            out.append(
                f'<rect class="chart-empty" x="{_fmt(centres[i] - bar_w / 2)}" '
                f'y="{_fmt(f.top + f.plot_h - 1)}" width="{_fmt(bar_w)}" height="1" '
                f'fill="#d9dde3"><title>{escape(label)}: {escape("; ".join(parts))}</title></rect>'
            )
    out.append("</g></svg>")
    head = [x_title, *[s.name for s in series], _("Tổng")]
    rows = [
        [label, *[format_number(s.values[i]) for s in series], format_number(totals[i])]
        for i, label in enumerate(labels)
    ]
    return Chart(svg=mark_safe("".join(out)), table=_data_table(title, head, rows))


def line_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_title: str,
    x_title: str,
    percent: bool = True,
    desc: str = "",
) -> Chart:
    """Lines over the labels; a None value leaves a gap (e.g. no dossier resolved that month).
    With `percent`, the y axis runs 0–100%."""
    f = _Frame()
    n = len(labels)
    values = [v for s in series for v in s.values if v is not None]
    y_max = 100.0 if percent else nice_ceiling(max(values, default=0))
    slot = f.plot_w / max(n, 1)
    xs = [f.left + slot * (i + 0.5) for i in range(n)]
    out = _svg_open(chart_id, f.width, f.height, title, desc or title)
    out += _axes(
        f,
        labels=labels,
        y_max=y_max,
        y_title=y_title,
        x_title=x_title,
        x_centre=xs,
        percent=percent,
    )
    out += _legend(f, [s.name for s in series], "line")
    fmt = format_percent if percent else (lambda v: format_number(v, 0))
    for j, s in enumerate(series):
        cls, colour = PALETTE[j % len(PALETTE)]
        out.append(f'<g class="chart-line {cls}" stroke="{colour}" fill="{colour}">')
        segment: list[str] = []
        segments: list[list[str]] = []
        for i in range(n):
            value = s.values[i]
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_fmt(xs[i])},{_fmt(f.y(float(value), y_max))}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                out.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke-width="2.5"/>')
        for i in range(n):
            value = s.values[i]
            tip = f"{labels[i]} – {s.name}: {fmt(value)}"
            if value is None:
                continue
            out.append(
                f'<circle cx="{_fmt(xs[i])}" cy="{_fmt(f.y(float(value), y_max))}" r="3.5">'
                f"<title>{escape(tip)}</title></circle>"
            )
        out.append("</g>")
    # Every label stays in the SVG (tooltips on an invisible hit column), even months without data.
    out.append('<g class="chart-hits" fill="transparent">')
    for i, label in enumerate(labels):
        tip = "; ".join(f"{s.name}: {fmt(s.values[i])}" for s in series)
        out.append(
            f'<rect x="{_fmt(xs[i] - slot / 2)}" y="{f.top}" width="{_fmt(slot)}" '
            f'height="{_fmt(f.plot_h)}"><title>{escape(label)}: {escape(tip)}</title></rect>'
        )
    out.append("</g></svg>")
    head = [x_title, *[s.name for s in series]]
    rows = [[label, *[fmt(s.values[i]) for s in series]] for i, label in enumerate(labels)]
    return Chart(svg=mark_safe("".join(out)), table=_data_table(title, head, rows))


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def horizontal_bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    value_title: str,
    label_title: str,
    percent: bool = False,
    desc: str = "",
    extra_head: Sequence[str] = (),
    extra_cells: Sequence[Sequence[str]] = (),
    limit: int = 0,
) -> Chart:
    """One bar per row (already sorted by the caller, ranks 1, 2, …), the label linking to
    `href`. With `limit` and more bars than that, the SVG draws the first and the last
    `limit // 2` with a "… n more" row between (a province has ~250 communes); the table
    always lists every row.

    The links inside the SVG are for pointer users (`tabindex="-1"`: the SVG is one image for
    assistive technology); keyboard and screen-reader users get the same links in the table.
    `extra_head`/`extra_cells` add columns to the table (e.g. the other indicators).
    """
    items: list[tuple[int, Bar] | None] = list(enumerate(bars, start=1))
    if limit and len(bars) > limit:
        half = max(limit // 2, 1)
        items = [*items[:half], None, *items[-half:]]
    width, label_w, right, row_h, top = 400, 160, 48, 24, 30
    height = top + row_h * max(len(items), 1) + 8
    bar_area = width - label_w - right
    known = [b.value for b in bars if b.value is not None]
    x_max = 100.0 if percent else nice_ceiling(max(known, default=0))
    fmt = format_percent if percent else (lambda v: format_number(v, 0))
    out = _svg_open(chart_id, width, height, title, desc or title)
    out.append(
        f'<g class="chart-axis" fill="#1b1f24"><text class="chart-axis-title" x="0" y="16">'
        f"{escape(label_title)}</text>"
        f'<text class="chart-axis-title" x="{width}" y="16" text-anchor="end">'
        f"{escape(value_title)}</text></g>"
    )
    cls, colour = PALETTE[0]
    for i, item in enumerate(items):
        y = top + row_h * i
        if item is None:
            hidden = len(bars) - 2 * max(limit // 2, 1)
            gap = _("… %(n)s đơn vị khác: xem bảng số liệu") % {"n": format_number(hidden)}
            out.append(
                f'<text class="chart-gap" x="{width // 2}" y="{y + 16}" text-anchor="middle" '
                f'fill="#5b6470">{escape(gap)}</text>'
            )
            continue
        rank, bar = item
        tip = f"{rank}. {bar.label}: {fmt(bar.value)}" + (f" ({bar.note})" if bar.note else "")
        label = (
            f'<text class="chart-label" x="{label_w - 6}" y="{y + 16}" text-anchor="end">'
            f"{escape(_truncate(f'{rank}. {bar.label}', 22))}<title>{escape(tip)}</title></text>"
        )
        if bar.href:
            label = f'<a href="{_attr(bar.href)}" tabindex="-1">{label}</a>'
        out.append(f'<g class="chart-row" fill="#1b1f24">{label}')
        length = 0.0 if bar.value is None else bar_area * min(float(bar.value) / x_max, 1.0)
        out.append(
            f'<rect class="{cls}" x="{label_w}" y="{y + 4}" width="{_fmt(max(length, 0.5))}" '
            f'height="{row_h - 8}" fill="{colour}"><title>{escape(tip)}</title></rect>'
        )
        out.append(
            f'<text class="chart-value" x="{_fmt(label_w + length + 4)}" y="{y + 16}">'
            f"{escape(fmt(bar.value))}</text></g>"
        )
    out.append("</svg>")
    head = [label_title, value_title, *extra_head]
    rows = [
        [f"{i + 1}. {bar.label}", fmt(bar.value), *(extra_cells[i] if i < len(extra_cells) else [])]
        for i, bar in enumerate(bars)
    ]
    table = _data_table(title, head, rows, [b.href for b in bars])
    return Chart(svg=mark_safe("".join(out)), table=table)
