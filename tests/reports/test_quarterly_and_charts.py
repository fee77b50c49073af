"""The printable quarterly report (HTML and PDF, through the letters' PDF machinery) and the
charts: server-drawn SVG with a title, a description and their data table beside them, and
nothing fetched from anywhere."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from reports import charts
from tests.reports.conftest import NAMES, Q1
from tests.tagged_pdf import assert_tagged
from ucp.csp import inline_style_hashes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def test_the_quarterly_report_is_a_self_contained_printable_page(quarter, senior_manager,
                                                                 login):
    response = login(senior_manager).get("/reports/quarterly/", {"year": 2026, "quarter": 1})
    page = response.content.decode()
    assert "Unreasonable Customer Policy: quarterly report" in page
    assert "Quarter 1 2026 (January to March)" in page
    assert '<span class="ucp-report-headline__number">3</span>' in page
    assert "@page" in page  # the print stylesheet is inlined
    assert not re.search(r'<(link|script|img)\b', page)
    assert "/reports/cases/" not in page  # no links out of a printed report
    assert 'href="/reports/quarterly.pdf?year=2026&amp;quarter=1"' in page
    # Its inline stylesheet, and only that, is allowed by the page's policy (ucp/csp.py).
    styles = dict(part.strip().split(" ", 1) for part in
                  response["Content-Security-Policy"].split(";"))["style-src"].split()
    assert styles == ["'self'", *inline_style_hashes(page)]
    assert len(styles) == 2
    assert not re.search(r"\sstyle=", page)  # no style attribute: the charts' included


@pytest.mark.real_pdf
def test_the_quarterly_pdf_has_the_figures_and_no_names(quarter, lead, login):
    response = login(lead).get("/reports/quarterly.pdf", {"year": 2026, "quarter": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="ucp-quarterly-report-2026-q1-adults.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Unreasonable Customer Policy: quarterly report" in text
    assert "Quarter 1 2026 (January to March)" in text
    assert "Invocations: designations decided" in text
    for name in NAMES.values():
        assert name not in text
    # Tagged for screen readers, in British English, titled (issue 11, item 7).
    assert_tagged(response.content, "Quarterly report: Quarter 1 2026")


def test_each_chart_is_an_accessible_image_beside_its_table(quarter, lead, login):
    page = login(lead).get("/reports/", Q1).content.decode()
    sections = re.findall(r'<section class="ucp-report-section".*?</section>', page, re.S)
    with_charts = [s for s in sections if "<svg" in s]
    assert len(with_charts) >= 7
    for section in with_charts:
        svg = re.search(r"<svg[^>]*>", section).group(0)
        chart_id = re.search(r'id="([^"]+)"', svg).group(1)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in section
        assert f'<desc id="{chart_id}-desc">' in section
        # Its table follows it in the same section, with a CSV link.
        assert section.index("<svg") < section.index("<table")
        assert "format=csv&amp;table=" in section
    # Nothing is fetched: no scripts, images or styles from anywhere but the site.
    assert not re.search(r'(src|href)="https?://', page)


def test_a_bar_chart_draws_each_value_and_escapes_its_labels():
    svg = charts.bar_chart(
        chart_id="c", title="Reasons <cited>", labels=["Threats & abuse", "Calls"],
        series=[("Adults", [3, 0]), ("Children", [1, 2])],
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "Reasons &lt;cited&gt;" in svg
    assert "Threats &amp; abuse" in svg
    assert svg.count("<rect") == 3 + 2  # three non-zero bars, two legend swatches
    assert re.findall(r">(\d)</text>", svg) == ["3", "1", "0", "2"]


def test_a_line_chart_has_a_point_per_month_and_round_gridlines():
    svg = charts.line_chart(
        chart_id="t", title="Invocations", labels=["Jan 2026", "Feb 2026", "Mar 2026"],
        series=[("Adults", [0, 7, 3])],
    )
    assert svg.count("<circle") == 3
    assert re.findall(r'text-anchor="end">(\d+)</text>', svg) == ["0", "2", "4", "6", "8"]
    assert "Adults: highest Feb 2026 (7)" in svg


def test_charts_say_so_when_there_is_nothing_to_draw():
    svg = charts.bar_chart(chart_id="e", title="None", labels=["A"], series=[("Adults", [0])])
    assert "<desc id=\"e-desc\">Adults: none." in svg


def _contrast_with_white(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("colour", charts.PALETTE)
def test_every_chart_colour_has_3_to_1_contrast_against_white(colour):
    assert _contrast_with_white(colour) >= 3.0, colour


def test_long_labels_wrap_to_the_room_they_have():
    label = "Sending a high volume of letters, emails or other correspondence"
    lines = charts._wrap(label, 238, 4)
    assert " ".join(lines) == label
    assert all(charts.text_width(line) <= 238 for line in lines)
    # Too long for four lines: cut with an ellipsis, still within the room.
    cut = charts._wrap(label * 3, 100, 2)
    assert len(cut) == 2 and cut[-1].endswith("…")
    assert all(charts.text_width(line) <= 100 for line in cut)


def test_a_line_charts_legend_shows_each_series_marker_shape():
    svg = charts.line_chart(
        chart_id="t", title="Invocations", labels=["Jan 2026", "Feb 2026"],
        series=[("Adults", [1, 2]), ("Children", [0, 1]), ("Economy", [2, 2]), ("All", [3, 5])],
    )
    legend = svg[: svg.index("<polyline")]
    # One key per series, each a line with the series' marker: circle, square, triangle,
    # diamond (the triangle and the diamond are polygons).
    assert legend.count("<circle") == 1
    assert legend.count('width="8" height="8"') == 1
    assert legend.count("<polygon") == 2
    assert legend.count('stroke-width="2.5"/>') == 4

