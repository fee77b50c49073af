"""What happens next on a case, who does it and by when: the one function behind the case
page's task list and the home page's "Your next steps".

The steps come from the registry (`cases.steps`): each app says, through its registered
steps' `opens`, where a step is open on a case now (a case transition from the case's
state, a letter still to send, a challenge waiting for a reviewer, the customer's 14 days,
the six-month review), and through `may` whether a user can take it. This module asks the
same two questions of every step, in the policy's order, so a step can only be missing
from the page if it is missing from the registry; it imports no app above `cases`.

A step this user can take now links to its page; a step for someone else names them and
does not link; a step that cannot start yet says why. "Nothing to do" is said only when no
step is open for anyone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import (
    Prefetch,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import roles_of
from accounts.selectors import directorate_ids_for
from cases import deadlines, folded, steps, turns
from cases.models import CaseEvent, DesignationCase
from cases.selectors import cases_for

# The policy's order across the apps' subjects: a letter or notice still owed on the stage
# just taken comes first, then the checklist, the case's own decision, challenges, review.
SUBJECT_ORDER = (
    steps.LETTER, steps.NOTICE, steps.CHECKLIST, steps.CASE, steps.CHALLENGE, steps.REVIEW
)

# The home page shows this many cases, soonest due first. It reads the cases its stored
# turns name for the user (`cases.turns`) in batches: the first of HOME_LIMIT and
# HOME_BATCH_SLACK more (a few turns may not be the user's after all: an independent
# reviewer who took part), each next one twice as big, at most HOME_MAX_BATCHES.
HOME_LIMIT = 10
HOME_BATCH_SLACK = 5
HOME_MAX_BATCHES = 4


class Status(models.TextChoices):
    """GOV.UK task list statuses."""

    DONE = "done", "Completed"
    NOW = "now", "Can be done now"
    NOT_DUE = "not_due", "Not due yet"  # this user may take it early
    PERIOD = "period", "Waiting"  # a waiting period: the customer's 14 days
    WAITING = "waiting", "Waiting"  # someone else's step
    BLOCKED = "blocked", "Cannot start yet"


@dataclass(frozen=True)
class NextStep:
    subject: str
    name: str  # the registered step's name within its subject
    title: str  # the step's one name (Step.title)
    who: str  # "You", or the person or role who takes it
    status: Status
    url: str = ""  # only when this user can take the step
    due_on: dt.date | None = None
    days_left: int | None = None
    hint: str = ""
    section: str = ""  # alternatives share a section ("Choose one of these")
    home: bool = True

    @property
    def is_open(self) -> bool:
        return self.status != Status.DONE

    @property
    def is_yours_now(self) -> bool:
        return self.status == Status.NOW

    @property
    def status_text(self) -> str:
        if self.status in (Status.WAITING, Status.PERIOD):
            return f"Waiting for {self.who}"
        return self.status.label

    @property
    def overdue(self) -> bool:
        return self.is_open and self.days_left is not None and self.days_left < 0

    @property
    def due_text(self) -> str:
        if self.due_on is None or not self.is_open:
            return ""
        day = date_format(self.due_on, "j F Y")
        days = self.days_left
        if days is None:
            return f"By {day}"
        if days == 0:
            return f"By {day} (today)"
        return f"By {day} ({deadlines.days_text(days)})"

    @property
    def anchor(self) -> str:
        return f"step-{self.subject}-{self.name}".replace("_", "-")


def _status(step: steps.Step, opening: steps.Opening, may: bool, today: dt.date) -> Status:
    if opening.done:
        return Status.DONE
    if opening.blocked:
        return Status.BLOCKED
    if opening.waiting:
        return Status.PERIOD
    if not may:
        return Status.WAITING
    if opening.not_before is not None and today < opening.not_before:
        return Status.NOT_DUE
    return Status.NOW


def next_steps(case: DesignationCase, user, *, now: dt.datetime | None = None) -> list[NextStep]:
    """The steps open on `case`, in the policy's order, as `user` sees them.

    Completed steps of the stage under way are included (the task list shows the stage
    whole); `nothing_open(result)` says whether anyone has anything left to do.
    """
    today = timezone.localdate(now or timezone.now())
    rank = {subject: i for i, subject in enumerate(SUBJECT_ORDER)}
    found: list[tuple[tuple, NextStep]] = []
    for step in steps.all_steps():
        if step.opens is None:
            continue
        for opening in step.opens(case, today):
            target = opening.obj if opening.obj is not None else case
            may = (
                not opening.done and not opening.blocked
                and step.may is not None and step.may(user, target)
            )
            status = _status(step, opening, may, today)
            linked = may and status in (Status.NOW, Status.NOT_DUE, Status.PERIOD)
            hint = opening.blocked or opening.hint
            if status == Status.NOT_DUE:
                hint = hint or f"Due from {date_format(opening.not_before, 'j F Y')}"
            item = NextStep(
                subject=step.subject,
                name=step.name,
                title=step.title,
                who="You" if linked and status != Status.PERIOD else (
                    opening.waiting or opening.who
                ),
                status=status,
                url=step.url(case.reference, *opening.url_args) if linked else "",
                due_on=opening.due_on,
                days_left=(
                    deadlines.days_left(opening.due_on, today) if opening.due_on else None
                ),
                hint=hint,
                home=step.home,
            )
            found.append(((rank.get(step.subject, 99), step.order, step.name), item))
    result = [item for _key, item in sorted(found, key=lambda pair: pair[0])]
    return _with_sections(result)


def _with_sections(items: list[NextStep]) -> list[NextStep]:
    """The case's own decisions from one state are alternatives: one of them is taken."""
    choices = [i for i in items if i.subject == steps.CASE and i.is_open]
    if len(choices) < 2:
        return items
    first = items.index(choices[0])
    label = "Then choose one of these" if first > 0 else "Choose one of these"
    return [dataclasses.replace(i, section=label) if i in choices else i for i in items]


