"""Every figure of the directorate report, each ONE aggregate query, scoped to directorates.

Section 2.5: "Each Directorate will record the number of times this policy was invoked in
that directorate, and for what reason." The definitions (README "Reporting", and the page):

- an **invocation** is a designation decided in the period (`designated_on`, the senior
  manager's decision date); its **reasons** are the section 2.1 indicators cited in that
  decision (`decision_indicators`);
- a designation later **withdrawn on challenge** still counts, and is shown as withdrawn;
- a case spanning directorates **counts for its lead directorate** and is listed (not
  counted) for each other directorate involved;
- **standing designations** and **sanctions in force** are counted on one day: the period's
  last day, or today while the period runs, from stored dates only;
- **lapses** are six-month reviews due in the period whose date passed with no decision.

Functions take `ids`, the directorate ids reported on (already checked against the user by
`report_scope`), and return plain dicts and lists, never querysets of rows: the page, the
CSV and the quarterly report all read the same numbers. No figure ever loops over rows in
Python; the query count of the page does not depend on the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DateField, Exists, F, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from accounts.models import Directorate
from accounts.roles import CASEWORK_ROLES, Role, has_role
from accounts.selectors import directorate_ids_for, directorates_for
from cases.deadlines import add_months
from cases.models import (
    CaseState,
    ClosingReason,
    Customer,
    DesignationCase,
    Indicator,
    IndicatorGroup,
    Warning,
    WarningKind,
)
from cases.selectors import cases_for
from reports.models import Grain, ReportCount
from reports.periods import Period, day_start
from reviews.models import (
    OPEN_CHALLENGE_STATES,
    Challenge,
    ChallengeOutcome,
    ChallengeStatus,
    Review,
    ReviewOutcome,
)
from sanctions.models import Sanction, SanctionKind, SanctionStatus

# The ways a case can close without a designation (step 5, 6 and 8 of PROCESS.md).
WITHOUT_DESIGNATION = (
    ClosingReason.NO_ACTION,
    ClosingReason.BEHAVIOUR_STOPPED,
    ClosingReason.PRECONDITION_FAILED,
    ClosingReason.NOT_DESIGNATED,
)

REPORT_ROLES = (Role.DIRECTORATE_LEAD, Role.SENIOR_MANAGER)


# --- who sees what -------------------------------------------------------------------------


def may_see_reports(user) -> bool:
    """Directorate leads (their purpose) and senior managers (the quarterly report)."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *REPORT_ROLES)


def may_follow_to_cases(user) -> bool:
    """Whether a figure may link to its cases: only for a casework role, and the list is
    still `cases_for(user)`, so nobody sees a case through a report they could not open."""
    return has_role(user, *CASEWORK_ROLES)


@dataclass(frozen=True)
class Scope:
    """The directorates a user reports on (`available`) and those this page shows."""

    available: list[Directorate]
    shown: list[Directorate]
    council_wide: bool

    @property
    def ids(self) -> list[int]:
        return [d.pk for d in self.shown]

    @property
    def slug(self) -> str:
        if len(self.shown) == 1:
            return self.shown[0].short_name
        return "all-directorates" if self.council_wide else "your-directorates"


def report_scope(user, requested: str = "") -> Scope:
    """The directorates the user may report on, narrowed to `requested` (a short name).

    403 for a role that sees no reports; 404 for a directorate outside the user's own, so
    a forged `?directorate=` reveals nothing, not even that it exists.
    """
    if not may_see_reports(user):
        raise PermissionDenied("Reports are for directorate leads and senior managers.")
    available = list(directorates_for(user).order_by("name"))
    shown = available
    if requested:
        shown = [d for d in available if d.short_name == requested]
        if not shown:
            raise Http404("No such directorate in your reports")
    return Scope(available, shown, directorate_ids_for(user) is None)


# --- the definitions, as filters (shared by the figures and the case lists) ------------------


def _range(field: str, start: dt.date, end: dt.date) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def invoked_in(period: Period, prefix: str = "") -> Q:
    """Designations decided in the period: the invocations."""
    return _range(f"{prefix}designated_on", period.start, period.end)


def closed_without_designation_in(period: Period, prefix: str = "") -> Q:
    return Q(**{
        f"{prefix}state": CaseState.CLOSED,
        f"{prefix}closing_reason__in": WITHOUT_DESIGNATION,
        f"{prefix}closed_at__gte": period.start_instant,
        f"{prefix}closed_at__lt": period.end_instant,
    })


def standing_on(day: dt.date, prefix: str = "") -> Q:
    """Designations decided on or before `day` and not withdrawn or lifted by its end."""
    return Q(**{f"{prefix}designated_on__lte": day}) & (
        Q(**{f"{prefix}closed_at__isnull": True})
        | Q(**{f"{prefix}closed_at__gte": day_start(day + dt.timedelta(days=1))})
    )


