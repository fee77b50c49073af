"""Reads about challenges and six-month reviews: the case page's section, the home panels and
the deadline dashboard.

Scoping goes through `cases.selectors.cases_for`, so nobody sees a challenge or a review of
a case they could not open. Every function here costs a fixed number of queries whatever
the number of rows: the lists are joined in the query (`select_related`), never walked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role, has_role
from accounts.selectors import directorate_ids_for
from cases import deadlines, steps
from cases.models import CaseState, DesignationCase
from cases.selectors import cases_for
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

# "Due this week" on the dashboard; "due soon" on a senior manager's home page.
DUE_THIS_WEEK_DAYS = 7
REVIEW_DUE_SOON_DAYS = 28
RECENTLY_DECIDED_DAYS = 30

# --- clocks ----------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Clock:
    """A due date seen from today: `days` left, negative once overdue."""

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
        if self.days == 0:
            return "Due today"
        if self.days > 0:
            return f"{_plural(self.days, 'day')} left"
        return f"{_plural(-self.days, 'day')} overdue"

    @property
    def tag_class(self) -> str:
        if self.days < 0:
            return "govuk-tag--red"
        if self.days <= DUE_THIS_WEEK_DAYS:
            return "govuk-tag--orange"
        return "govuk-tag--grey"


def clock(due_on: dt.date, today: dt.date) -> Clock:
    return Clock(due_on=due_on, days=deadlines.days_left(due_on, today))


# --- scope -----------------------------------------------------------------------------------


def managed_cases(user) -> QuerySet[DesignationCase]:
    """The cases of the user's own directorates (led or involved), within `cases_for`.

    `cases_for` also lets an independent reviewer see the cases given to them from other
    directorates; a reviewer is not responsible for those cases' deadlines, so the
    deadlines a senior manager answers for come from this narrower scope.
    """
    return cases_for(user).in_directorates(directorate_ids_for(user))


def may_see_deadlines(user) -> bool:
    """Senior managers and independent reviewers; directorate leads get reports instead."""
    return has_role(user, Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER)


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
        label = step.title  # the step's one name, as its page's heading
        if t.name == "assign_reviewer" and challenge.reviewer_id:
            label = "Change the independent reviewer"
        found.append((
            t.custom.get("order", 50),
            label,
            step.url(case.reference, challenge.pk),
            bool(t.custom.get("secondary")),
        ))
    return [(label, url, secondary) for _order, label, url, secondary in sorted(found)]


def case_reviews_context(case: DesignationCase, user, today: dt.date | None = None) -> dict:
    """Everything `templates/reviews/_case_section.html` needs, under one key.

    Two queries (the challenges, the reviews) plus, for the assigned reviewer only, the
    independence check; `case` comes from `get_case_for_user`, which prefetches what the
    permission rules read.
    """
    if case.designated_on is None:
        return {"reviews_section": None}
    today = today or timezone.localdate()
    challenges = list(
        case.challenges.select_related(
            "recorded_by", "late_decided_by", "reviewer", "decided_by"
        ).order_by("received_on", "id")
    )
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

    reviews = list(case.reviews.select_related("decided_by", "opened_by").order_by("due_on"))
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
    """The challenges given to this independent reviewer and not yet decided, soonest first."""
    today = today or timezone.localdate()
    qs = _challenges(
        Challenge.objects.filter(
            reviewer=user, status=ChallengeStatus.UNDER_REVIEW, case__in=cases_for(user)
        )
    ).order_by("decision_due_on", "id")
    return [(ch, clock(ch.decision_due_on, today)) for ch in qs]


def due_for_senior_manager(user, today: dt.date | None = None) -> dict:
    """A senior manager's "Challenges and reviews due": requests in their directorates
    waiting for them (late, or needing a reviewer), and six-month reviews due within 28
    days or already missed."""
    today = today or timezone.localdate()
    managed = managed_cases(user)
    challenges = _challenges(
        Challenge.objects.filter(
            case__in=managed,
            status__in=[ChallengeStatus.LATE, ChallengeStatus.AWAITING_REVIEWER],
        )
    ).order_by("decision_due_on", "id")
    reviews = (
        managed.filter(state__in=REVIEWABLE_STATES)
        .filter(
            Q(state=CaseState.LAPSED)
            | Q(review_due_on__lte=today + dt.timedelta(days=REVIEW_DUE_SOON_DAYS))
        )
        .select_related("customer", "lead_directorate")
        .order_by("review_due_on", "id")
    )
    return {
        "challenges": [(ch, clock(ch.decision_due_on, today)) for ch in challenges],
        "reviews": [(case, clock(case.review_due_on, today)) for case in reviews],
    }


# --- the deadline dashboard ------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    directorate: str
    case: DesignationCase
    what: str
    due_on: dt.date
    clock: Clock | None = None
    anchor: str = "reviews"
    decided_on: dt.date | None = None
    outcome: str = ""

    @property
    def url(self) -> str:
        return f"{self.case.get_absolute_url()}#{self.anchor}"

    @property
    def on_time(self) -> bool | None:
        return None if self.decided_on is None else self.decided_on <= self.due_on


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _challenge_row(ch: Challenge, today: dt.date) -> DeadlineRow:
    if ch.status == ChallengeStatus.DECIDED:
        return DeadlineRow(
            directorate=ch.case.lead_directorate.name, case=ch.case,
            what=f"Challenge decided by {_name(ch.reviewer)}" if ch.reviewer
            else "Challenge decided",
            due_on=ch.decision_due_on, anchor=f"challenge-{ch.pk}",
            decided_on=ch.decided_on, outcome=ch.get_outcome_display(),
        )
    who = (f"independent reviewer {_name(ch.reviewer)}" if ch.reviewer
           else "no independent reviewer assigned yet")
    return DeadlineRow(
        directorate=ch.case.lead_directorate.name, case=ch.case,
        what=f"Challenge decision ({who})", due_on=ch.decision_due_on,
        clock=clock(ch.decision_due_on, today), anchor=f"challenge-{ch.pk}",
    )


def _sorted(rows: list[DeadlineRow]) -> list[DeadlineRow]:
    """By directorate, then the soonest due first (the dashboard groups on directorate)."""
    return sorted(rows, key=lambda r: (r.directorate, r.due_on, r.case.reference))


def _newest_first(rows: list[DeadlineRow]) -> list[DeadlineRow]:
    by_day = sorted(rows, key=lambda r: (r.decided_on, r.case.reference), reverse=True)
    return sorted(by_day, key=lambda r: r.directorate)  # stable: newest first within each


def deadline_dashboard(user, today: dt.date | None = None) -> dict:
    """The three lists of /deadlines/, each sorted by directorate then date.

    A senior manager sees their directorates' cases; an independent reviewer the
    challenges given to them (a person holding both roles sees both). Five queries,
    whatever the number of rows.
    """
    today = today or timezone.localdate()
    week_end = today + dt.timedelta(days=DUE_THIS_WEEK_DAYS)
    since = today - dt.timedelta(days=RECENTLY_DECIDED_DAYS)
    is_manager = has_role(user, Role.SENIOR_MANAGER)
    is_reviewer = has_role(user, Role.INDEPENDENT_REVIEWER)
    managed = managed_cases(user) if is_manager else DesignationCase.objects.none()

    scope = Q(pk__in=[])
    if is_manager:
        scope |= Q(case__in=managed)
    if is_reviewer:
        scope |= Q(reviewer=user)
    visible = Challenge.objects.filter(case__in=cases_for(user)).filter(scope)

    due, overdue, decided = [], [], []
    for ch in _challenges(
        visible.filter(status__in=CLOCK_RUNNING_STATES, decision_due_on__lte=week_end)
    ):
        (overdue if ch.decision_due_on < today else due).append(_challenge_row(ch, today))
    for ch in _challenges(
        visible.filter(status=ChallengeStatus.DECIDED, decided_on__gte=since)
    ).select_related("decided_by"):
        decided.append(_challenge_row(ch, today))

    if is_manager:
        reviews_due = (
            managed.filter(state__in=REVIEWABLE_STATES)
            .filter(Q(state=CaseState.LAPSED) | Q(review_due_on__lte=week_end))
            .select_related("customer", "lead_directorate")
        )
        for case in reviews_due:
            lapsed = case.state == CaseState.LAPSED
            row = DeadlineRow(
                directorate=case.lead_directorate.name, case=case,
                what="Six-month review: missed, restrictions lapsed" if lapsed
                else "Six-month review",
                due_on=case.review_due_on, clock=clock(case.review_due_on, today),
                anchor="six-month-review",
            )
            (overdue if lapsed or case.review_due_on < today else due).append(row)

        windows = (
            managed.filter(
                state__in=CHALLENGEABLE_STATES,
                challenge_ends_on__gte=today, challenge_ends_on__lte=week_end,
            )
            .exclude(Exists(Challenge.objects.filter(case_id=OuterRef("pk"))))
            .select_related("customer", "lead_directorate")
        )
        for case in windows:
            due.append(DeadlineRow(
                directorate=case.lead_directorate.name, case=case,
                what="Last day for the customer to ask for a review",
                due_on=case.challenge_ends_on, clock=clock(case.challenge_ends_on, today),
                anchor="challenge-window",
            ))

        for review in (
            Review.objects.filter(
                case__in=managed, status=ReviewStatus.DECIDED, decided_on__gte=since
            ).select_related("case__customer", "case__lead_directorate", "decided_by")
        ):
            decided.append(DeadlineRow(
                directorate=review.case.lead_directorate.name, case=review.case,
                what=f"Six-month review decided by {_name(review.decided_by)}"
                if review.decided_by else "Six-month review decided",
                due_on=review.due_on, anchor="six-month-review",
                decided_on=review.decided_on, outcome=review.get_outcome_display(),
            ))

    return {
        "today": today,
        "week_end": week_end,
        "since": since,
        "due": _sorted(due),
        "overdue": _sorted(overdue),
        "decided": _newest_first(decided),
        "is_manager": is_manager,
        "is_reviewer": is_reviewer,
    }