def nothing_open(items: list[NextStep]) -> bool:
    return not any(i.is_open for i in items)


def for_case_page(case: DesignationCase, user, *, now: dt.datetime | None = None) -> dict:
    """The case page's "What happens next" section. The relations the steps read are
    fetched once here, rather than once by each step that reads them."""
    prefetch_related_objects([case], *_lookups())
    items = next_steps(case, user, now=now)
    return {
        "steps": items,
        "nothing_open": nothing_open(items),
        "yours_now": sum(1 for i in items if i.is_yours_now),
    }


def case_page_lookups() -> list:
    """The relations `for_case_page` reads, for a view to fetch with the case itself."""
    return _lookups()


# --- the home page -----------------------------------------------------------------------------


def _lookups() -> list:
    """The relations the registered steps read, but the chronology (see `_prefetches`)."""
    return [lookup for lookup in steps.lookups()
            if (lookup if isinstance(lookup, str) else lookup.prefetch_to) != "events"]


# A stand-in user id for the chronology's fold, compiled once and bound per request.
_ANY_USER = -2_147_483_000
_COMPILED: dict[tuple, list] = {}


def raw_prefetches(user) -> list:
    """What `_prefetches` folds, as plain lookups (for `prefetch_related`)."""
    return [*_lookups(), Prefetch("events", queryset=CaseEvent.objects.filter(actor=user)
                                  .order_by("at", "id"))]


def _prefetches(user) -> list:
    """The relations the steps read, folded and compiled once per process (building and
    compiling eight JSON subqueries was a fifth of a senior manager's home page), keyed by
    the registered steps' lookups so a step registered later gets its own. The chronology:
    only this user's own entries, as all the rules ask of a case's chronology for a list of
    cases is whether this user took part in it (an independent reviewer's independence)."""
    lookups = _lookups()
    key = tuple(id(lookup) for lookup in lookups)
    compiled = _COMPILED.get(key)
    if compiled is None:
        events = Prefetch("events", queryset=CaseEvent.objects.filter(actor_id=_ANY_USER)
                          .order_by("at", "id"))
        compiled = _COMPILED[key] = folded.prepare(DesignationCase, [*lookups, events])
    return [f.bind(_ANY_USER, user.pk) if isinstance(f, folded.Fold)
            and f.name == "events" else f for f in compiled]