def told_by(day: dt.date, prefix: str = "") -> Q:
    """Designations whose customer had been sent the letter, and the council informed, by
    the end of `day`: only then are their sanctions in force (step 10)."""
    return Q(**{
        f"{prefix}customer_notified_on__lte": day,
        f"{prefix}council_informed_at__lt": day_start(day + dt.timedelta(days=1)),
    })


def running_on(day: dt.date) -> Q:
    """Sanctions started, not past their end date, and not ended early by `day`."""
    return Q(starts_on__lte=day, ends_on__gte=day) & (
        Q(status=SanctionStatus.ACTIVE) | Q(ended_on__gt=day)
    )


def sanction_in_force_on(day: dt.date) -> Q:
    """A sanction restricting contact on `day`, from stored dates only, so a past day reads
    true: running on the day, on a designation the customer had been told of and the
    council informed of. On today it agrees with `Sanction.objects.in_force(today)` (every
    sanction ends by its review date, so a missed review lapses it through `ends_on`)."""
    return running_on(day) & told_by(day, "case__")


def _in_scope(ids: Iterable[int], prefix: str = "") -> Q:
    return Q(**{f"{prefix}lead_directorate_id__in": list(ids)})


# --- the figures ------------------------------------------------------------------------------


def invocations(ids: list[int], period: Period) -> dict[int, dict[str, int]]:
    """Per lead directorate: invocations, and of them those since withdrawn on challenge,
    lifted at review, made without a prior warning, and involving other directorates."""
    involved = DesignationCase.involved_directorates.through.objects.filter(
        designationcase_id=OuterRef("pk")
    )
    rows = (
        DesignationCase.objects.filter(_in_scope(ids), invoked_in(period))
        .values("lead_directorate_id")
        .annotate(
            total=Count("id"),
            withdrawn=Count("id", filter=Q(closing_reason=ClosingReason.WITHDRAWN)),
            lifted=Count("id", filter=Q(closing_reason=ClosingReason.LIFTED)),
            without_warning=Count("id", filter=~Q(warning_skip_kind="")),
            cross_directorate=Count("id", filter=Q(Exists(involved))),
        )
        .order_by()
    )
    return {row.pop("lead_directorate_id"): row for row in rows}


