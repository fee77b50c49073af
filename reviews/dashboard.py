"""Every deadline someone must meet, as one list: the one selector behind `/deadlines/` and
the senior manager's home panel, so the two cannot disagree.

A deadline is a stored date (computed by `cases.deadlines`) that a person has to act by:

- a late request for a review, to accept or refuse: due on the challenge's
  `decision_due_on` (the 28 days run from receipt, and the sweep escalates it once they
  are past); a senior manager of the case acts;
- a request for a review with no independent reviewer yet: `decision_due_on`; a senior
  manager of the case assigns one;
- a challenge with its independent reviewer: `decision_due_on`; that reviewer decides;
- the six-month review, or the missed one of a lapsed designation: the case's
  `review_due_on`; a senior manager of the case;
- a designation not yet in force (the letter to the customer, the council's notice):
  `cases.deadlines.notify_by(designated_on)`, after which the sweep reminds; a senior
  manager of the case;
- the last day for the customer to ask for a review, while none has been received: the
  case's `challenge_ends_on`; the customer;
- an open subject access request: its `due_on` (one calendar month from receipt, or the
  extended day); the information-governance role, council-wide, which sees only these.

That is every date the daily sweep (`reviews/sweeps.py`) reminds, escalates or lapses on.
The other stored dates are not anybody's deadline: a sanction's `ends_on` ends it by itself
(the six-month review is where it is looked at again), a warning has no end date (the case
stays "warned" until a service manager says whether the behaviour went on), and a matter's
dates record what happened.

Each kind is a `Source`: the open items of that kind the user may see (scoped through
`cases.selectors.cases_for` and the user's directorates, exactly as each role's pages are),
annotated with the day each is due. `deadlines_for` unions the sources' queries in the
database and pages the union, so a page costs the same queries whatever the number of
deadlines: one count per source, one query for the page's keys, and one per source on the
page to load its rows. A new kind is one more `Source`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from accounts.roles import Role, has_role
from accounts.selectors import directorate_ids_for
from cases import deadlines
from cases.models import CaseState, DesignationCase
from cases.selectors import cases_for
from governance.models import SarStatus, SubjectAccessRequest
from reviews.models import Challenge, ChallengeStatus
from reviews.services import CHALLENGEABLE_STATES, REVIEWABLE_STATES

DUE_THIS_WEEK_DAYS = 7
DUE_SOON_DAYS = 28
PER_PAGE = 25
HOME_ROWS = 10


# --- clocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A due date seen from today (a UK date): `days` left, negative once overdue."""

    due_on: dt.date
    days: int

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def days_overdue(self) -> int:
        return max(-self.days, 0)

    @property
    def text(self) -> str:
        return deadlines.days_text(self.days).capitalize()

    @property
    def tag_class(self) -> str:
        if self.days < 0:
            return "govuk-tag--red"
        if self.days <= DUE_THIS_WEEK_DAYS:
            return "govuk-tag--orange"
        return "govuk-tag--grey"


def clock(due_on: dt.date, today: dt.date) -> Clock:
    return Clock(due_on=due_on, days=deadlines.days_left(due_on, today))


# --- horizons --------------------------------------------------------------------------------


class Horizon(models.TextChoices):
    """How far ahead the list looks. Each includes what is overdue: it is the most urgent."""

    OVERDUE = "overdue", "Overdue"
    WEEK = "week", "Overdue or due in the next 7 days"
    NEXT_28_DAYS = "28-days", "Overdue or due in the next 28 days"
    ALL = "all", "All open deadlines"

    @classmethod
    def parse(cls, value: str | None) -> Horizon:
        """The horizon a query string asks for; anything else is the default."""
        try:
            return cls(value)
        except ValueError:
            return DEFAULT_HORIZON


DEFAULT_HORIZON = Horizon.NEXT_28_DAYS
HOME_HORIZON = Horizon.NEXT_28_DAYS


