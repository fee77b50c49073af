"""README.md stays true to the code it describes."""

from __future__ import annotations

import re
from pathlib import Path

from cases.diagram import mermaid

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_workflow_diagram_matches_the_transitions():
    text = README.read_text()
    block = re.search(r"<!-- workflow:start -->\n```mermaid\n(.*?)\n```\n<!-- workflow:end -->",
                      text, re.S)
    assert block, "README.md lost its workflow diagram markers"
    assert block.group(1) == mermaid(), (
        "README's diagram is out of date: paste the output of `manage.py workflow_diagram`"
    )


def test_readme_shows_both_commands_first():
    text = README.read_text()
    first_block = text.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_readme_documents_every_environment_setting():
    settings_source = (README.parent / "ucp" / "settings.py").read_text()
    names = set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_source))
    names |= set(re.findall(r'env_(?:bool|list)\("([A-Z_]+)"', settings_source))
    text = README.read_text()
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert not missing, f"README's configuration table lacks {missing}"
