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
    Case,
    F,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format

from cases import deadlines, folded, steps
from cases.choices import CaseState
from cases.models import CaseEvent, DesignationCase
from cases.selectors import cases_for

# The policy's order across the apps' subjects: a letter or notice still owed on the stage
# just taken comes first, then the checklist, the case's own decision, challenges, review.
SUBJECT_ORDER = (
    steps.LETTER, steps.NOTICE, steps.CHECKLIST, steps.CASE, steps.CHALLENGE, steps.REVIEW
)

# The home page shows this many cases, most urgent first, and looks at no more than
# HOME_SCAN_PER_STATE of a user's open cases in each open state to find them: a fixed cost
# whatever the council holds (seven open states, about 200 cases).
HOME_LIMIT = 10
HOME_SCAN_PER_STATE = 30


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
    """The relations the registered steps read, but the chronology (see `_prefetches`): a
    relation named by two steps is fetched once, with the queryset one of them gives."""
    found: dict[str, str | Prefetch] = {"involved_directorates": "involved_directorates"}
    for step in steps.all_steps():
        for lookup in step.prefetch:
            to = lookup if isinstance(lookup, str) else lookup.prefetch_to
            if to not in found or not isinstance(lookup, str):
                found[to] = lookup
    found.pop("events", None)
    return [found[to] for to in sorted(found)]


def _prefetches(user) -> list:
    # Only this user's own entries: all the rules ask of a case's chronology for a list of
    # cases is whether this user took part in it (an independent reviewer's independence).
    return [
        *_lookups(),
        Prefetch("events", queryset=CaseEvent.objects.filter(actor=user).order_by("at", "id")),
    ]


def _by_urgency(qs: QuerySet[DesignationCase]) -> QuerySet[DesignationCase]:
    """Lapsed reviews first, then decisions and designations not yet in force, then the
    rest by their next review date: the order in which the scan keeps what matters."""
    return qs.annotate(
        urgency=Case(
            When(state=CaseState.LAPSED, then=Value(0)),
            When(state=CaseState.AWAITING_DECISION, then=Value(1)),
            When(state=CaseState.DESIGNATED, then=Value(2)),
            When(state=CaseState.ACTIVE, then=Value(4)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("urgency", models.F("review_due_on").asc(nulls_last=True), "updated_at", "id")


# The order of the scan within each state: the window's, and `_rank_within_state`'s.
_SCAN_ORDER = [F("review_due_on").asc(nulls_last=True), F("updated_at"), F("id")]


def _rank_within_state(cases: list[DesignationCase]) -> None:
    """Each case's place within its state in the scan's order (the window's `state_rank`,
    which the subquery that chose them cannot hand on)."""
    seen: dict[str, int] = {}
    ordered = sorted(cases, key=lambda c: (c.review_due_on is None,
                                           c.review_due_on or dt.date.min, c.updated_at, c.id))
    for case in ordered:
        seen[case.state] = seen.get(case.state, 0) + 1
        case.state_rank = seen[case.state]


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


def home_steps(user, *, now: dt.datetime | None = None, limit: int = HOME_LIMIT) -> dict:
    """The cases where `user` has a step to take now, from `next_steps`, soonest due first.

    A fixed number of queries however many cases there are: the open cases are read once,
    with every relation the registered steps read prefetched, most urgent first and at
    most HOME_SCAN_PER_STATE of each state (and one more, to know whether there were more).
    """
    scope = cases_for(user).exclude(state__in=[CaseState.CLOSED, CaseState.NEW])
    # One more than the scan, rather than a count of every open case: whether the scan saw
    # them all is all the page says.
    # Each state gets its own share of the scan (a window per state), so that hundreds of
    # cases awaiting a decision cannot crowd out the referrals a service manager acts on.
    # One more than the share per state says whether that state had more.
    ranked = scope.annotate(
        state_rank=Window(
            RowNumber(), partition_by=[F("state")], order_by=_SCAN_ORDER,
        )
    )
    # The relations the steps read come in the scan's own rows (`cases.folded`): one query,
    # rather than one more per relation. The window picks the cases first, in a subquery,
    # so that the relations are read for those cases only, not for every open case.
    chosen = ranked.filter(state_rank__lte=HOME_SCAN_PER_STATE + 1).values("pk")
    scan, folds = folded.fold(
        _by_urgency(DesignationCase.objects.filter(pk__in=chosen))
        .select_related("customer", "lead_directorate", "key_officer", "formal_warning"),
        _prefetches(user),
    )
    cases = list(scan)
    folded.attach(cases, folds)
    _rank_within_state(cases)
    scanned_all = all(case.state_rank <= HOME_SCAN_PER_STATE for case in cases)
    rows = []
    for case in cases:
        if case.state_rank > HOME_SCAN_PER_STATE:
            continue
        mine = [s for s in next_steps(case, user, now=now) if s.is_yours_now and s.home]
        if mine:
            rows.append(HomeRow(case=case, steps=mine))
    rows.sort(key=lambda r: (r.due_on is None, r.due_on or dt.date.max))
    return {
        "rows": rows[:limit],
        "count": len(rows),
        "more": len(rows) > limit,
        "scanned_all": scanned_all,
    }
