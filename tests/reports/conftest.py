"""A hand-built quarter for the directorate report, with every edge case of its definitions.

The period is quarter 1 of 2026 (Thursday 1 January to Tuesday 31 March; the clocks go
forward on Sunday 29 March) and "today" is Friday 15 May 2026, so the standing figures are
counted on 31 March. Records are made directly, with the dates a real case would have been
given by the services, so each date sits exactly where the test needs it.

Adults (the lead's directorate):

- A1, decided Sat 10 Jan 2026: in force, time limit and witness; challenge received 20 Jan,
  upheld 20 Feb (3 days after the 28). An invocation; standing, restricted; 2 sanctions.
- A2, Tue 3 Feb 2026: challenge received 10 Feb, withdrawn 1 Mar (in time). An invocation,
  withdrawn.
- A3, Tue 31 Mar 2026 (the last day): no warning (safety); involves Children; its letter
  not yet sent. An invocation, without a warning, cross-directorate; standing, not
  restricted.
- A4, Wed 31 Dec 2025 (the day before): in force, office access; a late challenge on
  25 Mar, undecided. Not an invocation; standing, restricted.
- A5, Wed 1 Apr 2026 (the day after): designated. Nothing.
- A6, Sun 15 Jun 2025: review due 15 Dec 2025 missed (lapsed), decided late on 20 Jan 2026
  (continued). A review decided late.
- A7, Mon 1 Sep 2025: review due 1 Mar 2026 decided 25 Feb (lifted). On time, lifted.
- A8, Sat 20 Sep 2025: review due 20 Mar 2026 missed, still undecided. A lapse; standing.
- A9, Sun 5 Oct 2025: review due 5 Apr 2026 decided 30 Mar (varied); a late challenge on
  25 Jan not accepted. On time, varied.

Closed without a designation: C1 no action (5 Jan), C2 behaviour stopped (14 Feb), C3
behaviour stopped at 23:30 BST on 31 Mar (22:30 UTC: in), C4 not designated at 00:30 on
1 Jan (in), C5 precondition failed at 23:59 on 31 Dec 2025 (out), C6 not designated at
00:30 BST on 1 Apr (23:30 UTC on 31 Mar: out, in UK time).

Children: K1 decided 2 Feb 2026 (never in an Adults figure).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from accounts.roles import Role
from cases.models import (
    CaseState,
    ClosingReason,
    DesignationCase,
    Indicator,
    Warning,
    WarningKind,
    WarningSkipKind,
)
from reviews.models import Challenge, ChallengeOutcome, ChallengeStatus, Review, ReviewOutcome
from sanctions.models import Sanction, SanctionStatus
from tests import factories
from tests.conftest import LONDON

TODAY = dt.datetime(2026, 5, 15, 10, 0, tzinfo=LONDON)
Q1 = {"period": "quarter", "year": "2026", "quarter": "1"}
# Every customer of the fixture: none of these may appear on a lead's page or CSV.
NAMES = {
    "A1": "Zebedee Quartermaine", "A2": "Philippa Oddbody", "A3": "Ignatius Wolstenholme",
    "A4": "Marigold Featherstonehaugh", "A5": "Barnaby Thistlewood", "A6": "Ottoline Crumb",
    "A7": "Peregrine Halfpenny", "A8": "Clementine Gorringe", "A9": "Horatio Blenkinsop",
    "C1": "Araminta Sprockett", "C2": "Bartholomew Quill", "C3": "Cressida Lumb",
    "C4": "Dorian Fettiplace", "C5": "Eulalia Pettigrew", "C6": "Fenwick Haddow",
    "K1": "Gwendolyn Ravenscroft",
}


def live_figures(ids: list[int], period, today: dt.date) -> dict:
    """Every report figure by its own definition's query (reports.selectors, no summary,
    nothing folded): what test_queries compares the folded reading with and test_summary
    the precomputed one."""
    from reports import selectors

    day = period.as_at(today)
    months = period.trend_months(today)
    return {
        "invocations": selectors.invocations(ids, period),
        "closed_without_designation": selectors.closed_without_designation(ids, period),
        "standing_designations": selectors.standing_designations(ids, day),
        "invocations_by_month": selectors.invocations_by_month(ids, months),
        "closures_by_month": selectors.closures_by_month(ids, months),
        "involved_elsewhere": selectors.involved_elsewhere(ids, period),
        "warnings_given": selectors.warnings_given(ids, period),
        "warnings_by_month": selectors.warnings_by_month(ids, months),
        "challenges": selectors.challenges(ids, period),
        "challenges_by_month": selectors.challenges_by_month(ids, months),
        "reasons": selectors.invocation_reasons(ids, period),
        "reason_groups": selectors.invocation_reason_groups(ids, period),
        "sanctions": selectors.sanctions_in_force(ids, day),
        "reviews": selectors.reviews(ids, period, today),
    }


def d(y: int, m: int, day: int) -> dt.date:
    return dt.date(y, m, day)


def at(y: int, m: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def council_wide_lead(adults, children, resources):
    return factories.UserFactory(
        username="cora", first_name="Cora", last_name="Councilwide",
        roles=[Role.DIRECTORATE_LEAD], directorates__council_wide=True,
    )


@pytest.fixture
def children_lead(children):
    return factories.UserFactory(
        username="chloe", first_name="Chloe", last_name="Childrenlead",
        roles=[Role.DIRECTORATE_LEAD], directorates=[children],
    )


class Builder:
    def __init__(self, staff, indicators):
        self.staff = staff
        self.indicators = indicators

    def customer(self, key: str, directorate):
        return factories.CustomerFactory(full_name=NAMES[key], directorates=[directorate])

    def case(self, key: str, directorate, *, state: str, designated_on=None, reasons=(),
             notified_on=None, review_due_on=None, closing_reason: str = "", closed_at=None,
             skip_warning: bool = False, involved=()):
        case = DesignationCase.objects.create(
            customer=self.customer(key, directorate),
            lead_directorate=directorate,
            state=state,
            referred_by=self.staff,
            referred_at=at(2025, 5, 1),
            designated_on=designated_on,
            decided_by=self.staff if designated_on else None,
            decided_at=at(designated_on.year, designated_on.month, designated_on.day)
            if designated_on else None,
            customer_notified_on=notified_on,
            council_informed_at=(
                at(notified_on.year, notified_on.month, notified_on.day, 15)
                if notified_on else None
            ),
            review_due_on=review_due_on,
            closing_reason=closing_reason,
            closed_at=closed_at,
            warning_skip_kind=WarningSkipKind.SAFETY if skip_warning else "",
            warning_skip_reason="Threatened staff." if skip_warning else "",
        )
        if reasons:
            case.decision_indicators.set(reasons)
        if involved:
            case.involved_directorates.set(involved)
        return case

    def sanction(self, case, kind: str, starts_on, ends_on, *, ended_on=None, **params):
        defaults = {
            "time_limit": {"max_minutes": 15},
            "office_access": {"all_offices": True},
            "single_medium": {"allowed_channel": "email"},
            "police_or_legal": {"reference": "CUMB-2026-0001"},
        }.get(kind, {})
        # In force from when the council was informed (or the sanction's first day, if
        # later: a renewal), until the end of the day it was ended early.
        informed = case.council_informed_at
        starts = at(starts_on.year, starts_on.month, starts_on.day, 0)
        sanction = Sanction.objects.create(
            case=case, kind=kind, starts_on=starts_on, ends_on=ends_on,
            status=SanctionStatus.ENDED if ended_on else SanctionStatus.ACTIVE,
            ended_on=ended_on, reasons="Needed for the purposes of this test.",
            created_by=self.staff,
            in_force_from=max(informed, starts) if informed else None,
            in_force_until=at(ended_on.year, ended_on.month, ended_on.day, 17)
            if ended_on and informed else None,
            **{**defaults, **params},
        )
        sanction.directorates.set([case.lead_directorate])
        return sanction

    def challenge(self, case, received_on, *, status, outcome="", decided_on=None,
                  is_late=False):
        return Challenge.objects.create(
            case=case, status=status, channel="letter", received_on=received_on,
            grounds="I disagree.", recorded_by=self.staff, recorded_at=at(
                received_on.year, received_on.month, received_on.day),
            is_late=is_late, decision_due_on=received_on + dt.timedelta(days=28),
            outcome=outcome, decided_on=decided_on,
            decided_at=at(decided_on.year, decided_on.month, decided_on.day)
            if decided_on else None,
        )

    def review(self, case, due_on, *, outcome="", decided_on=None, lapsed_at=None,
               next_review_on=None):
        return Review.objects.create(
            case=case, status="decided" if decided_on else "open", due_on=due_on,
            opened_at=at(due_on.year, due_on.month, due_on.day) - dt.timedelta(days=28),
            lapsed_at=lapsed_at, outcome=outcome, decided_on=decided_on,
            decided_at=at(decided_on.year, decided_on.month, decided_on.day)
            if decided_on else None,
            next_review_on=next_review_on, reasons="Reviewed." if decided_on else "",
        )

    def warning(self, customer, directorate, kind: str, given_on):
        warning = Warning.objects.create(
            customer=customer, directorate=directorate, kind=kind, method="letter",
            given_on=given_on, given_by=self.staff, summary="Your behaviour is unacceptable.",
        )
        warning.behaviours.set(self.indicators[:1])
        return warning


@pytest.fixture
def quarter(db, adults, children, resources, senior_manager):
    """The hand-built first quarter of 2026 described at the top of this file."""
    persistence = list(Indicator.objects.filter(group="persistence").order_by("order")[:2])
    behaviour = Indicator.objects.filter(group="behaviour").order_by("order").first()
    i1, i2, i3 = persistence[0], persistence[1], behaviour
    b = Builder(senior_manager, [i1, i2, i3])
    active, closed = CaseState.ACTIVE, CaseState.CLOSED

    a1 = b.case("A1", adults, state=active, designated_on=d(2026, 1, 10), reasons=[i1, i2],
                notified_on=d(2026, 1, 12), review_due_on=d(2026, 7, 10))
    b.sanction(a1, "time_limit", d(2026, 1, 12), d(2026, 7, 10))
    b.sanction(a1, "witness", d(2026, 1, 12), d(2026, 7, 10))
    b.challenge(a1, d(2026, 1, 20), status=ChallengeStatus.DECIDED,
                outcome=ChallengeOutcome.UPHOLD, decided_on=d(2026, 2, 20))

    a2 = b.case("A2", adults, state=closed, designated_on=d(2026, 2, 3), reasons=[i1],
                notified_on=d(2026, 2, 5), review_due_on=d(2026, 8, 3),
                closing_reason=ClosingReason.WITHDRAWN, closed_at=at(2026, 3, 1, 14))
    b.sanction(a2, "call_limit", d(2026, 2, 5), d(2026, 8, 3), ended_on=d(2026, 3, 1),
               calls_per_week=1, call_weekdays="1", call_period="morning")
    b.challenge(a2, d(2026, 2, 10), status=ChallengeStatus.DECIDED,
                outcome=ChallengeOutcome.WITHDRAW, decided_on=d(2026, 3, 1))

    a3 = b.case("A3", adults, state=CaseState.DESIGNATED, designated_on=d(2026, 3, 31),
                reasons=[i3], review_due_on=d(2026, 9, 30), skip_warning=True,
                involved=[children])
    b.sanction(a3, "police_or_legal", d(2026, 3, 31), d(2026, 9, 30))

    a4 = b.case("A4", adults, state=active, designated_on=d(2025, 12, 31), reasons=[i2],
                notified_on=d(2026, 1, 2), review_due_on=d(2026, 6, 30))
    b.sanction(a4, "office_access", d(2026, 1, 2), d(2026, 6, 30))
    b.challenge(a4, d(2026, 3, 25), status=ChallengeStatus.LATE, is_late=True)

    b.case("A5", adults, state=CaseState.DESIGNATED, designated_on=d(2026, 4, 1),
           reasons=[i1], review_due_on=d(2026, 10, 1))

    a6 = b.case("A6", adults, state=active, designated_on=d(2025, 6, 15), reasons=[i1],
                notified_on=d(2025, 6, 17), review_due_on=d(2026, 7, 20))
    b.sanction(a6, "time_limit", d(2025, 6, 17), d(2025, 12, 15))  # ran out at the lapse
    b.sanction(a6, "time_limit", d(2026, 1, 20), d(2026, 7, 20))  # renewed at the review
    b.review(a6, d(2025, 12, 15), outcome=ReviewOutcome.CONTINUE, decided_on=d(2026, 1, 20),
             lapsed_at=at(2025, 12, 16, 6, 30), next_review_on=d(2026, 7, 20))
    b.challenge(a6, d(2025, 12, 20), status=ChallengeStatus.DECIDED,
                outcome=ChallengeOutcome.UPHOLD, decided_on=d(2026, 1, 5))

    a7 = b.case("A7", adults, state=closed, designated_on=d(2025, 9, 1), reasons=[i2],
                notified_on=d(2025, 9, 2), review_due_on=d(2026, 3, 1),
                closing_reason=ClosingReason.LIFTED, closed_at=at(2026, 2, 25, 11))
    b.sanction(a7, "witness", d(2025, 9, 2), d(2026, 3, 1), ended_on=d(2026, 2, 25))
    b.review(a7, d(2026, 3, 1), outcome=ReviewOutcome.LIFT, decided_on=d(2026, 2, 25))

    a8 = b.case("A8", adults, state=CaseState.LAPSED, designated_on=d(2025, 9, 20),
                reasons=[i1], notified_on=d(2025, 9, 22), review_due_on=d(2026, 3, 20))
    b.sanction(a8, "time_limit", d(2025, 9, 22), d(2026, 3, 20))
    b.review(a8, d(2026, 3, 20), lapsed_at=at(2026, 3, 21, 6, 30))

    a9 = b.case("A9", adults, state=active, designated_on=d(2025, 10, 5), reasons=[i3],
                notified_on=d(2025, 10, 6), review_due_on=d(2026, 9, 30))
    b.sanction(a9, "time_limit", d(2025, 10, 6), d(2026, 4, 5), ended_on=d(2026, 3, 30))
    b.sanction(a9, "single_medium", d(2026, 3, 30), d(2026, 9, 30))
    b.review(a9, d(2026, 4, 5), outcome=ReviewOutcome.VARY, decided_on=d(2026, 3, 30),
             next_review_on=d(2026, 9, 30))
    b.challenge(a9, d(2026, 1, 25), status=ChallengeStatus.NOT_ACCEPTED, is_late=True)

    c1 = b.case("C1", adults, state=closed, closing_reason=ClosingReason.NO_ACTION,
                closed_at=at(2026, 1, 5))
    b.case("C2", adults, state=closed, closing_reason=ClosingReason.BEHAVIOUR_STOPPED,
           closed_at=at(2026, 2, 14))
    b.case("C3", adults, state=closed, closing_reason=ClosingReason.BEHAVIOUR_STOPPED,
           closed_at=at(2026, 3, 31, 23, 30))
    b.case("C4", adults, state=closed, closing_reason=ClosingReason.NOT_DESIGNATED,
           closed_at=at(2026, 1, 1, 0, 30))
    b.case("C5", adults, state=closed, closing_reason=ClosingReason.PRECONDITION_FAILED,
           closed_at=at(2025, 12, 31, 23, 59))
    b.case("C6", adults, state=closed, closing_reason=ClosingReason.NOT_DESIGNATED,
           closed_at=at(2026, 4, 1, 0, 30))

    k1 = b.case("K1", children, state=active, designated_on=d(2026, 2, 2), reasons=[i2],
                notified_on=d(2026, 2, 3), review_due_on=d(2026, 8, 2))
    b.sanction(k1, "witness", d(2026, 2, 3), d(2026, 8, 2))

    # Warnings: by the directorate that gave them.
    b.warning(a1.customer, adults, WarningKind.INFORMAL, d(2026, 1, 3))
    b.warning(a2.customer, adults, WarningKind.INFORMAL, d(2026, 2, 10))
    b.warning(c1.customer, adults, WarningKind.FORMAL, d(2026, 3, 31))
    b.warning(c1.customer, adults, WarningKind.INFORMAL, d(2025, 12, 31))
    b.warning(c1.customer, adults, WarningKind.FORMAL, d(2026, 4, 1))
    b.warning(k1.customer, children, WarningKind.INFORMAL, d(2026, 2, 1))

    return SimpleNamespace(
        i1=i1, i2=i2, i3=i3, a1=a1, a2=a2, a3=a3, a4=a4, a6=a6, a7=a7, a8=a8, a9=a9, k1=k1,
        adults=adults, children=children, resources=resources,
    )
