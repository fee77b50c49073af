"""Sections other apps add to the case page, so that `cases` imports none of them.

`letters`, `reviews` and `sanctions` stand above `cases`: each registers, from its
AppConfig's `ready()`, a function `(case, user) -> dict` whose keys the case page's
template reads (`letters_section`, `reviews_section`, `monitoring`), with the case's
relations it reads (`prefetch`): the page fetches each of those once, for every section and
for the next steps, rather than once by each reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Section = Callable[[Any, Any], dict[str, Any]]

_SECTIONS: list[Section] = []
_PREFETCH: dict[str, Any] = {}


def register(section: Section, *, prefetch: tuple = ()) -> Section:
    """`prefetch`: lookups (`Prefetch`es with the querysets the section wants) on the case;
    the section reads them through `.all()`."""
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    for lookup in prefetch:
        _PREFETCH[getattr(lookup, "prefetch_to", lookup)] = lookup
    return section


def prefetches() -> list:
    """The case relations the registered sections read, one lookup each."""
    return [_PREFETCH[to] for to in sorted(_PREFETCH)]


def context(case, user) -> dict[str, Any]:
    """Every registered section's context for this case and user, merged."""
    result: dict[str, Any] = {}
    for section in _SECTIONS:
        result.update(section(case, user))
    return result
