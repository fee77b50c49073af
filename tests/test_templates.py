"""Rules every page template keeps, checked on the template files themselves so a new page
cannot forget them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Letters and the printable quarterly report are paper (PDF): nothing scrolls there. The
# letters section of the case page (letters/_case_section.html) is a page, not paper.
PAPER = ("letters/base_letter.html", "reports/quarterly.html")


def _pages() -> list[Path]:
    return [p for p in sorted(TEMPLATES.rglob("*.html"))
            if str(p.relative_to(TEMPLATES)) not in PAPER]


def test_every_table_on_a_page_is_in_a_scrolling_region():
    # A wide table must scroll on its own, not push the page sideways at 320 px or 400% zoom.
    unwrapped = []
    for path in _pages():
        text = path.read_text()
        for match in re.finditer(r"<table\b", text):
            before = text[: match.start()]
            if before.rfind("{% table_region") <= before.rfind("{% endtable_region %}"):
                line = text.count("\n", 0, match.start()) + 1
                unwrapped.append(f"{path.relative_to(TEMPLATES)}:{line}")
    assert unwrapped == []


@pytest.mark.parametrize("label", ["Matters", "Tom & Jerry's <cases>"])
def test_a_table_region_is_labelled_focusable_and_escaped(label):
    html = Template('{% table_region label %}<table></table>{% endtable_region %}').render(
        Context({"label": label})
    )
    assert html.startswith('<div class="ucp-table-scroll" role="region" aria-label="')
    assert 'tabindex="0"><table></table></div>' in html
    assert "<cases>" not in html
