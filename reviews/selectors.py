"""Reads about challenges and six-month reviews: the case page's section, the home panels and
the deadline dashboard.

Scoping goes through `cases.selectors.cases_for`, so nobody sees a challenge or a review of
a case they could not open. Every function here costs a fixed number of queries whatever
the number of rows: the lists are joined in the query (`select_related`), never walked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role, has_role
from cases import steps
from cases.models import CaseState, DesignationCase
from reviews import dashboard
from reviews.dashboard import (
    HOME_HORIZON,
    HOME_ROWS,
    Clock,
    Horizon,
    Scope,
    clock,
    deadlines_for,
)
from reviews.models import (
    CLOCK_RUNNING_STATES,
    OPEN_CHALLENGE_STATES,
    Challenge,
    ChallengeStatus,
    Review,
    ReviewStatus,
)
from reviews.services import CHALLENGEABLE_STATES, REVIEWABLE_STATES
from sanctions.checks import banner_lines
from sanctions.services import current_sanctions

RECENTLY_DECIDED_DAYS = 30
# The dashboard's "recently decided" list is capped: it is a reminder, not a register.
RECENTLY_DECIDED_SHOWN = 20
# The reviewer's home panel: the soonest due, and a link to /deadlines/ for the rest.
CHALLENGES_TO_REVIEW_SHOWN = 10

# --- scope -----------------------------------------------------------------------------------


def may_see_deadlines(user) -> bool:
    """Senior managers and independent reviewers; information governance, for subject access
    requests only; directorate leads get reports instead."""
    return has_role(user, Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER,
                    Role.INFORMATION_GOVERNANCE)


def _challenges(qs: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return qs.select_related("case__customer", "case__lead_directorate", "reviewer")


# --- the case page -----------------------------------------------------------------------------


@dataclass
class ChallengeRow:
    challenge: Challenge
    clock: Clock | None  # only while someone still has to decide
    days_late: int
    # (label, url, secondary) for each step this user may take now.
    actions: list[tuple[str, str, bool]] = field(default_factory=list)


def _challenge_actions(case: DesignationCase, challenge: Challenge, user) -> list:
    """The steps the transitions themselves allow this user (their `permission=`)."""
    if not challenge.is_open:
        return []
    found = []
    for t in challenge.get_available_user_status_transitions(user):
        step = steps.get(steps.CHALLENGE, t.name)
        if step is None:  # a transition with no page of its own (the sweep's, say)
            continue
        label = step.title  # the step's one name, as its page's heading (also to reassign)
        found.append((
            t.custom.get("order", 50),
            label,
            step.url(case.reference, challenge.pk),
            bool(t.custom.get("secondary")),
        ))
    return [(label, url, secondary) for _order, label, url, secondary in sorted(found)]


# The case page's challenges and reviews, fetched once with the case (`cases.sections`),
# with everyone the section names; the next steps read the same rows.
CASE_PAGE_PREFETCH = (
    Prefetch("challenges", queryset=Challenge.objects.select_related(
        "recorded_by", "late_decided_by", "reviewer", "decided_by").order_by("received_on", "id")),
    Prefetch("reviews", queryset=Review.objects.select_related(
        "decided_by", "opened_by").order_by("due_on", "id")),
)


def case_reviews_context(case: DesignationCase, user, today: dt.date | None = None) -> dict:
    """Everything `templates/reviews/_case_section.html` needs, under one key.

    Two queries (the challenges, the reviews) plus, for the assigned reviewer only, the
    independence check; `case` comes from `get_case_for_user`, which prefetches what the
    permission rules read.
    """
    if case.designated_on is None:
        return {"reviews_section": None}
    today = today or timezone.localdate()
    # Prefetched with the case page (CASE_PAGE_PREFETCH); sorted here for any other caller.
    challenges = sorted(case.challenges.all(), key=lambda ch: (ch.received_on, ch.pk))
    rows = []
    for ch in challenges:
        ch.case = case  # the rules read the case's prefetched directorates
        rows.append(ChallengeRow(
            challenge=ch,
            clock=clock(ch.decision_due_on, today) if ch.status in CLOCK_RUNNING_STATES
            else None,
            days_late=(ch.received_on - ch.last_valid_day).days
            if ch.is_late and ch.last_valid_day else 0,
            actions=_challenge_actions(case, ch, user),
        ))
    open_challenge = any(ch.is_open for ch in challenges)

    # Recording is the receive transitions' permission, asked of the request to be.
    can_record = (
        case.state in CHALLENGEABLE_STATES
        and not open_challenge
        and any(t.name == "receive_in_time"
                for t in Challenge(case=case).get_available_user_status_transitions(user))
    )

    reviews = sorted(case.reviews.all(), key=lambda r: (r.due_on, r.pk))
    open_review = next((r for r in reviews if r.status == ReviewStatus.OPEN), None)
    can_review = case.state in REVIEWABLE_STATES and any(
        t.name == "decide"
        for t in (open_review or Review(case=case)).get_available_user_status_transitions(user)
    )
    window = None
    if case.challenge_ends_on is not None:
        window = {
            "ends_on": case.challenge_ends_on,
            "open": today <= case.challenge_ends_on,
            "clock": clock(case.challenge_ends_on, today),
        }
    review_clock = None
    if case.review_due_on and case.state in (CaseState.DESIGNATED, *REVIEWABLE_STATES):
        review_clock = clock(case.review_due_on, today)
    return {
        "reviews_section": {
            "today": today,
            "window": window,
            "challenges": rows,
            "open_challenge": open_challenge,
            "can_record": can_record,
            "record_url": steps.get(steps.CHALLENGE, "record").url(case.reference),
            "record_title": steps.get(steps.CHALLENGE, "record").title,
            "review_clock": review_clock,
            "lapsed": case.state == CaseState.LAPSED,
            "open_review": open_review,
            "past_reviews": [r for r in reversed(reviews) if r.status == ReviewStatus.DECIDED],
            "can_review": can_review,
            "review_url": steps.get(steps.REVIEW, "decide").url(case.reference),
            "review_title": steps.get(steps.REVIEW, "decide").title,
        }
    }


def has_open_challenge(case: DesignationCase) -> bool:
    """A challenge of this designation still waits for a decision (only one at a time)."""
    return case.challenges.filter(status__in=OPEN_CHALLENGE_STATES).exists()


def open_review(case: DesignationCase) -> Review:
    """The six-month review under way, or the one to be opened (unsaved) when due."""
    review = case.reviews.filter(status=ReviewStatus.OPEN).first() or Review(
        case=case, due_on=case.review_due_on
    )
    review.case = case
    return review


def get_challenge_for_case(case: DesignationCase, pk: int) -> Challenge:
    """A challenge of a case already reached through `get_case_for_user`: an id of another
    case's challenge is a 404, like a guessed reference."""
    try:
        challenge = case.challenges.select_related(
            "recorded_by", "late_decided_by", "reviewer", "decided_by"
        ).get(pk=pk)
    except Challenge.DoesNotExist:
        raise Http404("No challenge found") from None
    challenge.case = case
    return challenge


