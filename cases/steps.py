"""The one registry of step pages: every page that takes a workflow step on a case.

Each app registers its own steps from its own `steps.py`, imported by its AppConfig's
`ready()`: `cases` the case's transitions (`cases/actions.py`), `reviews` the steps on a
challenge and the six-month review, `letters` the letters a case page issues and informing
the council. `cases` is the lower layer and imports neither of them; they import this.

From the registry come:
- the buttons: a page shows a step when the step's own test lets this user take it now:
  the FSM transitions available to the user (their `permission=` and `conditions=`), or
  the step's `may(user, obj)` where no transition decides (a letter);
- the URLs: an app derives its URL patterns from its registered steps (`route`), and
  every button links to `step.url(reference, ...)`;
- the next-steps task list (`cases.next_steps`): each step says where it is open on a case
  now (`opens`), who takes it there and by when; `may` says whether this user can.

A step names the transition it takes (`name`) within a `subject`: "case" for the designation
case, "challenge", "review" and "letter".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.roles import Role

CASE = "case"
CHALLENGE = "challenge"
REVIEW = "review"
LETTER = "letter"
NOTICE = "notice"  # informing the council: no letter to the customer
CHECKLIST = "checklist"  # the preconditions, alternatives and key officer of section 2.3


@dataclass(frozen=True)
class Opening:
    """One place a step is open on a case now, as the step's app sees it.

    `who` names the person or role who takes it ("a senior manager of Adults"); `obj` is
    what the step acts on (a challenge) and is given to the step's `may`; `url_args` are
    the object's own URL arguments. A step that cannot be taken yet says why (`blocked`);
    a waiting period (the customer's 14 days) says what it waits for (`waiting`), and is
    the user's to act on only if `may` lets them. `not_before` is the day before which
    taking it is allowed but not yet due (an early six-month review).

    `roles` and `person` say who may take it in terms a query can ask (`cases.turns`): the
    roles of `who`, and a person named on the case or the object (the challenge's reviewer,
    the senior manager named to decide). Left empty, any casework role may.
    """

    who: str
    obj: Any = None
    url_args: tuple = ()
    due_on: dt.date | None = None
    done: bool = False
    blocked: str = ""
    waiting: str = ""
    not_before: dt.date | None = None
    hint: str = ""
    roles: tuple[str, ...] = ()
    person_id: int | None = None


@dataclass(frozen=True)
class Step:
    subject: str  # what the step acts on: CASE, CHALLENGE, REVIEW or LETTER
    name: str  # the transition (or letter kind) the page takes, unique within its subject
    title: str  # the page's heading, and the task's name in a task list
    url_name: str  # the namespaced URL name of the page
    # The page's path below its app's prefix, for apps that build their URL patterns from
    # the registry ("" when one pattern serves every step, as the case's `act/<action>/`).
    route: str = ""
    order: int = 50  # the policy's order, as the buttons are shown
    # Whether this user may take the step on `obj` now; None means "ask the app's page".
    may: Callable[[Any, Any], bool] | None = None
    # The app's own description of the page (its form, service, template).
    page: Any = None
    # URL arguments that follow the case reference whatever the object (a letter's kind,
    # the case action's name); the object's own (a challenge's id) are given to `url`.
    url_args: tuple = ()
    # Where the step is open on a case now: `opens(case, today) -> [Opening, ...]`. Reads
    # only the case's relations named in `prefetch`, through `.all()`, so a list of cases
    # prefetched once costs no query per case (the home page).
    opens: Callable[[Any, dt.date], list[Opening]] | None = None
    prefetch: tuple = ()  # lookups: names, or `Prefetch`es with their own querysets
    # A fragment of the page the step links to (a checklist on the case page).
    anchor: str = ""
    # Whether the step, when this user can take it now, puts the case on their home page
    # (not so for an alternative a second role may also take, or recording a request).
    home: bool = True

    @property
    def key(self) -> tuple[str, str]:
        return (self.subject, self.name)

    def url(self, reference: str, *args: Any) -> str:
        url = reverse(self.url_name, args=[reference, *self.url_args, *args])
        return f"{url}#{self.anchor}" if self.anchor else url


def who(case: Any, *roles: str) -> str:
    """The people a step waits for, in words: "a senior manager of Adults"."""
    words = " or ".join(Role(r).label.lower() for r in roles)
    return f"a {words} of {case.lead_directorate.name}"


_REGISTRY: dict[tuple[str, str], Step] = {}


def register(step: Step) -> Step:
    """Add a step. Registering the same step twice is harmless (a module imported under
    two names, a test reloading it); two different steps under one name are a mistake."""
    existing = _REGISTRY.get(step.key)
    if existing is not None and (existing.url_name, existing.route, existing.url_args) != (
        step.url_name, step.route, step.url_args
    ):
        raise ImproperlyConfigured(f"Two step pages are registered as {step.key}.")
    _REGISTRY[step.key] = step
    return step


def get(subject: str, name: str) -> Step | None:
    return _REGISTRY.get((subject, name))


def for_subject(subject: str) -> list[Step]:
    """Every step registered for `subject`, in the policy's order."""
    return sorted(
        (s for s in _REGISTRY.values() if s.subject == subject), key=lambda s: (s.order, s.name)
    )


def all_steps() -> list[Step]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.subject, s.order, s.name))


def lookups() -> list:
    """The case's relations the registered steps read: a relation named by two steps once,
    with the queryset one of them gives (a `Prefetch` over a plain name)."""
    found: dict[str, Any] = {"involved_directorates": "involved_directorates"}
    for step in all_steps():
        for lookup in step.prefetch:
            to = lookup if isinstance(lookup, str) else lookup.prefetch_to
            if to not in found or not isinstance(lookup, str):
                found[to] = lookup
    return [found[to] for to in sorted(found)]