@dataclass(frozen=True)
class ReasonRow:
    indicator_id: int
    text: str
    group: str
    order: int
    counts: dict[int, int]  # directorate id -> invocations citing it

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def invocation_reasons(ids: list[int], period: Period) -> list[ReasonRow]:
    """The indicators cited in the invocations, with how many cited each, by directorate.

    A designation usually cites several indicators, so these add up to more than the
    invocations. Most cited first."""
    through = DesignationCase.decision_indicators.through
    rows = (
        through.objects.filter(
            _in_scope(ids, "designationcase__"), invoked_in(period, "designationcase__")
        )
        .values(
            "indicator_id", "indicator__text", "indicator__group", "indicator__order",
            "designationcase__lead_directorate_id",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    by_indicator: dict[int, ReasonRow] = {}
    for row in rows:  # aggregates: at most one per indicator and directorate
        key = row["indicator_id"]
        if key not in by_indicator:
            by_indicator[key] = ReasonRow(
                key, row["indicator__text"], row["indicator__group"], row["indicator__order"],
                {},
            )
        by_indicator[key].counts[row["designationcase__lead_directorate_id"]] = row["n"]
    rank = {group: n for n, group in enumerate(IndicatorGroup.values)}
    return sorted(
        by_indicator.values(),
        key=lambda r: (-r.total, rank.get(r.group, len(rank)), r.order, r.text),
    )


def invocation_reason_groups(ids: list[int], period: Period) -> dict[str, dict[int, int]]:
    """Per section 2.1 list (persistence, behaviour, actions): invocations citing at least
    one of its indicators, by directorate."""
    through = DesignationCase.decision_indicators.through
    rows = (
        through.objects.filter(
            _in_scope(ids, "designationcase__"), invoked_in(period, "designationcase__")
        )
        .values("indicator__group", "designationcase__lead_directorate_id")
        .annotate(n=Count("designationcase_id", distinct=True))
        .order_by()
    )
    result: dict[str, dict[int, int]] = {}
    for row in rows:
        result.setdefault(row["indicator__group"], {})[
            row["designationcase__lead_directorate_id"]
        ] = row["n"]
    return result


@dataclass(frozen=True)
class InvolvedRow:
    lead_id: int
    lead_name: str
    counts: dict[int, int]  # involved directorate id -> invocations


def involved_elsewhere(ids: list[int], period: Period) -> list[InvolvedRow]:
    """Invocations led by another directorate that involve one of these: listed for the
    directorate involved, counted only for the lead."""
    through = DesignationCase.involved_directorates.through
    rows = (
        through.objects.filter(directorate_id__in=ids)
        .filter(invoked_in(period, "designationcase__"))
        .exclude(designationcase__lead_directorate_id=F("directorate_id"))
        .values(
            "directorate_id", "designationcase__lead_directorate_id",
            "designationcase__lead_directorate__name",
        )
        .annotate(n=Count("designationcase_id"))
        .order_by()
    )
    leads: dict[int, InvolvedRow] = {}
    for row in rows:
        lead = row["designationcase__lead_directorate_id"]
        if lead not in leads:
            leads[lead] = InvolvedRow(lead, row["designationcase__lead_directorate__name"], {})
        leads[lead].counts[row["directorate_id"]] = row["n"]
    return sorted(leads.values(), key=lambda r: r.lead_name)


def warnings_given(ids: list[int], period: Period) -> dict[int, dict[str, int]]:
    """Warnings given in the period, by the directorate that gave them."""
    rows = (
        Warning.objects.filter(directorate_id__in=ids)
        .filter(_range("given_on", period.start, period.end))
        .values("directorate_id")
        .annotate(
            informal=Count("id", filter=Q(kind=WarningKind.INFORMAL)),
            formal=Count("id", filter=Q(kind=WarningKind.FORMAL)),
        )
        .order_by()
    )
    return {row.pop("directorate_id"): row for row in rows}


def closed_without_designation(ids: list[int], period: Period) -> dict[int, dict[str, int]]:
    """Cases closed in the period without a designation, by lead directorate and reason."""
    rows = (
        DesignationCase.objects.filter(_in_scope(ids), closed_without_designation_in(period))
        .values("lead_directorate_id", "closing_reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["lead_directorate_id"], {})[row["closing_reason"]] = row["n"]
    return result


def standing_designations(ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """Designations standing on `day`, and of them those with a sanction in force."""
    # The case's own dates are tested on the case: the subquery looks at sanctions only.
    running = Sanction.objects.filter(running_on(day), case_id=OuterRef("pk"))
    rows = (
        DesignationCase.objects.filter(_in_scope(ids), standing_on(day))
        .values("lead_directorate_id")
        .annotate(
            standing=Count("id"),
            restricted=Count("id", filter=told_by(day) & Q(Exists(running))),
        )
        .order_by()
    )
    return {row.pop("lead_directorate_id"): row for row in rows}


def sanctions_in_force(ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """Sanctions in force on `day`, by the case's lead directorate and kind."""
    rows = (
        Sanction.objects.filter(_in_scope(ids, "case__"), sanction_in_force_on(day))
        .values("case__lead_directorate_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["case__lead_directorate_id"], {})[row["kind"]] = row["n"]
    return result


def challenges(ids: list[int], period: Period) -> dict[int, dict[str, int]]:
    """Requests for a review received in the period, and what has become of them."""
    decided = Q(decided_on__isnull=False)
    rows = (
        Challenge.objects.filter(_in_scope(ids, "case__"))
        .filter(_range("received_on", period.start, period.end))
        .values("case__lead_directorate_id")
        .annotate(
            received=Count("id"),
            late=Count("id", filter=Q(is_late=True)),
            upheld=Count("id", filter=Q(outcome=ChallengeOutcome.UPHOLD)),
            varied=Count("id", filter=Q(outcome=ChallengeOutcome.VARY)),
            withdrawn=Count("id", filter=Q(outcome=ChallengeOutcome.WITHDRAW)),
            not_accepted=Count("id", filter=Q(status=ChallengeStatus.NOT_ACCEPTED)),
            undecided=Count(
                "id", filter=Q(status__in=(ChallengeStatus.NEW, *OPEN_CHALLENGE_STATES))
            ),
            in_time=Count("id", filter=decided & Q(decided_on__lte=F("decision_due_on"))),
            after_time=Count("id", filter=decided & Q(decided_on__gt=F("decision_due_on"))),
        )
        .order_by()
    )
    return {row.pop("case__lead_directorate_id"): row for row in rows}


def reviews(ids: list[int], period: Period, today: dt.date) -> dict[int, dict[str, int]]:
    """Six-month reviews decided in the period (on time or late, and their outcomes), and
    lapses: reviews due in the period whose date passed with no decision."""
    decided_in = _range("decided_on", period.start, period.end)
    due_in = _range("due_on", period.start, period.end)
    lapsed = due_in & Q(due_on__lt=today) & (
        Q(decided_on__isnull=True) | Q(decided_on__gt=F("due_on"))
    )
    rows = (
        Review.objects.filter(_in_scope(ids, "case__"))
        .filter(decided_in | due_in)
        .values("case__lead_directorate_id")
        .annotate(
            decided=Count("id", filter=decided_in),
            on_time=Count("id", filter=decided_in & Q(decided_on__lte=F("due_on"))),
            late=Count("id", filter=decided_in & Q(decided_on__gt=F("due_on"))),
            lifted=Count("id", filter=decided_in & Q(outcome=ReviewOutcome.LIFT)),
            varied=Count("id", filter=decided_in & Q(outcome=ReviewOutcome.VARY)),
            continued=Count("id", filter=decided_in & Q(outcome=ReviewOutcome.CONTINUE)),
            lapsed=Count("id", filter=lapsed),
            lapsed_undecided=Count("id", filter=lapsed & Q(decided_on__isnull=True)),
        )
        .order_by()
    )
    return {row.pop("case__lead_directorate_id"): row for row in rows}


# --- month by month ---------------------------------------------------------------------------


def _month_bounds(months: list[dt.date]) -> tuple[dt.date, dt.date]:
    return months[0], add_months(months[-1], 1) - dt.timedelta(days=1)


def invocations_by_month(ids: list[int], months: list[dt.date]) -> dict[dt.date, dict[int, int]]:
    first, last = _month_bounds(months)
    rows = (
        DesignationCase.objects.filter(_in_scope(ids), _range("designated_on", first, last))
        .annotate(month=TruncMonth("designated_on", output_field=DateField()))
        .values("month", "lead_directorate_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[dt.date, dict[int, int]] = {}
    for row in rows:
        result.setdefault(row["month"], {})[row["lead_directorate_id"]] = row["n"]
    return result


def warnings_by_month(ids: list[int], months: list[dt.date]) -> dict[dt.date, dict[str, int]]:
    first, last = _month_bounds(months)
    rows = (
        Warning.objects.filter(directorate_id__in=ids, **{"given_on__gte": first,
                                                          "given_on__lte": last})
        .annotate(month=TruncMonth("given_on", output_field=DateField()))
        .values("month")
        .annotate(
            informal=Count("id", filter=Q(kind=WarningKind.INFORMAL)),
            formal=Count("id", filter=Q(kind=WarningKind.FORMAL)),
        )
        .order_by()
    )
    return {row.pop("month"): row for row in rows}


def challenges_by_month(ids: list[int], months: list[dt.date]) -> dict[dt.date, int]:
    first, last = _month_bounds(months)
    rows = (
        Challenge.objects.filter(_in_scope(ids, "case__"), _range("received_on", first, last))
        .annotate(month=TruncMonth("received_on", output_field=DateField()))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["month"]: row["n"] for row in rows}


def closures_by_month(ids: list[int], months: list[dt.date]) -> dict[dt.date, int]:
    first, last = _month_bounds(months)
    rows = (
        DesignationCase.objects.filter(
            _in_scope(ids),
            state=CaseState.CLOSED,
            closing_reason__in=WITHOUT_DESIGNATION,
            closed_at__gte=day_start(first),
            closed_at__lt=day_start(last + dt.timedelta(days=1)),
        )
        # The UK month of the instant (Django truncates in the current time zone).
        .annotate(month=TruncMonth("closed_at", output_field=DateField()))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["month"]: row["n"] for row in rows}


# --- the page's figures folded into fewer queries -------------------------------------------
# The functions above are the definitions, one aggregate query each. The page needs them all
# at once, so it asks the same conditions as conditional counts of one query per table
# (issue 13: at most 12 queries a page, none repeated): the cases' five figures and
# involvement elsewhere in one, the warnings' two in one, the challenges' two in one. Each
# returns what the separate functions return, and a test holds them equal.


def _months_of(months: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    return [(m, add_months(m, 1) - dt.timedelta(days=1)) for m in months]


def _nonzero(row: dict) -> bool:
    return any(row.values())


def case_figures(ids: list[int], period: Period, day: dt.date,
                 months: list[dt.date]) -> dict:
    """`invocations`, `closed_without_designation`, `standing_designations`,
    `invocations_by_month`, `closures_by_month` and `involved_elsewhere` in one query."""
    mine = _in_scope(ids)
    invoked = invoked_in(period)
    closed = closed_without_designation_in(period)
    standing = standing_on(day)
    involved_any = DesignationCase.involved_directorates.through.objects.filter(
        designationcase_id=OuterRef("pk")
    )
    running = Sanction.objects.filter(running_on(day), case_id=OuterRef("pk"))
    spans = _months_of(months)

    def closed_between(first: dt.date, last: dt.date) -> Q:
        return Q(state=CaseState.CLOSED, closing_reason__in=WITHOUT_DESIGNATION,
                 closed_at__gte=day_start(first),
                 closed_at__lt=day_start(last + dt.timedelta(days=1)))

    def involving(d: int) -> Q:
        return Q(Exists(DesignationCase.involved_directorates.through.objects.filter(
            designationcase_id=OuterRef("pk"), directorate_id=d
        ))) & ~Q(lead_directorate_id=d)

    first, last = spans[0][0], spans[-1][1]
    elsewhere = invoked & Q(Exists(DesignationCase.involved_directorates.through.objects.filter(
        designationcase_id=OuterRef("pk"), directorate_id__in=ids
    )))
    aggregates = {
        "inv__total": Count("id", filter=mine & invoked),
        "inv__withdrawn": Count("id", filter=mine & invoked
                                & Q(closing_reason=ClosingReason.WITHDRAWN)),
        "inv__lifted": Count("id", filter=mine & invoked & Q(closing_reason=ClosingReason.LIFTED)),
        "inv__without_warning": Count("id", filter=mine & invoked & ~Q(warning_skip_kind="")),
        "inv__cross_directorate": Count("id", filter=mine & invoked & Q(Exists(involved_any))),
        **{f"closed__{r}": Count("id", filter=mine & closed & Q(closing_reason=r))
           for r in WITHOUT_DESIGNATION},
        "standing__standing": Count("id", filter=mine & standing),
        "standing__restricted": Count("id", filter=mine & standing & told_by(day)
                                      & Q(Exists(running))),
        **{f"trend__{i}": Count("id", filter=mine & _range("designated_on", a, b))
           for i, (a, b) in enumerate(spans)},
        **{f"closures__{i}": Count("id", filter=mine & closed_between(a, b))
           for i, (a, b) in enumerate(spans)},
        **{f"elsewhere__{d}": Count("id", filter=invoked & involving(d)) for d in ids},
    }
    rows = list(
        DesignationCase.objects.filter(
            (mine & (invoked | closed | standing | _range("designated_on", first, last)
                     | closed_between(first, last)))
            | elsewhere
        )
        .values("lead_directorate_id", "lead_directorate__name")
        .annotate(**aggregates)
        .order_by()
    )

    def part(row: dict, prefix: str) -> dict:
        return {k[len(prefix) + 2:]: v for k, v in row.items() if k.startswith(prefix + "__")}

    result: dict = {"invocations": {}, "closed_without_designation": {},
                    "standing_designations": {}, "invocations_by_month": {},
                    "closures_by_month": {}, "involved_elsewhere": []}
    for row in rows:
        lead = row["lead_directorate_id"]
        if lead in ids:
            inv = part(row, "inv")
            if inv["total"]:
                result["invocations"][lead] = inv
            closed_counts = {r: n for r, n in part(row, "closed").items() if n}
            if closed_counts:
                result["closed_without_designation"][lead] = closed_counts
            standing_counts = part(row, "standing")
            if standing_counts["standing"]:
                result["standing_designations"][lead] = standing_counts
            for i, m in enumerate(months):
                if row[f"trend__{i}"]:
                    result["invocations_by_month"].setdefault(m, {})[lead] = row[f"trend__{i}"]
                if row[f"closures__{i}"]:
                    by_month = result["closures_by_month"]
                    by_month[m] = by_month.get(m, 0) + row[f"closures__{i}"]
        counts = {int(d): n for d, n in part(row, "elsewhere").items() if n}
        if counts:
            result["involved_elsewhere"].append(
                InvolvedRow(lead, row["lead_directorate__name"], counts)
            )
    result["involved_elsewhere"].sort(key=lambda r: r.lead_name)
    return result


def warning_figures(ids: list[int], period: Period, months: list[dt.date]) -> dict:
    """`warnings_given` and `warnings_by_month` in one query."""
    in_period = _range("given_on", period.start, period.end)
    spans = _months_of(months)
    kinds = {"informal": WarningKind.INFORMAL, "formal": WarningKind.FORMAL}
    rows = (
        Warning.objects.filter(directorate_id__in=ids)
        .filter(in_period | _range("given_on", spans[0][0], spans[-1][1]))
        .values("directorate_id")
        .annotate(
            **{f"period__{name}": Count("id", filter=in_period & Q(kind=kind))
               for name, kind in kinds.items()},
            **{f"m{i}__{name}": Count("id", filter=_range("given_on", a, b) & Q(kind=kind))
               for i, (a, b) in enumerate(spans) for name, kind in kinds.items()},
        )
        .order_by()
    )
    given: dict[int, dict[str, int]] = {}
    by_month: dict[dt.date, dict[str, int]] = {}
    for row in rows:
        counts = {name: row[f"period__{name}"] for name in kinds}
        if _nonzero(counts):
            given[row["directorate_id"]] = counts
        for i, m in enumerate(months):
            month = {name: row[f"m{i}__{name}"] for name in kinds}
            if _nonzero(month):
                total = by_month.setdefault(m, dict.fromkeys(kinds, 0))
                for name, n in month.items():
                    total[name] += n
    return {"warnings_given": given, "warnings_by_month": by_month}


def challenge_figures(ids: list[int], period: Period, months: list[dt.date]) -> dict:
    """`challenges` and `challenges_by_month` in one query."""
    in_period = _range("received_on", period.start, period.end)
    spans = _months_of(months)
    decided = Q(decided_on__isnull=False)
    figures = {
        "received": Q(),
        "late": Q(is_late=True),
        "upheld": Q(outcome=ChallengeOutcome.UPHOLD),
        "varied": Q(outcome=ChallengeOutcome.VARY),
        "withdrawn": Q(outcome=ChallengeOutcome.WITHDRAW),
        "not_accepted": Q(status=ChallengeStatus.NOT_ACCEPTED),
        "undecided": Q(status__in=(ChallengeStatus.NEW, *OPEN_CHALLENGE_STATES)),
        "in_time": decided & Q(decided_on__lte=F("decision_due_on")),
        "after_time": decided & Q(decided_on__gt=F("decision_due_on")),
    }
    rows = (
        Challenge.objects.filter(_in_scope(ids, "case__"))
        .filter(in_period | _range("received_on", spans[0][0], spans[-1][1]))
        .values("case__lead_directorate_id")
        .annotate(
            **{f"period__{name}": Count("id", filter=in_period & q)
               for name, q in figures.items()},
            **{f"m{i}": Count("id", filter=_range("received_on", a, b))
               for i, (a, b) in enumerate(spans)},
        )
        .order_by()
    )
    by_lead: dict[int, dict[str, int]] = {}
    by_month: dict[dt.date, int] = {}
    for row in rows:
        counts = {name: row[f"period__{name}"] for name in figures}
        if counts["received"]:
            by_lead[row["case__lead_directorate_id"]] = counts
        for i, m in enumerate(months):
            if row[f"m{i}"]:
                by_month[m] = by_month.get(m, 0) + row[f"m{i}"]
    return {"challenges": by_lead, "challenges_by_month": by_month}


# --- from a figure to its cases (only for casework roles) -------------------------------------

INVOCATION_PARTS = {
    "withdrawn": ("since withdrawn on challenge", Q(closing_reason=ClosingReason.WITHDRAWN)),
    "lifted": ("since lifted at a six-month review", Q(closing_reason=ClosingReason.LIFTED)),
    "without_warning": ("made without a prior warning", ~Q(warning_skip_kind="")),
}


def figure_cases(user, scope: Scope, period: Period, today: dt.date, params) -> tuple[str, object]:
    """The cases behind one figure of the report, as `cases_for(user)` lets the user see
    them: a figure's link never shows a case its user could not open anyway.

    Returns a description and the queryset; Http404 for a figure that does not exist.
    """
    if not may_follow_to_cases(user):
        raise PermissionDenied("Your role sees figures, not the cases behind them.")
    figure = params.get("figure", "")
    part = params.get("part", "")
    cases = cases_for(user)
    in_scope = _in_scope(scope.ids)
    day = period.as_at(today)
    if figure == "invocations":
        what = "Invocations"
        condition = invoked_in(period)
        if part == "cross_directorate":
            what += ", involving other directorates"
            involved = DesignationCase.involved_directorates.through.objects.filter(
                designationcase_id=OuterRef("pk")
            )
            condition &= Q(Exists(involved))
        elif part:
            if part not in INVOCATION_PARTS:
                raise Http404("No such figure")
            label, extra = INVOCATION_PARTS[part]
            what += f", {label}"
            condition &= extra
    elif figure == "reason":
        indicator = Indicator.objects.filter(pk=_int(params.get("reason"))).first()
        if indicator is None:
            raise Http404("No such reason")
        what = f"Invocations citing “{indicator.text}”"
        condition = invoked_in(period) & Q(decision_indicators=indicator)
    elif figure == "involved":
        lead = _int(params.get("lead"))
        what = "Invocations led by another directorate involving yours"
        # Listed for the directorates involved: the scope is theirs, the lead is elsewhere.
        through = DesignationCase.involved_directorates.through.objects.filter(
            designationcase_id=OuterRef("pk"), directorate_id__in=scope.ids
        )
        condition = invoked_in(period) & Q(Exists(through)) & Q(lead_directorate_id=lead)
        condition &= ~Q(lead_directorate_id__in=scope.ids)
        in_scope = Q()
    elif figure == "closed":
        reason = params.get("closing", "")
        if reason and reason not in WITHOUT_DESIGNATION:
            raise Http404("No such reason")
        what = "Closed without a designation"
        condition = closed_without_designation_in(period)
        if reason:
            what += f": {ClosingReason(reason).label.lower()}"
            condition &= Q(closing_reason=reason)
    elif figure == "standing":
        what = f"Designations standing on {day:%d %B %Y}"
        condition = standing_on(day)
        if part == "restricted":
            what += ", with a sanction in force"
            condition &= told_by(day) & Q(Exists(Sanction.objects.filter(
                running_on(day), case_id=OuterRef("pk")
            )))
    elif figure == "sanction":
        kind = params.get("kind", "")
        sanctions = Sanction.objects.filter(sanction_in_force_on(day), case_id=OuterRef("pk"))
        what = f"Designations with a sanction in force on {day:%d %B %Y}"
        if kind:
            if kind not in SanctionKind.values:
                raise Http404("No such sanction")
            sanctions = sanctions.filter(kind=kind)
            what += f": {SanctionKind(kind).label.lower()}"
        condition = Q(Exists(sanctions))
    elif figure == "challenges":
        what = "Designations with a request for a review received in the period"
        condition = Q(Exists(Challenge.objects.filter(
            _range("received_on", period.start, period.end), case_id=OuterRef("pk")
        )))
    else:
        raise Http404("No such figure")
    return what, (
        cases.filter(in_scope, condition)
        # What the case table shows: not every column of the case and its customer. The
        # customers and directorates of the page's rows come after the LIMIT, by primary
        # key: joined before it, PostgreSQL hashed every customer of the council to sort
        # the directorate's cases (126 ms at 100,000 customers; 2 ms this way).
        .only("id", "reference", "state", "updated_at", "designated_on",
              "customer_id", "lead_directorate_id")
        .prefetch_related(
            Prefetch("customer", queryset=Customer.objects.only("id", "full_name")),
            Prefetch("lead_directorate", queryset=Directorate.objects.only("id", "name")),
        )
        .order_by("-designated_on", "-updated_at", "-id")
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the page's figures from the summary (issue 13) -----------------------------------------
# `reports/summary.py` keeps, per directorate and per day and month, how much each figure
# moved; a period's figures are sums of its rows, in one query, whatever the council's size.
# They equal the definitions above (tests/reports/test_summary.py holds them equal after
# every kind of write).

STOCKS = ("standing", "restricted", *(f"sanction:{kind}" for kind in SanctionKind.values))
LAPSES = ("rv:lapsed", "rv:lapsed_undecided")
NOTHING = Q(pk__in=[])


def _month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Cover:
    """The summary rows that add up to a run of days: whole months as month rows (from
    `months_from`, None: the start, to `months_to`), the days either side as day rows."""

    months_from: dt.date | None = None
    months_to: dt.date | None = None
    days: tuple[tuple[dt.date, dt.date], ...] = ()

    @property
    def q(self) -> Q:
        q = NOTHING
        if self.months_to is not None:
            months = Q(grain=Grain.MONTH, day__lte=self.months_to)
            if self.months_from is not None:
                months &= Q(day__gte=self.months_from)
            q |= months
        for first, last in self.days:
            q |= Q(grain=Grain.DAY, day__gte=first, day__lte=last)
        return q


def covering(first: dt.date | None, last: dt.date) -> Cover:
    """The rows that add up to the days `first`..`last` (`first` None: from the start)."""
    if first is not None and last < first:
        return Cover()
    full_from = None if first is None else (
        first if first.day == 1 else add_months(first.replace(day=1), 1))
    full_to = last.replace(day=1) if _month_end(last.replace(day=1)) == last \
        else add_months(last.replace(day=1), -1)
    if full_from is not None and full_to < full_from:
        return Cover(days=((first, last),))
    days = []
    if first is not None and first < full_from:
        days.append((first, full_from - dt.timedelta(days=1)))
    if _month_end(full_to) < last:
        days.append((_month_end(full_to) + dt.timedelta(days=1), last))
    return Cover(full_from, full_to, tuple(days))


def _is_trend_figure(figure: str) -> bool:
    return figure == "inv" or figure.startswith(("warn:", "closed:")) or figure == "ch:received"


def summary_figures(ids: list[int], period: Period, day: dt.date, today: dt.date,
                    months: list[dt.date]) -> dict:
    """Every figure of the page from the summary, shaped as the definitions return them:
    one query for the counts, one for the indicators' texts and one for the directorates'
    names (of those leading cases that involve these)."""
    in_period = covering(period.start, period.end)
    up_to_day = covering(None, day)
    yesterday = today - dt.timedelta(days=1)
    lapses = covering(period.start, min(period.end, yesterday))
    # What the query reads, coarsely and by the (grain, day, ...) index: month rows up to
    # the last month any figure needs, and the few runs of day rows either side of them.
    # The FILTERs then pick each figure's rows exactly.
    covers = (in_period, up_to_day, lapses)
    last_month = max([c.months_to for c in covers if c.months_to] + [months[-1]])
    # Before the period and its trend, only the stocks' months count.
    first_month = min([c.months_from for c in (in_period, lapses) if c.months_from]
                      + [months[0]])
    reads = Q(grain=Grain.MONTH, day__lte=last_month) & (
        Q(day__gte=first_month) | Q(figure__in=STOCKS))
    for first, last in sorted({span for c in covers for span in c.days}):
        reads |= Q(grain=Grain.DAY, day__gte=first, day__lte=last)
    stock_q = up_to_day.q & Q(figure__in=STOCKS)
    lapse_q = lapses.q & Q(figure__in=LAPSES)
    rows = (
        ReportCount.objects.filter(reads, directorate_id__in=ids)
        .values("directorate_id", "figure")
        .annotate(
            period=Sum("n", filter=in_period.q), stock=Sum("n", filter=stock_q),
            lapsed=Sum("n", filter=lapse_q),
            **{f"m{i}": Sum("n", filter=Q(grain=Grain.MONTH, day=m))
               for i, m in enumerate(months)},
        )
        .order_by()
    )
    invocations: dict[int, dict[str, int]] = {}
    closed: dict[int, dict[str, int]] = {}
    standing: dict[int, dict[str, int]] = {}
    trend: dict[dt.date, dict[int, int]] = {}
    closures_by_month: dict[dt.date, int] = {}
    involved: dict[int, dict[int, int]] = {}
    given: dict[int, dict[str, int]] = {}
    warnings_by_month: dict[dt.date, dict[str, int]] = {}
    received: dict[int, dict[str, int]] = {}
    received_by_month: dict[dt.date, int] = {}
    reasons: dict[int, dict[int, int]] = {}
    groups: dict[str, dict[int, int]] = {}
    sanctions: dict[int, dict[str, int]] = {}
    reviews_: dict[int, dict[str, int]] = {}
    inv_names = {"inv": "total", "inv:withdrawn": "withdrawn", "inv:lifted": "lifted",
                 "inv:without_warning": "without_warning", "inv:cross": "cross_directorate"}
    for row in rows:
        d, figure = row["directorate_id"], row["figure"]
        kind, _, key = figure.partition(":")
        column = "stock" if figure in STOCKS else "lapsed" if figure in LAPSES else "period"
        n = row[column] or 0
        if _is_trend_figure(figure):
            for i, m in enumerate(months):
                if value := row[f"m{i}"] or 0:
                    if kind == "inv":
                        trend.setdefault(m, {})[d] = value
                    elif kind == "closed":
                        closures_by_month[m] = closures_by_month.get(m, 0) + value
                    elif kind == "warn":
                        month = warnings_by_month.setdefault(
                            m, dict.fromkeys(WarningKind.values, 0))
                        month[key] += value
                    else:
                        received_by_month[m] = received_by_month.get(m, 0) + value
        if not n:
            continue
        if kind == "inv":
            invocations.setdefault(d, dict.fromkeys(inv_names.values(), 0))[
                inv_names[figure]] = n
        elif kind == "closed":
            closed.setdefault(d, {})[key] = n
        elif figure in ("standing", "restricted"):
            standing.setdefault(d, {"standing": 0, "restricted": 0})[figure] = n
        elif kind == "sanction":
            sanctions.setdefault(d, {})[key] = n
        elif kind == "involved":
            involved.setdefault(int(key), {})[d] = n
        elif kind == "warn":
            given.setdefault(d, dict.fromkeys(WarningKind.values, 0))[key] = n
        elif kind == "ch":
            received.setdefault(d, dict.fromkeys(CHALLENGE_FIGURES, 0))[key] = n
        elif kind == "rv":
            reviews_.setdefault(d, dict.fromkeys(REVIEW_FIGURES, 0))[key] = n
        elif kind == "reason":
            reasons.setdefault(int(key), {})[d] = n
        elif kind == "group":
            groups.setdefault(key, {})[d] = n
    # What a figure of zero leaves out, as the definitions do.
    invocations = {d: c for d, c in invocations.items() if c["total"]}
    standing = {d: c for d, c in standing.items() if c["standing"]}
    received = {d: c for d, c in received.items() if c["received"]}
    # Both asked whatever the figures hold, so the page's queries are the same with any data
    # (a few dozen indicators, a handful of directorates).
    names = dict(Directorate.objects.values_list("id", "name"))
    rank = {group: n for n, group in enumerate(IndicatorGroup.values)}
    reason_rows = sorted(
        (ReasonRow(i.pk, i.text, i.group, i.order, reasons[i.pk])
         for i in Indicator.objects.only("text", "group", "order") if i.pk in reasons),
        key=lambda r: (-r.total, rank.get(r.group, len(rank)), r.order, r.text),
    )
    return {
        "invocations": invocations,
        "closed_without_designation": closed,
        "standing_designations": standing,
        "invocations_by_month": trend,
        "closures_by_month": closures_by_month,
        "involved_elsewhere": sorted(
            (InvolvedRow(lead, names.get(lead, ""), counts) for lead, counts in involved.items()),
            key=lambda r: r.lead_name,
        ),
        "warnings_given": given,
        "warnings_by_month": warnings_by_month,
        "challenges": received,
        "challenges_by_month": received_by_month,
        "reasons": reason_rows,
        "reason_groups": groups,
        "sanctions": sanctions,
        "reviews": reviews_,
    }


CHALLENGE_FIGURES = ("received", "late", "upheld", "varied", "withdrawn", "not_accepted",
                     "undecided", "in_time", "after_time")
REVIEW_FIGURES = ("decided", "on_time", "late", "lifted", "varied", "continued", "lapsed",
                  "lapsed_undecided")
