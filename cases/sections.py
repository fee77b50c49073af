"""The case page's tabs that other apps fill, so that `cases` imports none of them.

The case page is a summary (status, what happens next, the latest events) and a row of
tabs, each its own page (links, working without JavaScript): the referral and checklist
and the evidence are `cases`' own; the letters, the challenges and reviews, and the
monitoring since the designation stand above `cases`. Each of those registers, from its
AppConfig's `ready()`, a function `(case, user) -> dict` whose keys its template reads
(`letters_section`, `reviews_section`, `monitoring`), the template that shows it, and the
case's relations it reads (`prefetch`), fetched once for the tab's page.

The tabs' slugs are fixed here (`TABS`), with the routes `cases/urls.py` gives them: a tab
whose app is not installed is a 404, not a missing route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Section = Callable[[Any, Any], dict[str, Any]]

# Every tab of the case page, in the order shown: (slug, title). "" is the summary.
SUMMARY = ""
REFERRAL = "referral"
EVIDENCE = "evidence"
LETTERS = "letters"
REVIEWS = "reviews"
MONITORING = "monitoring"
TABS = (
    (SUMMARY, "Summary"),
    (REFERRAL, "Referral and checklist"),
    (EVIDENCE, "Evidence"),
    (LETTERS, "Letters and notices"),
    (REVIEWS, "Challenges and reviews"),
    (MONITORING, "Since the designation"),
)
TITLES = dict(TABS)
# The tabs another app fills (`register`); the rest are `cases`' own views.
REGISTERED = (LETTERS, REVIEWS, MONITORING)


@dataclass(frozen=True)
class Tab:
    slug: str
    context: Section
    template: str  # the section's template, included in the tab's page
    prefetch: tuple = ()  # `Prefetch`es (or names) of the case's relations it reads

    @property
    def title(self) -> str:
        return TITLES[self.slug]


_TABS: dict[str, Tab] = {}


def register(section: Section, *, tab: str, template: str, prefetch: tuple = ()) -> Section:
    """Fill the tab `tab` (one of REGISTERED) with `section`, shown by `template`."""
    if tab not in REGISTERED:
        raise ValueError(f"No case page tab {tab!r}")
    _TABS[tab] = Tab(tab, section, template, tuple(prefetch))
    return section


def get(tab: str) -> Tab | None:
    return _TABS.get(tab)