def designation_facts(case: DesignationCase) -> dict:
    """What an independent reviewer from another directorate needs to judge a challenge:
    the decision, its reasons and indicators, and the sanctions standing now."""
    sanctions = current_sanctions(case)
    return {
        "sanctions": sanctions,
        "restrictions": banner_lines(sanctions),
        "letters": list(
            case.letters.select_related("issued_by").order_by("-issued_at", "-id")
        ),
    }


# --- home panels -----------------------------------------------------------------------------


def challenges_to_review(user, today: dt.date | None = None) -> list[tuple[Challenge, Clock]]:
    """The challenges given to this independent reviewer and not yet decided, soonest first,
    at most `CHALLENGES_TO_REVIEW_SHOWN` and one more (to say there are more):
    the dashboard's own "challenge decision" source, narrowed to the ones naming this user
    (a reviewer who is also a senior manager sees others' there too)."""
    today = today or timezone.localdate()
    decisions = dashboard.source(dashboard.DeadlineKind.CHALLENGE_DECISION)
    qs = _challenges(
        decisions.open(Scope.of(user), today).filter(reviewer=user)
    ).order_by("decision_due_on", "id")[:CHALLENGES_TO_REVIEW_SHOWN + 1]
    return [(ch, clock(ch.decision_due_on, today)) for ch in qs]


