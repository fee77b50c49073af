"""The report's charts in Chromium: no label, legend entry or number is drawn outside its
chart (issue 9: "mails" was all that showed of one indicator)."""

from __future__ import annotations

import pytest

from cases.models import Indicator
from reports import charts

# Transactional like every browser test: the browser tests run together in one worker
# (--dist loadgroup), placed by the first of them in pytest-django's order, and one plain
# django_db test among them put the group ahead of the other workers' plain tests, which
# then ran on the database the group's transactional tests had flushed.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_no_chart_text_is_cut_off_in_chromium(page):
    # The policy's own indicators are the longest labels a chart draws.
    labels = list(Indicator.objects.values_list("text", flat=True))
    assert len(labels) > 20
    names = ["Adults, Health and Care", "Children and Families", "Economy and Infrastructure",
             "Fire and Rescue", "Corporate, Customer and Community Services"]
    svgs = [
        charts.bar_chart(chart_id="b1", title="Reasons", labels=labels,
                         series=[(names[0], list(range(len(labels))))]),
        charts.bar_chart(chart_id="b2", title="Reasons", labels=labels, width=charts.NARROW,
                         series=[(n, [1000] * len(labels)) for n in names[:3]]),
        charts.line_chart(chart_id="l1", title="By month", series=[(n, [3, 9, 999]) for n in names],
                          labels=["Jan 2026", "Feb 2026", "Mar 2026"]),
        charts.line_chart(chart_id="l2", title="By month", width=charts.NARROW,
                          series=[(n, [3, 9, 12]) for n in names],
                          labels=[f"{m} 2026" for m in ("Jan", "Feb", "Mar", "Apr", "May")]),
    ]
    page.set_viewport_size({"width": 1000, "height": 800})
    page.set_content("<!DOCTYPE html><html><body style='margin:0'>"
                     + "".join(f"<div style='width:640px'>{s}</div>" for s in svgs)
                     + "</body></html>")
    outside = page.evaluate("""() => {
      const out = [];
      for (const svg of document.querySelectorAll('svg')) {
        const vb = svg.viewBox.baseVal;
        for (const t of svg.querySelectorAll('text')) {
          const bb = t.getBBox();
          if (bb.x < vb.x - 0.5 || bb.x + bb.width > vb.x + vb.width + 0.5
              || bb.y < vb.y - 0.5 || bb.y + bb.height > vb.y + vb.height + 0.5)
            out.push(svg.id + ': ' + t.textContent + ' '
                     + [bb.x, bb.y, bb.width, bb.height].map(Math.round).join(','));
        }
      }
      return out;
    }""")
    assert outside == []
