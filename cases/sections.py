"""Sections other apps add to the case page, so that `cases` imports none of them.

`letters`, `reviews` and `sanctions` stand above `cases`: each registers, from its
AppConfig's `ready()`, a function `(case, user) -> dict` whose keys the case page's
template reads (`letters_section`, `reviews_section`, `monitoring`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Section = Callable[[Any, Any], dict[str, Any]]

_SECTIONS: list[Section] = []


def register(section: Section) -> Section:
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def context(case, user) -> dict[str, Any]:
    """Every registered section's context for this case and user, merged."""
    result: dict[str, Any] = {}
    for section in _SECTIONS:
        result.update(section(case, user))
    return result
