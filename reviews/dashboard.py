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
with the stored date each is due by. A page costs two queries whatever the number of
deadlines, and its database work follows the page rather than the data:

- one count of the open items of every source **by due day** (`GROUP BY` the stored date,
  along a partial index that holds the scope's columns): the rows it returns are bounded by
  the calendar, not the data, and they give both the count of every horizon and the day on
  which the page asked for begins;
- one query for the page: each source read in due order from that day along its index,
  `LIMIT` what the page can still need, and the few rows merged in the database (a k-way
  merge, `UNION ALL` of the limited branches), so a deep page costs what the first does.

A new kind is one more `Source`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import Role, roles_of
from accounts.selectors import access_key
from cases import deadlines
from cases.models import CaseState, DesignationCase
from cases.selectors import case_row_scope, directorate_cases_for
from governance.models import SarStatus, SubjectAccessRequest
from reviews.models import Challenge, ChallengeStatus
from reviews.services import CHALLENGEABLE_STATES, REVIEWABLE_STATES
from ucp.compiled_sql import CompiledSQL

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


def last_day(horizon: Horizon, today: dt.date) -> dt.date | None:
    """The last due day `horizon` includes (None: no end). Every horizon starts with what is
    overdue, so each is the list up to a day: a prefix of the one list in due order."""
    if horizon == Horizon.OVERDUE:
        return today - dt.timedelta(days=1)
    if horizon == Horizon.WEEK:
        return today + dt.timedelta(days=DUE_THIS_WEEK_DAYS)
    if horizon == Horizon.NEXT_28_DAYS:
        return today + dt.timedelta(days=DUE_SOON_DAYS)
    return None


# --- scope -------------------------------------------------------------------------------------


def managed_cases(user) -> QuerySet[DesignationCase]:
    """The cases of the user's own directorates (led or involved), within `cases_for`.

    `cases_for` also lets an independent reviewer see the cases given to them from other
    directorates; a reviewer is not responsible for those cases' other deadlines, so the
    deadlines a senior manager answers for come from this narrower scope.
    """
    return directorate_cases_for(user)


@dataclass(frozen=True)
class Scope:
    """What one user may see deadlines of: as a senior manager, the cases of their
    directorates; as an independent reviewer, the challenges given to them.

    `key` is everything the scope's querysets are built from (the user, their roles and
    directorates): the deadlines' statements are compiled once per key (`_COMPILED`), and
    the querysets are built only when a statement is (a cached one needs neither)."""

    user: Any
    is_manager: bool
    is_reviewer: bool
    is_information_governance: bool = False
    key: tuple = ()

    @classmethod
    def of(cls, user) -> Scope:
        roles = roles_of(user)
        return cls(user=user, is_manager=Role.SENIOR_MANAGER in roles,
                   is_reviewer=Role.INDEPENDENT_REVIEWER in roles,
                   is_information_governance=Role.INFORMATION_GOVERNANCE in roles,
                   key=access_key(user))

    @functools.cached_property
    def managed(self) -> QuerySet[DesignationCase]:
        return (managed_cases(self.user) if self.is_manager
                else DesignationCase.objects.none())

    @functools.cached_property
    def challenges(self) -> QuerySet[Challenge]:
        # A challenge of a case the user answers for, or one given to them to review (of a
        # case they may see). Each asked of the challenge's own case (`case_row_scope`),
        # not as "case in every case the user may see", which PostgreSQL hashed whole for
        # each branch of the deadlines' union.
        mine = Q(pk__in=[])
        if self.is_manager:
            mine |= case_row_scope(self.user, "case", own_directorates=True)
        if self.is_reviewer:
            mine |= Q(reviewer=self.user) & case_row_scope(self.user, "case")
        return Challenge.objects.filter(mine)


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
class Item:
    """One open deadline as the union query reads it: only the columns a row shows."""

    pk: int
    due_on: dt.date
    case_reference: str  # "" for a subject access request
    customer_id: int
    customer_reference: str
    customer_name: str
    directorate: str  # the case's lead directorate, "" for a subject access request
    state: str
    done_a: bool  # notify: the letter went; subject access: identity checked
    done_b: bool  # notify: the council was informed
    reviewer_id: int | None
    reviewer_name: str


@dataclass(frozen=True)
class DeadlineRow:
    """A row as `/deadlines/` and the home panel show it, every string precomputed."""

    kind: DeadlineKind
    pk: int
    case_reference: str  # "" for a subject access request: it is the customer's
    customer_id: int
    reference: str  # what the row's link says: the case, or the customer a request is about
    customer_name: str
    directorate: str
    what: str
    who: str
    clock: Clock
    anchor: str
    url: str
    due_text: str

    @property
    def key(self) -> str:
        """Unique on a page: the kind and the id of the row it comes from."""
        return f"{self.kind}-{self.pk}"

    @property
    def due_on(self) -> dt.date:
        return self.clock.due_on


def _senior_manager(item: Item) -> str:
    return f"A senior manager, {item.directorate}"


def _no_lead() -> int:
    return 0


_EPOCH = dt.date(2000, 1, 1)


def _notify_lead() -> int:
    # `cases.deadlines.notify_by` is a fixed number of days after the designation: the rule
    # stays there, and the dashboard reads it as that shift of the stored `designated_on`.
    return (deadlines.notify_by(_EPOCH) - _EPOCH).days


@dataclass(frozen=True)
class Source:
    """One kind of deadline.

    `open(scope, today)` is the open items of this kind the user may see, asked only of a
    scope whose roles have some (`who(scope)`). Each is due `lead()` days after its stored
    date `due` (a field path: the column its partial index reads in order), and a day's rows
    are in the order of `ref` (the case's reference). `columns` names, for each of `Item`'s
    fields, the expression that reads it from this source's rows (one union query reads
    every kind at once), and `row(item, scope)` says what is due and who must act.
    """

    kind: DeadlineKind
    open: Callable[[Scope, dt.date], QuerySet]
    columns: Callable[[], dict[str, Any]]
    row: Callable[[Item, Scope], tuple[str, str, str]]  # (what, who, anchor)
    due: str
    ref: str = "reference"
    lead: Callable[[], int] = _no_lead
    # Whether the scope's roles have any of this kind, asked before (and without) building
    # `open`'s query, which is only asked of a scope `who` admits.
    who: Callable[[Scope], bool] = lambda scope: True

    def due_in_query(self) -> Any:
        lead = self.lead()
        if not lead:
            return F(self.due)
        return Cast(F(self.due) + dt.timedelta(days=lead), output_field=DateField())

    @property
    def order(self) -> tuple[str, ...]:
        """A day's rows in the order of `ref`; a case's reference is unique, so its index
        gives the whole order (an index scan that stops at the LIMIT), while a customer's
        or a case's several requests need their id as well."""
        return (self.due, self.ref) if self.ref == "reference" else (self.due, self.ref, "pk")

    def between(self, first: dt.date | None, last: dt.date | None) -> Q:
        """Due on or after `first` and on or before `last` (None: no bound), as a range on
        the stored column, so that the branch walks its index."""
        lead = dt.timedelta(days=self.lead())
        within = Q()
        if first is not None:
            within &= Q(**{f"{self.due}__gte": first - lead})
        if last is not None:
            within &= Q(**{f"{self.due}__lte": last - lead})
        return within


def _challenges(status: ChallengeStatus) -> Callable[[Scope, dt.date], QuerySet]:
    def open_(scope: Scope, today: dt.date) -> QuerySet:
        return scope.challenges.filter(status=status)

    return open_


def _late_row(item: Item, scope: Scope) -> tuple[str, str, str]:
    return ("Late request for a review: accept it or not", _senior_manager(item),
            f"challenge-{item.pk}")


def _unassigned_row(item: Item, scope: Scope) -> tuple[str, str, str]:
    return ("Request for a review: assign an independent reviewer", _senior_manager(item),
            f"challenge-{item.pk}")


def _decision_row(item: Item, scope: Scope) -> tuple[str, str, str]:
    who = ("You, the independent reviewer" if item.reviewer_id == scope.user.pk
           else f"{item.reviewer_name}, independent reviewer")
    return "Challenge decision", who, f"challenge-{item.pk}"


def _reviews(scope: Scope, today: dt.date) -> QuerySet:
    return scope.managed.filter(state__in=REVIEWABLE_STATES, review_due_on__isnull=False)


def _review_row(item: Item, scope: Scope) -> tuple[str, str, str]:
    what = ("Six-month review missed, restrictions lapsed: review now"
            if item.state == CaseState.LAPSED else "Six-month review")
    return what, _senior_manager(item), "six-month-review"


def _to_notify(scope: Scope, today: dt.date) -> QuerySet:
    return scope.managed.filter(state=CaseState.DESIGNATED, designated_on__isnull=False)


def _notify_row(item: Item, scope: Scope) -> tuple[str, str, str]:
    to_do = [what for what, done in (
        ("send the customer the designation letter", item.done_a),
        ("inform the council", item.done_b),
    ) if not done]
    what = "Designation not yet in force: " + " and ".join(to_do or ["put it in force"])
    return what, _senior_manager(item), "letters"


def _windows(scope: Scope, today: dt.date) -> QuerySet:
    # Once a request has come in, the window is no longer anyone's deadline; once it has
    # closed, nothing is left to do about it (a later request is a late one, listed above).
    return (
        scope.managed.filter(state__in=CHALLENGEABLE_STATES, challenge_ends_on__gte=today)
        .exclude(Exists(Challenge.objects.filter(case_id=OuterRef("pk"))))
    )


def _window_row(item: Item, scope: Scope) -> tuple[str, str, str]:
    return ("Last day for the customer to ask for a review", "The customer, in writing",
            "challenge-window")


def _subject_access(scope: Scope, today: dt.date) -> QuerySet:
    return SubjectAccessRequest.objects.filter(status=SarStatus.OPEN)


def _subject_access_row(item: Item, scope: Scope) -> tuple[str, str, str]:
    what = "Subject access request: send the disclosure"
    if not item.done_a:
        what += " (identity not yet checked)"
    return what, "Information governance", "disclosure"


def _text(value: str = "") -> Value:
    return Value(value, output_field=CharField())


def _flag(**lookup) -> Case:
    return Case(When(then=Value(1), **lookup), default=Value(0), output_field=IntegerField())


def _columns(case: str = "", *, done_a: Any = None, done_b: Any = None,
             reviewer: bool = False) -> Callable[[], dict[str, Any]]:
    """The union's columns for a source whose rows are cases (`case=""`), challenges
    (`case="case__"`), or, with `case=None`, subject access requests."""
    def columns() -> dict[str, Any]:
        customer = "customer__" if case is None else f"{case}customer__"
        return {
            "dl_case_ref": _text() if case is None else F(f"{case}reference"),
            "dl_customer_id": F(f"{customer}id"),
            "dl_customer_ref": F(f"{customer}reference"),
            "dl_customer_name": F(f"{customer}full_name"),
            "dl_directorate": _text() if case is None else F(f"{case}lead_directorate__name"),
            "dl_state": _text() if case is None else F(f"{case}state"),
            "dl_done_a": done_a if done_a is not None else Value(0),
            "dl_done_b": done_b if done_b is not None else Value(0),
            "dl_reviewer_id": F("reviewer_id") if reviewer
            else Value(None, output_field=IntegerField()),
            "dl_reviewer_first": F("reviewer__first_name") if reviewer else _text(),
            "dl_reviewer_last": F("reviewer__last_name") if reviewer else _text(),
            "dl_reviewer_username": F("reviewer__username") if reviewer else _text(),
        }

    return columns


def _managers(scope: Scope) -> bool:
    return scope.is_manager


_CHALLENGE_COLUMNS = _columns("case__", reviewer=True)
_CASE_COLUMNS = _columns()

_CHALLENGE_DUE = {"due": "decision_due_on", "ref": "case__reference"}

SOURCES: tuple[Source, ...] = (
    Source(DeadlineKind.LATE_CHALLENGE, _challenges(ChallengeStatus.LATE),
           _CHALLENGE_COLUMNS, _late_row, **_CHALLENGE_DUE),
    Source(DeadlineKind.ASSIGN_REVIEWER, _challenges(ChallengeStatus.AWAITING_REVIEWER),
           _CHALLENGE_COLUMNS, _unassigned_row, **_CHALLENGE_DUE),
    Source(DeadlineKind.CHALLENGE_DECISION, _challenges(ChallengeStatus.UNDER_REVIEW),
           _CHALLENGE_COLUMNS, _decision_row, **_CHALLENGE_DUE),
    Source(DeadlineKind.SIX_MONTH_REVIEW, _reviews, _CASE_COLUMNS, _review_row,
           due="review_due_on", who=_managers),
    Source(DeadlineKind.NOTIFY, _to_notify, lambda: _columns(
        done_a=_flag(customer_notified_on__isnull=False),
        done_b=_flag(council_informed_at__isnull=False))(), _notify_row,
           due="designated_on", lead=_notify_lead, who=_managers),
    Source(DeadlineKind.CHALLENGE_WINDOW, _windows, _CASE_COLUMNS, _window_row,
           due="challenge_ends_on", who=_managers),
    Source(DeadlineKind.SUBJECT_ACCESS, _subject_access,
           _columns(None, done_a=_flag(identity_checked_on__isnull=False)),
           _subject_access_row, due="due_on", ref="customer__reference",
           who=lambda scope: scope.is_information_governance),
)

# The union's columns, in order: the sort keys, then `Item`'s fields; and the list's order.
_KEYS = ("dl_kind", "dl_pk", "dl_due", "dl_ref")
_ORDER = ("dl_due", "dl_ref", "dl_kind", "dl_pk")
_FIELDS = ("dl_case_ref", "dl_customer_id", "dl_customer_ref", "dl_customer_name",
           "dl_directorate", "dl_state", "dl_done_a", "dl_done_b", "dl_reviewer_id",
           "dl_reviewer_first", "dl_reviewer_last", "dl_reviewer_username")


def _union_order(values: tuple) -> tuple:
    """`_ORDER` for a row of `_KEYS` + `_FIELDS`, as the merge without SQL sorts it."""
    kind, pk, due, ref = values[:4]
    return (due, ref or "", kind, pk)


def source(kind: DeadlineKind) -> Source:
    return next(s for s in SOURCES if s.kind == kind)


# --- the list ----------------------------------------------------------------------------------


def _row(values: tuple, source: Source, scope: Scope, today: dt.date) -> DeadlineRow:
    kind, pk, due, _ref, case_ref, customer_id, customer_ref, name, directorate, state, \
        done_a, done_b, reviewer_id, first, last, username = values
    item = Item(pk=pk, due_on=due, case_reference=case_ref, customer_id=customer_id,
                customer_reference=customer_ref, customer_name=name, directorate=directorate,
                state=state, done_a=bool(done_a), done_b=bool(done_b), reviewer_id=reviewer_id,
                reviewer_name=f"{first} {last}".strip() or username)
    what, who, anchor = source.row(item, scope)
    # The case page's tab that has the deadline: its letters, or its challenges and reviews.
    tab = "cases:letters" if anchor == "letters" else "cases:reviews"
    url = (reverse(tab, args=[case_ref]) if case_ref
           else reverse("governance:sar_detail", args=[pk]))
    return DeadlineRow(
        kind=DeadlineKind(kind), pk=pk, case_reference=case_ref, customer_id=customer_id,
        reference=case_ref or customer_ref, customer_name=name,
        directorate=directorate or "Information governance", what=what, who=who,
        clock=clock(due, today), anchor=anchor, url=f"{url}#{anchor}",
        due_text=date_format(due, "D j M Y"),
    )


# The deadlines' two statements (the day counts, a slice of rows), compiled once per key
# (ucp.compiled_sql): building and compiling the seven-branch union was most of the home
# page's time. PostgreSQL only: the rows are the driver's tuples, and SQLite's dates are
# text until the ORM converts them.
_COMPILED = CompiledSQL(512)


def _compiles() -> bool:
    return connection.vendor == "postgresql"


def _opened(source: Source, scope: Scope, today: dt.date) -> QuerySet:
    return source.open(scope, today).order_by()


class _Rows(Sequence):
    """The rows of one horizon, soonest due first, read a slice at a time (a Paginator
    asks for its count, then for one page): one query for the slice, whatever its kinds.

    `days` is the number of rows due on each day of the horizon, in order, so a slice
    starts on a known day with a known number of rows before it: each source is read
    from that day in due order, `LIMIT` the rows the slice can still need, and the
    branches merged (`UNION ALL`, then the page's own `ORDER BY ... OFFSET ... LIMIT`).
    """

    def __init__(self, parts: list[tuple[Source, QuerySet, list[dt.date]]],
                 days: list[tuple[dt.date, int]], last: dt.date | None,
                 sources: dict[str, Source], scope: Scope, today: dt.date) -> None:
        self._parts = parts  # (source, its open items, the days it has rows due, in order)
        self._days = days
        self._last = last
        self._total = sum(n for _day, n in days)
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
        start, stop, _step = index.indices(self._total)
        if stop <= start:
            return []
        before, first = 0, None
        for day, n in self._days:
            if before + n > start:
                first = day
                break
            before += n
        if first is None:
            return []
        skip, need = start - before, stop - before
        last = self._last
        # A bound that filters nothing is left out: the planner, which guesses a date
        # range's rows from the whole table's, then sees the branch's true size and walks
        # its index rather than sorting every row it has.
        chosen = [
            (source, qs, first if first > on[0] else None,
             last if last is not None and on[-1] > last else None)
            for source, qs, on in self._parts
            if any(first <= day and (last is None or day <= last) for day in on)
        ]

        def branches():
            return [
                qs().filter(source.between(low, high))
                .annotate(dl_kind=_text(source.kind.value), dl_pk=F("pk"),
                          dl_due=source.due_in_query(), dl_ref=F(source.ref),
                          **source.columns())
                .values_list(*_KEYS, *_FIELDS)
                .order_by(*source.order)
                for source, qs, low, high in chosen
            ]

        def page():
            parts = branches()
            if len(parts) == 1:
                # One kind: its own order is the page's (the kind is the same on every row).
                return parts[0][skip:need]
            return (parts[0][:need].union(*(b[:need] for b in parts[1:]), all=True)
                    .order_by(*_ORDER)[skip:need])

        if _compiles():
            key = ("rows", self._scope.key, self._today, skip, need,
                   tuple((source.kind.value, source.lead(), low, high)
                         for source, _qs, low, high in chosen))
            found = _COMPILED.rows(key, page)
        elif len(chosen) == 1 or connection.features.supports_slicing_ordering_in_compound:
            found = list(page())
        else:
            # SQLite (the embedded default) cannot LIMIT a branch of a compound query: each
            # branch is read alone, still only the rows the page needs (one query per kind
            # on the page), and merged here in the union's order.
            found = sorted(
                (values for branch in branches() for values in branch[:need]),
                key=_union_order,
            )[skip:need]
        return [_row(values, self._sources[values[0]], self._scope, self._today)
                for values in found]


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
    One query here (the open items of every source, counted by the day they are due), and
    one for each slice of `rows` asked for.
    """
    today = today or timezone.localdate()
    scope = Scope.of(user)
    sources = {s.kind.value: s for s in SOURCES}
    # Each source's open items, built when a statement needs them (a compiled one does not).
    opened = [(source, functools.partial(_opened, source, scope, today)) for source in SOURCES
              if source.who(scope)]

    def tallies():
        parts = [
            qs().annotate(dl_kind=_text(source.kind.value))
            .values("dl_kind", source.due).annotate(dl_n=Count("pk"))
            .values_list("dl_kind", source.due, "dl_n")
            for source, qs in opened
        ]
        return parts[0].union(*parts[1:], all=True)

    counted = []
    if opened:
        counted = (_COMPILED.rows(("tallies", scope.key, today), tallies) if _compiles()
                   else list(tallies()))
    last = last_day(horizon, today)
    per_day: dict[dt.date, int] = {}
    on: dict[str, list[dt.date]] = {}
    counts = dict.fromkeys(Horizon, 0)
    ends = [(h, last_day(h, today) or dt.date.max) for h in Horizon]
    leads = {kind: dt.timedelta(days=source.lead()) for kind, source in sources.items()}
    if counted:
        for kind, stored, n in counted:
            day = stored + leads[kind]
            on.setdefault(kind, []).append(day)
            for h, end in ends:
                if day <= end:
                    counts[h] += n
            if last is None or day <= last:
                per_day[day] = per_day.get(day, 0) + n
    parts = [(source, qs, sorted(on[source.kind.value])) for source, qs in opened
             if source.kind.value in on]
    rows = _Rows(parts, sorted(per_day.items()), last, sources, scope, today)
    return Deadlines(today=today, horizon=horizon, counts=counts, rows=rows, scope=scope)