def _within(horizon: Horizon, today: dt.date) -> Q:
    """The deadlines in `horizon`, as a filter on the sources' `dl_due`."""
    if horizon == Horizon.OVERDUE:
        return Q(dl_due__lt=today)
    if horizon == Horizon.WEEK:
        return Q(dl_due__lte=today + dt.timedelta(days=DUE_THIS_WEEK_DAYS))
    if horizon == Horizon.NEXT_28_DAYS:
        return Q(dl_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    return Q()


# --- scope -------------------------------------------------------------------------------------


def managed_cases(user) -> QuerySet[DesignationCase]:
    """The cases of the user's own directorates (led or involved), within `cases_for`.

    `cases_for` also lets an independent reviewer see the cases given to them from other
    directorates; a reviewer is not responsible for those cases' other deadlines, so the
    deadlines a senior manager answers for come from this narrower scope.
    """
    return cases_for(user).in_directorates(directorate_ids_for(user))


@dataclass(frozen=True)
class Scope:
    """What one user may see deadlines of: as a senior manager, the cases of their
    directorates; as an independent reviewer, the challenges given to them."""

    user: Any
    is_manager: bool
    is_reviewer: bool
    managed: QuerySet[DesignationCase]
    challenges: QuerySet[Challenge]
    is_information_governance: bool = False

    @classmethod
    def of(cls, user) -> Scope:
        is_manager = has_role(user, Role.SENIOR_MANAGER)
        is_reviewer = has_role(user, Role.INDEPENDENT_REVIEWER)
        is_ig = has_role(user, Role.INFORMATION_GOVERNANCE)
        managed = managed_cases(user) if is_manager else DesignationCase.objects.none()
        mine = Q(pk__in=[])
        if is_manager:
            mine |= Q(case__in=managed)
        if is_reviewer:
            mine |= Q(reviewer=user)
        challenges = Challenge.objects.filter(case__in=cases_for(user)).filter(mine)
        return cls(user=user, is_manager=is_manager, is_reviewer=is_reviewer,
                   managed=managed, challenges=challenges, is_information_governance=is_ig)


# --- rows --------------------------------------------------------------------------------------


class DeadlineKind(models.TextChoices):
    LATE_CHALLENGE = "late_challenge", "Late request for a review"
    ASSIGN_REVIEWER = "assign_reviewer", "Request for a review"
    CHALLENGE_DECISION = "challenge_decision", "Challenge decision"
    SIX_MONTH_REVIEW = "six_month_review", "Six-month review"
    NOTIFY = "notify", "Designation to put in force"
    CHALLENGE_WINDOW = "challenge_window", "Last day to ask for a review"
    SUBJECT_ACCESS = "subject_access", "Subject access request"


@dataclass(frozen=True)
class DeadlineRow:
    kind: DeadlineKind
    pk: int
    case: DesignationCase | None  # None for a subject access request: it is the customer's
    what: str
    who: str
    clock: Clock
    anchor: str
    item: Any = None

    @property
    def key(self) -> str:
        """Unique on a page: the kind and the id of the row it comes from."""
        return f"{self.kind}-{self.pk}"

    @property
    def due_on(self) -> dt.date:
        return self.clock.due_on

    @property
    def directorate(self) -> str:
        return self.case.lead_directorate.name if self.case else "Information governance"

    @property
    def reference(self) -> str:
        """What the row's link says: the case, or the customer a request is about."""
        return self.case.reference if self.case else self.item.customer.reference

    @property
    def customer_name(self) -> str:
        return (self.case or self.item).customer.full_name

    @property
    def url(self) -> str:
        return f"{(self.case or self.item).get_absolute_url()}#{self.anchor}"


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _senior_manager(case: DesignationCase) -> str:
    return f"A senior manager, {case.lead_directorate.name}"


@dataclass(frozen=True)
class Source:
    """One kind of deadline.

    `open(scope, today)` is the open items of this kind the user may see, annotated with
    `dl_due` (the day it is due) and `dl_ref` (the case's reference, to sort a day's rows
    by), or None when the user's roles have none of them. `related` is what a row reads,
    and `row(item, scope)` says what is due and who must act.
    """

    kind: DeadlineKind
    open: Callable[[Scope, dt.date], QuerySet | None]
    related: tuple[str, ...]
    row: Callable[[Any, Scope], tuple[str, str, str]]  # (what, who, anchor)


def _challenges(status: ChallengeStatus) -> Callable[[Scope, dt.date], QuerySet]:
    def open_(scope: Scope, today: dt.date) -> QuerySet:
        return scope.challenges.filter(status=status).annotate(
            dl_due=F("decision_due_on"), dl_ref=F("case__reference")
        )

    return open_


def _late_row(ch: Challenge, scope: Scope) -> tuple[str, str, str]:
    return ("Late request for a review: accept it or not", _senior_manager(ch.case),
            f"challenge-{ch.pk}")


def _unassigned_row(ch: Challenge, scope: Scope) -> tuple[str, str, str]:
    return ("Request for a review: assign an independent reviewer", _senior_manager(ch.case),
            f"challenge-{ch.pk}")


def _decision_row(ch: Challenge, scope: Scope) -> tuple[str, str, str]:
    who = ("You, the independent reviewer" if ch.reviewer_id == scope.user.pk
           else f"{_name(ch.reviewer)}, independent reviewer")
    return "Challenge decision", who, f"challenge-{ch.pk}"


def _reviews(scope: Scope, today: dt.date) -> QuerySet | None:
    if not scope.is_manager:
        return None
    return scope.managed.filter(
        state__in=REVIEWABLE_STATES, review_due_on__isnull=False
    ).annotate(dl_due=F("review_due_on"), dl_ref=F("reference"))


def _review_row(case: DesignationCase, scope: Scope) -> tuple[str, str, str]:
    what = ("Six-month review missed, restrictions lapsed: review now"
            if case.state == CaseState.LAPSED else "Six-month review")
    return what, _senior_manager(case), "six-month-review"


def _to_notify(scope: Scope, today: dt.date) -> QuerySet | None:
    if not scope.is_manager:
        return None
    return scope.managed.filter(
        state=CaseState.DESIGNATED, designated_on__isnull=False
    ).annotate(dl_due=deadlines.notify_by_in_query(), dl_ref=F("reference"))


def _notify_row(case: DesignationCase, scope: Scope) -> tuple[str, str, str]:
    to_do = [what for what, done in (
        ("send the customer the designation letter", case.customer_notified_on),
        ("inform the council", case.council_informed_at),
    ) if not done]
    what = "Designation not yet in force: " + " and ".join(to_do or ["put it in force"])
    return what, _senior_manager(case), "letters"


def _windows(scope: Scope, today: dt.date) -> QuerySet | None:
    if not scope.is_manager:
        return None
    # Once a request has come in, the window is no longer anyone's deadline; once it has
    # closed, nothing is left to do about it (a later request is a late one, listed above).
    return (
        scope.managed.filter(state__in=CHALLENGEABLE_STATES, challenge_ends_on__gte=today)
        .exclude(Exists(Challenge.objects.filter(case_id=OuterRef("pk"))))
        .annotate(dl_due=F("challenge_ends_on"), dl_ref=F("reference"))
    )


def _window_row(case: DesignationCase, scope: Scope) -> tuple[str, str, str]:
    return ("Last day for the customer to ask for a review", "The customer, in writing",
            "challenge-window")


def _subject_access(scope: Scope, today: dt.date) -> QuerySet | None:
    if not scope.is_information_governance:
        return None
    return SubjectAccessRequest.objects.filter(status=SarStatus.OPEN).annotate(
        dl_due=F("due_on"), dl_ref=F("customer__reference")
    )


def _subject_access_row(sar: SubjectAccessRequest, scope: Scope) -> tuple[str, str, str]:
    what = "Subject access request: send the disclosure"
    if sar.identity_checked_on is None:
        what += " (identity not yet checked)"
    return what, "Information governance", "disclosure"


_CHALLENGE_RELATED = ("case__customer", "case__lead_directorate", "reviewer")
_CASE_RELATED = ("customer", "lead_directorate")

SOURCES: tuple[Source, ...] = (
    Source(DeadlineKind.LATE_CHALLENGE, _challenges(ChallengeStatus.LATE),
           _CHALLENGE_RELATED, _late_row),
    Source(DeadlineKind.ASSIGN_REVIEWER, _challenges(ChallengeStatus.AWAITING_REVIEWER),
           _CHALLENGE_RELATED, _unassigned_row),
    Source(DeadlineKind.CHALLENGE_DECISION, _challenges(ChallengeStatus.UNDER_REVIEW),
           _CHALLENGE_RELATED, _decision_row),
    Source(DeadlineKind.SIX_MONTH_REVIEW, _reviews, _CASE_RELATED, _review_row),
    Source(DeadlineKind.NOTIFY, _to_notify, _CASE_RELATED, _notify_row),
    Source(DeadlineKind.CHALLENGE_WINDOW, _windows, _CASE_RELATED, _window_row),
    Source(DeadlineKind.SUBJECT_ACCESS, _subject_access, ("customer",), _subject_access_row),
)


def source(kind: DeadlineKind) -> Source:
    return next(s for s in SOURCES if s.kind == kind)


# --- the list ----------------------------------------------------------------------------------


class _Rows(Sequence):
    """The rows of one horizon, soonest due first, loaded a slice at a time (a Paginator
    asks for its count, then for one page)."""

    def __init__(self, keys: QuerySet | None, total: int, sources: dict[str, Source],
                 scope: Scope, today: dt.date) -> None:
        self._keys = keys
        self._total = total
        self._sources = sources
        self._scope = scope
        self._today = today

    def count(self) -> int:
        return self._total

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index:index + 1][0]
        keys = list(self._keys[index]) if self._keys is not None else []
        wanted: dict[str, list[int]] = defaultdict(list)
        for kind, pk, _due, _ref in keys:
            wanted[kind].append(pk)
        loaded: dict[tuple[str, int], Any] = {}
        for kind, pks in wanted.items():
            source = self._sources[kind]
            items = source.open(self._scope, self._today).filter(pk__in=pks)
            for item in items.select_related(*source.related):
                loaded[kind, item.pk] = item
        rows = []
        for kind, pk, _due, _ref in keys:
            item = loaded.get((kind, pk))
            if item is None:  # met between the two queries
                continue
            source = self._sources[kind]
            what, who, anchor = source.row(item, self._scope)
            case = item if isinstance(item, DesignationCase) else getattr(item, "case", None)
            rows.append(DeadlineRow(kind=DeadlineKind(kind), pk=pk, case=case, what=what,
                                    who=who, clock=clock(item.dl_due, self._today),
                                    anchor=anchor, item=item))
        return rows