@dataclass(frozen=True)
class HomeRow:
    case: DesignationCase
    steps: list[NextStep]  # this user's steps to take now

    @property
    def first_due(self) -> NextStep | None:
        dated = [s for s in self.steps if s.due_on]
        return min(dated, key=lambda s: s.due_on) if dated else None

    @property
    def due_on(self) -> dt.date | None:
        first = self.first_due
        return first.due_on if first else None


def _order_key(due_on: dt.date | None, urgency: int, review: dt.date | None,
               updated: dt.datetime, pk: int) -> tuple:
    """The home page's order: soonest due first (undated last), then by urgency
    (`cases.turns.URGENCY`), the next review date, when the case last changed, its id. The
    candidates' query (`cases.turns.candidates`) sorts by the same."""
    return (due_on is None, due_on or dt.date.max, urgency,
            review is None, review or dt.date.min, updated, pk)


def home_steps(user, *, now: dt.datetime | None = None, limit: int = HOME_LIMIT) -> dict:
    """The cases where `user` has a step to take now, from `next_steps`, soonest due first.

    Reads only the cases the stored turns name for this user (`cases.turns.candidates`),
    a batch at a time in the page's order, and asks `next_steps` of each. A candidate's
    sort key is never later than its row's (the user's steps now are some of its turns),
    so a row is placed once no unread candidate could come before it; usually the first
    batch places `limit` and one more. Two queries a batch: the candidates from the turns'
    index, then those cases, in the user's scope, with every relation the steps read
    folded in (`cases.folded`).
    """
    now = now or timezone.now()
    roles, directorate_ids = roles_of(user), directorate_ids_for(user)
    scope = cases_for(user).select_related(
        "customer", "lead_directorate", "key_officer", "formal_warning")
    found: list[tuple[tuple, HomeRow]] = []
    seen: set[int] = set()
    read, size, exhausted, bound = 0, limit + HOME_BATCH_SLACK, False, None
    for _batch in range(HOME_MAX_BATCHES):
        # `size` more cases: a case has a turn per role and directorate, so ask for twice
        # as many turns, and take them in order until `size` cases are new.
        upto = read + 2 * size
        turned = turns.candidates(user, now, roles, directorate_ids, upto)
        fresh: list[int] = []
        for turn in turned[read:]:
            read += 1
            if turn[-1] not in seen:
                seen.add(turn[-1])
                fresh.append(turn[-1])
                if len(fresh) == size:
                    break
        if fresh:
            scan, folds = folded.fold(scope.filter(pk__in=fresh), _prefetches(user))
            cases = list(scan)
            folded.attach(cases, folds)
            for case in cases:
                mine = [s for s in next_steps(case, user, now=now)
                        if s.is_yours_now and s.home]
                if mine:
                    row = HomeRow(case=case, steps=mine)
                    key = _order_key(row.due_on, turns.urgency_of(case.state),
                                     case.review_due_on, case.updated_at, case.pk)
                    found.append((key, row))
        if read == len(turned) < upto:
            exhausted = True
            break
        # Every unread case's first turn comes after the last one read.
        bound = _order_key(*turned[read - 1])
        if sum(1 for key, _row in found if key <= bound) > limit:
            break
        size *= 2
    found.sort(key=lambda pair: pair[0])
    placed = [row for key, row in found if exhausted or key <= bound]
    return {
        "rows": placed[:limit],
        "count": len(placed),
        "more": len(placed) > limit,
        # Not every candidate was read: "N or more".
        "scanned_all": exhausted,
    }
