"""Template syntax that Django would show to the user instead of hiding.

Django's `{# ... #}` comment is single-line only: one that runs over two lines is not a
comment, and its text reaches the page (the letter preview once showed
"{# allow-same-origin ..." to every senior manager). `{% comment %}` is the multi-line one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import engines

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def test_every_template_is_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_comment_tag_spans_lines(path):
    unclosed = [
        f"{n}: {line.strip()}"
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        for opening in [m.start() for m in re.finditer(r"\{#", line)]
        if "#}" not in line[opening:]
    ]
    assert unclosed == []


def test_a_comment_over_two_lines_would_be_shown():
    """What the check above guards against: Django leaves it in the output."""
    template = engines["django"].from_string("<p>{# one\ntwo #}</p>")
    assert "{#" in template.render({})
