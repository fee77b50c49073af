"""Rules every page template keeps, checked on the template files themselves so a new page
cannot forget them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.template import Context, Template

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Letters, the printable quarterly report, the Ombudsman bundle and the subject access
# disclosure's index are paper (PDF): nothing scrolls there. The letters section of the case
# page (letters/_case_section.html) is a page, not paper. The bundle and the disclosure's
# PDF index are only ever PDFs.
PAPER = ("letters/base_letter.html", "reports/quarterly.html", "bundles/ombudsman.html",
         "governance/disclosure.html", "governance/disclosure_index_pdf.html")


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


# --- Content Security Policy: nothing inline (ucp/csp.py) --------------------------------------

ROOT = TEMPLATES.parent
APPS = ("accounts", "api", "cases", "letters", "outbox", "reports", "reviews", "sanctions", "ucp")
# Self-contained documents rendered to PDF as well as shown: their <style> is allowed by its
# hash on the responses that show them (letters.views, letters.drafts, reports.views).
STYLE_BLOCK_ALLOWED = PAPER

INLINE = {
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)


def _all_templates() -> list[Path]:
    """Every template the project renders: templates/ and any app's own templates/."""
    dirs = [TEMPLATES, *(ROOT / app / "templates" for app in APPS)]
    return [p for d in dirs if d.exists() for p in sorted(d.rglob("*.html"))]


def _inline_code(text: str, *, style_blocks: bool) -> list[str]:
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    if not style_blocks and STYLE_BLOCK.search(text):
        found.append("a <style> block")
    return found


def test_no_template_has_inline_script_or_style():
    # The policy is script-src 'self', style-src 'self': any of these would be refused by
    # the browser (and a new page using one would break silently). Put it in
    # frontend/ucp.js or frontend/ucp.scss instead.
    found = []
    for path in _all_templates():
        name = str(path.relative_to(TEMPLATES)) if path.is_relative_to(TEMPLATES) else str(path)
        text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", path.read_text(),
                      flags=re.DOTALL)
        found += [f"{name}: {what}"
                  for what in _inline_code(text, style_blocks=name in STYLE_BLOCK_ALLOWED)]
    assert found == []


def test_no_python_code_writes_inline_script_or_style_into_html():
    # Markup made in Python (the report's SVG charts, template tags) is checked the same
    # way; the js-enabled tag is the one inline script, allowed by its hash.
    # ucp/csp.py is where the allowances are made (its pattern for finding <style>).
    allowed = {("ucp/templatetags/ucp_tags.py", "an inline <script>"),
               ("ucp/csp.py", "a <style> block")}
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = str(path.relative_to(ROOT))
            tree = ast.parse(path.read_text())
            docstrings = {id(node.value) for node in ast.walk(tree)
                          if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
            for node in ast.walk(tree):
                if id(node) in docstrings:
                    continue
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                    "<" in node.value or "=" in node.value
                ):
                    found += [(name, what)
                              for what in _inline_code(node.value, style_blocks=False)
                              if (name, what) not in allowed]
    assert found == []


@pytest.mark.parametrize("markup", [
    "<script>alert(1)</script>", '<p style="color:red">', "<style>p{}</style>",
    '<a onclick="go()">', '<a href="javascript:go()">', "<SCRIPT type='module'>x</SCRIPT>",
])
def test_the_inline_code_guard_sees_each_kind(markup):
    assert _inline_code(markup, style_blocks=False)


def test_the_inline_code_guard_lets_files_and_data_through():
    markup = ('<script type="module" src="/static/ucp/ucp.js" data-x="1"></script>'
              '<p class="x" data-style="y">on time: <a href="/onward">on=</a></p>')
    assert _inline_code(markup, style_blocks=False) == []