@dataclass(frozen=True)
class Deadlines:
    """The deadlines a user must see within a horizon, with the count of every horizon."""

    today: dt.date
    horizon: Horizon
    counts: dict[Horizon, int]
    rows: _Rows
    scope: Scope

    @property
    def is_manager(self) -> bool:
        return self.scope.is_manager

    @property
    def is_reviewer(self) -> bool:
        return self.scope.is_reviewer

    @property
    def is_information_governance(self) -> bool:
        return self.scope.is_information_governance

    @property
    def total(self) -> int:
        return self.counts[self.horizon]

    @property
    def horizons(self) -> list[dict]:
        """The choices of horizon with their counts, for the radios and the home panel."""
        return [
            {"value": h.value, "label": h.label, "count": self.counts[h],
             "checked": h == self.horizon}
            for h in Horizon
        ]

    def page(self, number: Any, per_page: int = PER_PAGE) -> Page:
        return Paginator(self.rows, per_page).get_page(number)

    def first(self, n: int) -> list[DeadlineRow]:
        return self.rows[:n]


def deadlines_for(user, *, horizon: Horizon = DEFAULT_HORIZON,
                  today: dt.date | None = None) -> Deadlines:
    """The one deadline selector: every open deadline this user may see within `horizon`,
    overdue first (they are the earliest due), then by due date, then by case.

    `today` is the UK date (`timezone.localdate()`); days left and overdue count from it.
    """
    today = today or timezone.localdate()
    scope = Scope.of(user)
    sources = {s.kind.value: s for s in SOURCES}
    counts = dict.fromkeys(Horizon, 0)
    parts = []
    for source in SOURCES:
        qs = source.open(scope, today)
        if qs is None:
            continue
        qs = qs.order_by()
        found = qs.aggregate(**{
            f"n_{h.name.lower()}": Count("pk", filter=_within(h, today)) if h != Horizon.ALL
            else Count("pk")
            for h in Horizon
        })
        for h in Horizon:
            counts[h] += found[f"n_{h.name.lower()}"]
        parts.append(
            qs.filter(_within(horizon, today))
            .annotate(dl_kind=Value(source.kind.value, output_field=CharField()))
            .values_list("dl_kind", "pk", "dl_due", "dl_ref")
        )
    keys = None
    if parts:
        keys = parts[0].union(*parts[1:], all=True).order_by(
            "dl_due", "dl_ref", "dl_kind", "pk"
        )
    return Deadlines(
        today=today, horizon=horizon, counts=counts,
        rows=_Rows(keys, counts[horizon], sources, scope, today), scope=scope,
    )