def home_deadlines(user, today: dt.date | None = None) -> dict:
    """A senior manager's home panel: the same selector as `/deadlines/` at the home
    horizon, its counts, and its first `HOME_ROWS` rows (the page has the rest)."""
    found = deadlines_for(user, horizon=HOME_HORIZON, today=today)
    return {"found": found, "rows": found.first(HOME_ROWS)}


# --- the deadline dashboard ------------------------------------------------------------------


@dataclass(frozen=True)
class DecidedRow:
    """A challenge or six-month review decided lately, and whether in time."""

    case: DesignationCase
    what: str
    due_on: dt.date
    decided_on: dt.date
    outcome: str
    anchor: str

    @property
    def url(self) -> str:
        return f"{reverse('cases:reviews', args=[self.case.reference])}#{self.anchor}"

    @property
    def directorate(self) -> str:
        return self.case.lead_directorate.name

    @property
    def on_time(self) -> bool:
        return self.decided_on <= self.due_on


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


# What a decided row shows (`DecidedRow` and the template), and no more: a full row of the
# case, its customer and the person is most of the list's cost in Python. The workflow's
# states are always read: a protected state field deferred is fetched again, row by row.
_DECIDED_CASE_FIELDS = ("case__state", "case__reference", "case__customer_id",
                        "case__lead_directorate_id", "case__customer__full_name",
                        "case__lead_directorate__name")
_NAME_FIELDS = ("first_name", "last_name", "username")


def recently_decided(scope: Scope, since: dt.date) -> list[DecidedRow]:
    """The newest `RECENTLY_DECIDED_SHOWN` challenges and six-month reviews decided since
    `since` that the user may see: two queries, each capped."""
    rows = []
    challenges = _challenges(
        scope.challenges.filter(status=ChallengeStatus.DECIDED, decided_on__gte=since)
    ).only(
        "status", "case_id", "reviewer_id", "decision_due_on", "decided_on", "outcome",
        *_DECIDED_CASE_FIELDS, *(f"reviewer__{f}" for f in _NAME_FIELDS),
    ).order_by("-decided_on", "-id")[:RECENTLY_DECIDED_SHOWN]
    for ch in challenges:
        rows.append(DecidedRow(
            case=ch.case,
            what=f"Challenge decided by {_name(ch.reviewer)}" if ch.reviewer
            else "Challenge decided",
            due_on=ch.decision_due_on, decided_on=ch.decided_on,
            outcome=ch.get_outcome_display(), anchor=f"challenge-{ch.pk}",
        ))
    if scope.is_manager:
        reviews = (
            Review.objects.filter(
                case__in=scope.managed, status=ReviewStatus.DECIDED, decided_on__gte=since
            )
            .select_related("case__customer", "case__lead_directorate", "decided_by")
            .only("status", "case_id", "decided_by_id", "due_on", "decided_on", "outcome",
                  *_DECIDED_CASE_FIELDS, *(f"decided_by__{f}" for f in _NAME_FIELDS))
            .order_by("-decided_on", "-id")[:RECENTLY_DECIDED_SHOWN]
        )
        for review in reviews:
            rows.append(DecidedRow(
                case=review.case,
                what=f"Six-month review decided by {_name(review.decided_by)}"
                if review.decided_by else "Six-month review decided",
                due_on=review.due_on, decided_on=review.decided_on,
                outcome=review.get_outcome_display(), anchor="six-month-review",
            ))
    rows.sort(key=lambda r: (r.decided_on, r.case.reference), reverse=True)
    return rows[:RECENTLY_DECIDED_SHOWN]


def deadline_dashboard(user, *, horizon: Horizon, page: Any = 1,
                       today: dt.date | None = None) -> dict:
    """Everything `/deadlines/` shows: one page of `deadlines_for` at the chosen horizon,
    the count of every horizon, and what was decided lately. A fixed number of queries,
    whatever the number of rows."""
    found = deadlines_for(user, horizon=horizon, today=today)
    since = found.today - dt.timedelta(days=RECENTLY_DECIDED_DAYS)
    return {
        "deadlines": found,
        "page": found.page(page),
        "today": found.today,
        "since": since,
        "decided": recently_decided(found.scope, since),
        "decided_cap": RECENTLY_DECIDED_SHOWN,
        "is_manager": found.is_manager,
        "is_reviewer": found.is_reviewer,
        "is_information_governance": found.is_information_governance,
    }
