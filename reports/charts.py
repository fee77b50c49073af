"""Charts as SVG drawn on the server: no JavaScript, no CDN, nothing fetched.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`
(`aria-labelledby` points at both); the page puts the chart's data table beside it, so a
screen reader user gets the same facts from the table. Every bar carries its number as
text, so nothing is told by colour alone. The same markup goes into the PDF (WeasyPrint
draws inline SVG), so the printed report has the same charts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK colours, each with at least 3:1 contrast against white, as WCAG 1.4.11 asks of
# graphics (tests/reports/test_quarterly_and_charts.py computes it). GOV.UK's own orange,
# #f47738, has 2.78:1, so the orange here is a darker one (4.4:1).
PALETTE = ["#1d70b8", "#c05c00", "#00703c", "#4c2c92", "#d4351c", "#912b88", "#28a197",
           "#6f777b"]
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "font-family=\"Arial, Helvetica, 'DejaVu Sans', sans-serif\""
WIDE = 640  # a chart above its table
NARROW = 460  # a chart beside its table, drawn at about its natural size

Series = tuple[str, Sequence[int]]

# Advance widths of DejaVu Sans, in thousandths of an em, for " " to "~". It is the widest
# of the fonts the charts name and the one WeasyPrint and Debian's Chromium fall back to,
# so text laid out by these widths fits in Arial too. Other characters count as 0.7 em.
_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838,
)


def text_width(text: str, size: float = 13) -> float:
    """How wide `text` is drawn at `size` px, in px (DejaVu Sans, the widest fallback)."""
    return size * sum(
        _WIDTHS[ord(ch) - 32] if 32 <= ord(ch) < 127 else 700 for ch in text
    ) / 1000


def _svg(chart_id: str, title: str, description: str, width: int, height: float,
         body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ucp-chart" role="img" '
        f'id="{escape(chart_id)}" viewBox="0 0 {width} {math.ceil(height)}" '
        f'width="{width}" height="{math.ceil(height)}" preserveAspectRatio="xMinYMin meet" '
        f'focusable="false" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" {FONT} '
        f'font-size="13" fill="{TEXT}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - all text escaped above


def _legend(series: Sequence[Series], y: float, width: int, *,
            markers: bool = False) -> tuple[list[str], float]:
    """Keys and names, wrapping across the width; returns the markup and its height.

    A bar chart's key is a swatch of the bar's colour; a line chart's is a stretch of line
    with the series' marker shape on it, as on the chart, so the series can be told apart
    without seeing colour."""
    if len(series) < 2:
        return [], 0
    key = 26 if markers else 14
    parts, x, row = [], 0.0, 0
    for index, (name, _values) in enumerate(series):
        size = key + 5 + text_width(name)
        if x and x + size > width:
            x, row = 0.0, row + 1
        top = y + row * 20
        colour = PALETTE[index % len(PALETTE)]
        if markers:
            parts.append(
                f'<line x1="{x:.1f}" y1="{top + 7:.1f}" x2="{x + key:.1f}" y2="{top + 7:.1f}" '
                f'stroke="{colour}" stroke-width="2.5"/>'
                + _marker(MARKERS[index % len(MARKERS)], x + key / 2, top + 7, colour)
            )
        else:
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="14" height="14" fill="{colour}"/>'
            )
        parts.append(f'<text x="{x + key + 5:.1f}" y="{top + 11.5:.1f}">{escape(name)}</text>')
        x += size + 16
    return parts, (row + 1) * 20 + 8


def _wrap(label: str, room: float, lines: int) -> list[str]:
    """`label` in at most `lines` lines, each at most `room` px wide (text_width)."""
    wrapped: list[str] = []
    for word in label.split():
        while text_width(word) > room:  # a word longer than a line: cut it
            cut = len(word)
            while cut > 1 and text_width(word[:cut]) > room:
                cut -= 1
            wrapped.append(word[:cut])
            word = word[cut:]
        if wrapped and text_width(f"{wrapped[-1]} {word}") <= room:
            wrapped[-1] = f"{wrapped[-1]} {word}"
        else:
            wrapped.append(word)
    wrapped = wrapped or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        last = wrapped[-1]
        while last and text_width(last + "…") > room:
            last = last[:-1]
        wrapped[-1] = last.rstrip() + "…"
    return wrapped


def bar_chart(*, chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
              description: str = "", width: int = WIDE) -> SafeString:
    """Horizontal bars, one group per label and one bar per series (a directorate, say),
    each with its number at its end. Long labels (the policy's indicators) wrap."""
    label_width = 250 if width >= WIDE else 210
    label_room = label_width - 8 - 4  # the labels end 8 px before the axis; 4 px to spare
    value_room = 44
    bar_area = width - label_width - value_room
    per_bar = 20 if len(series) == 1 else 13
    peak = max((v for _name, values in series for v in values), default=0) or 1
    body, height = _legend(series, 0, width)
    y = height
    for index, label in enumerate(labels):
        lines = _wrap(label, label_room, 4)
        group = max(len(lines) * 15 + 2, len(series) * (per_bar + 2))
        # The first line's baseline sits one ascent (0.93 em) below the group's top.
        text_top = y + (group - len(lines) * 15) / 2 + 12.5
        spans = "".join(
            f'<tspan x="{label_width - 8}" y="{text_top + n * 15:.1f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        body.append(f'<text text-anchor="end">{spans}</text>')
        bars_top = y + (group - len(series) * (per_bar + 2)) / 2
        for s, (_name, values) in enumerate(series):
            value = values[index]
            top = bars_top + s * (per_bar + 2)
            length = bar_area * value / peak
            if value:
                body.append(
                    f'<rect x="{label_width}" y="{top:.1f}" width="{max(length, 1.5):.1f}" '
                    f'height="{per_bar}" fill="{PALETTE[s % len(PALETTE)]}"/>'
                )
            body.append(
                f'<text x="{label_width + length + 5:.1f}" y="{top + per_bar / 2 + 4.5:.1f}">'
                f"{value}</text>"
            )
        y += group + 12
    body.append(
        f'<line x1="{label_width}" y1="{height}" x2="{label_width}" y2="{y - 6:.1f}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    return _svg(chart_id, title, description or _describe(labels, series), width, y, body)


def _nice_step(peak: int, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 times a power of ten giving at most `ticks` gridlines."""
    if peak <= ticks:
        return 1
    raw = peak / ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return int(multiple * power)
    return int(10 * power)  # pragma: no cover


MARKERS = ("circle", "square", "triangle", "diamond")


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} '
                f'{x - 5:.1f},{y + 4:.1f}" fill="{colour}"/>')
    return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>')


def line_chart(*, chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
               description: str = "", width: int = WIDE) -> SafeString:
    """Month by month: one line per series, each point marked with a shape of its own."""
    left, right, plot_height = 44, 12, 200
    body, legend_height = _legend(series, 0, width, markers=True)
    top = legend_height + 8
    bottom = top + plot_height
    peak = max((v for _name, values in series for v in values), default=0)
    step = _nice_step(peak)
    axis_max = max(step * math.ceil(peak / step), step)
    count = max(len(labels), 1)
    span = (width - left - right) / count

    def x_of(i: int) -> float:
        return left + span * (i + 0.5)

    def y_of(value: int) -> float:
        return bottom - plot_height * value / axis_max

    tick = 0
    while tick <= axis_max:
        y = y_of(tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4.5:.1f}" text-anchor="end">{tick}</text>'
        )
        tick += step
    every = max(1, math.ceil(count / (12 if width >= WIDE else 8)))
    for i, label in enumerate(labels):
        if i % every == 0:
            month, _, year = label.partition(" ")
            body.append(
                f'<text x="{x_of(i):.1f}" y="{bottom + 16}" text-anchor="middle">'
                f"{escape(month)}</text>"
                f'<text x="{x_of(i):.1f}" y="{bottom + 31}" text-anchor="middle" '
                f'font-size="11">{escape(year)}</text>'
            )
    for s, (_name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
        body.extend(
            _marker(MARKERS[s % len(MARKERS)], x_of(i), y_of(v), colour)
            for i, v in enumerate(values)
        )
    body.append(
        f'<line x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    return _svg(chart_id, title, description or _describe(labels, series), width, bottom + 40,
                body)


def _describe(labels: Sequence[str], series: Sequence[Series]) -> str:
    """A one-sentence summary; the full figures are in the table beside the chart."""
    if not labels or not series:
        return "No figures. The table beside this chart has the same information."
    parts = []
    for name, values in series:
        total = sum(values)
        if total:
            best = max(range(len(values)), key=lambda i: values[i])
            parts.append(f"{name}: highest {labels[best]} ({values[best]})")
        else:
            parts.append(f"{name}: none")
    return "; ".join(parts) + ". The table beside this chart has every figure."
