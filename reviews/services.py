"""Every write about challenges and six-month reviews goes through here.

Each service locks the case (and then the challenge or review), checks the state the user
saw, takes the transition (whose `permission=` says who may), saves with history, writes the
case's chronology, and issues the customer's outcome letter in the same transaction: a
decision is never recorded without its letter, nor a letter without its decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from cases import deadlines, rules, workflow
from cases import selectors as case_selectors
from cases.choices import CaseState, EventKind
from cases.models import CaseEvent, DesignationCase
from letters.models import LetterKind
from letters.services import letter_issue
from reviews.models import (
    OPEN_CHALLENGE_STATES,
    Challenge,
    ChallengeChannel,
    ChallengeOutcome,
    ChallengeStatus,
    Review,
    ReviewOutcome,
    ReviewStatus,
)
from sanctions.models import Sanction, SanctionStatus
from sanctions.services import (
    build_sanctions,
    current_sanctions,
    end_sanctions,
    renew_sanctions,
    sanctions_come_into_force,
    save_sanctions,
)
from ucp.dates import require_record_date
from ucp.errors import CaseChanged, NotAllowed, ServiceError
from ucp.reasons import require_reason

# A designation can be challenged once the customer has been told of it, and reviewed while
# it stands (in force, or lapsed because its review was missed).
CHALLENGEABLE_STATES = (CaseState.DESIGNATED, CaseState.ACTIVE, CaseState.LAPSED)
REVIEWABLE_STATES = (CaseState.ACTIVE, CaseState.LAPSED)


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


_name = workflow.person
_clean = workflow.clean_text
# Challenges and reviews are FSM objects like the case: `workflow.take` checks the step's
# source status and `permission=`, takes it and saves it with history.
_take = workflow.take


def _lock_challenge(challenge: Challenge) -> tuple[DesignationCase, Challenge]:
    # Case first, then challenge: the same order everywhere, so two services never deadlock.
    case = workflow.lock_case(challenge.case)
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    locked.case = case
    return case, locked


# --- challenges: receiving -------------------------------------------------------------------


@transaction.atomic
def challenge_record(
    *,
    actor,
    case: DesignationCase,
    channel: str,
    received_on: dt.date | None = None,
    received_at: dt.datetime | None = None,
    grounds: str,
    now: dt.datetime | None = None,
) -> Challenge:
    """Record a customer's written request for a review of their designation (step 11).

    Its date of receipt is the London date of `received_at` when the channel gives a time
    (an email at 23:59 on the 14th day is in time), else `received_on`. A late request is
    recorded all the same and waits for a senior manager to accept it, with reasons, or not.
    """
    if channel not in ChallengeChannel.values:
        raise ServiceError(
            "A request for a review must be in writing: choose letter, email or web form."
        )
    grounds = _clean(grounds, "the customer's grounds for asking for a review")
    if received_at is not None:
        if timezone.is_naive(received_at):
            received_at = timezone.make_aware(received_at)
        received_on = deadlines.local_day(received_at)
    if received_on is None:
        raise ServiceError("Enter the date the request was received.")
    now = workflow.now_or(now)
    if received_on > timezone.localdate(now) or (received_at is not None and received_at > now):
        raise ServiceError("The date the request was received cannot be in the future.")
    require_record_date(received_on, "The date the request was received", now=now)

    case = workflow.lock_case(case)
    if case.state not in CHALLENGEABLE_STATES:
        raise CaseChanged(
            f"This case is '{case.get_state_display()}': only a designation can be "
            "challenged. Nothing was saved."
        )
    if case.designated_on and received_on < case.designated_on:
        raise ServiceError("The request cannot have been received before the designation.")
    if case.challenges.filter(status__in=OPEN_CHALLENGE_STATES).exists():
        raise ServiceError(
            "This designation already has a challenge waiting for a decision. Add the new "
            "letter to that challenge instead."
        )
    is_late = deadlines.challenge_is_late(received_on, case.challenge_ends_on)
    challenge = Challenge(
        case=case,
        channel=channel,
        received_on=received_on,
        received_at=received_at,
        grounds=grounds,
        recorded_by=actor,
        recorded_at=now,
        last_valid_day=case.challenge_ends_on,
        is_late=is_late,
        decision_due_on=deadlines.challenge_decision_due(received_on),
    )
    _take(challenge, "receive_late" if is_late else "receive_in_time", actor=actor,
          expected=None)
    when = _day(received_on)
    if received_at is not None:
        when += f" at {timezone.localtime(received_at):%H:%M}"
    if is_late:
        summary = (
            "Request for a review received LATE: a senior manager must decide whether to "
            "accept it"
        )
        timing = (
            f"Received {when}, after the last day ({_day(case.challenge_ends_on)}). "
            "Recorded and flagged; it goes to an independent reviewer only if a senior "
            "manager accepts it with reasons."
        )
    else:
        summary = "Request for a review received in time"
        timing = (
            f"Received {when}"
            + (f"; the last day was {_day(case.challenge_ends_on)}" if case.challenge_ends_on
               else "")
            + f". An independent reviewer must decide by {_day(challenge.decision_due_on)}."
        )
    workflow.record_event(
        case,
        actor=actor,
        kind=EventKind.CHALLENGE_RECEIVED,
        summary=summary,
        details=f"{ChallengeChannel(channel).label}. {timing}\n\nGrounds: {grounds}",
        at=now,
    )
    return challenge


@transaction.atomic
def challenge_note_phone_request(
    *, actor, case: DesignationCase, note: str = "", now: dt.datetime | None = None
) -> CaseEvent:
    """A customer asked for a review by telephone: noted, but it is not a request until it
    is put in writing (section 2.4). The officer is told to explain how."""
    case = workflow.lock_case(case)
    if case.state not in CHALLENGEABLE_STATES:
        raise CaseChanged(f"This case is '{case.get_state_display()}'. Nothing was saved.")
    if not rules.works_on_case(case, actor):
        raise NotAllowed("You do not work on this case.")
    return workflow.record_event(
        case,
        actor=actor,
        kind=EventKind.CHALLENGE_PHONE_REQUEST,
        summary="Customer asked for a review by telephone: told it must be put in writing",
        details=(note or "").strip()
        or "The customer was told to write by letter, email or the web form.",
        at=now,
    )


@transaction.atomic
def challenge_accept_late(
    *,
    actor,
    challenge: Challenge,
    reason: str,
    expected_status: str | None = None,
    now: dt.datetime | None = None,
) -> Challenge:
    reason = _clean(reason, "the reason for accepting a late request")
    case, challenge = _lock_challenge(challenge)
    _take(challenge, "accept_late", actor=actor, expected=expected_status,
          by=actor, at=workflow.now_or(now), reason=reason)
    workflow.record_event(
        case, actor=actor, kind=EventKind.CHALLENGE_LATE_ACCEPTED,
        summary="Late request for a review accepted by a senior manager",
        details=f"{reason}\n\nAn independent reviewer must decide by "
        f"{_day(challenge.decision_due_on)}.",
        at=now,
    )
    return challenge


@transaction.atomic
def challenge_refuse_late(
    *,
    actor,
    challenge: Challenge,
    reason: str,
    expected_status: str | None = None,
    now: dt.datetime | None = None,
) -> Challenge:
    # The customer is told this reason.
    reason = require_reason(reason, "the reason for not accepting the late request")
    case, challenge = _lock_challenge(challenge)
    _take(challenge, "refuse_late", actor=actor, expected=expected_status,
          by=actor, at=workflow.now_or(now), reason=reason)
    workflow.record_event(
        case, actor=actor, kind=EventKind.CHALLENGE_LATE_REFUSED,
        summary="Late request for a review not accepted", details=reason, at=now,
    )
    return challenge


# --- challenges: the independent reviewer ---------------------------------------------------


def independent_reviewers(case: DesignationCase) -> list:
    """Everyone who could review a challenge to `case` (`cases.selectors`)."""
    return case_selectors.independent_reviewers(case)


@transaction.atomic
def challenge_assign_reviewer(
    *,
    actor,
    challenge: Challenge,
    reviewer,
    expected_status: str | None = None,
    now: dt.datetime | None = None,
) -> Challenge:
    """A senior manager of the case gives the challenge to an independent reviewer."""
    case, challenge = _lock_challenge(challenge)
    if reviewer is None:
        raise ServiceError("Choose an independent reviewer.")
    problems = rules.independence_problems(case, reviewer)
    if problems:
        raise NotAllowed(
            f"{_name(reviewer)} cannot review this challenge: they are not independent of "
            "the case.",
            reasons=problems,
        )
    before = challenge.reviewer
    _take(challenge, "assign_reviewer", actor=actor, expected=expected_status,
          reviewer=reviewer, by=actor, at=workflow.now_or(now))
    workflow.record_event(
        case, actor=actor, kind=EventKind.CHALLENGE_REVIEWER_ASSIGNED,
        summary=f"Independent reviewer {'changed' if before else 'assigned'}: {_name(reviewer)}",
        details=(f"Previously {_name(before)}. " if before else "")
        + f"Decision due by {_day(challenge.decision_due_on)}.",
        at=now,
    )
    return challenge


def _sanction_lines(sanctions: list[Sanction], *, with_start: bool = True) -> str:
    if with_start:
        return "; ".join(
            f"{s.get_kind_display()}, {s.starts_on:%d %b %Y} to {s.ends_on:%d %b %Y}"
            for s in sanctions
        )
    return "; ".join(f"{s.get_kind_display()}, to {s.ends_on:%d %b %Y}" for s in sanctions)


def _check_reviewer_may_decide(case: DesignationCase, challenge: Challenge, actor) -> None:
    """The transition's permission asks the same question; asking here too gives the
    reviewer the reasons rather than a bare refusal."""
    if challenge.reviewer_id == getattr(actor, "pk", None):
        problems = rules.independence_problems(case, actor)
        if problems:
            raise NotAllowed("You are no longer independent of this case.", reasons=problems)
    elif challenge.status == ChallengeStatus.UNDER_REVIEW:
        raise NotAllowed("Only the independent reviewer assigned can decide this challenge.")
    if case.state not in CHALLENGEABLE_STATES:
        raise CaseChanged(f"This case is '{case.get_state_display()}'. Nothing was saved.")


def _withdraw_on_challenge(
    case: DesignationCase, *, actor, reasons: str, now: dt.datetime
) -> list[str]:
    """Withdraw: the case closes and every sanction still running ends today."""
    workflow.take(case, "withdraw", actor=actor, reasons=reasons, at=now)
    ended = end_sanctions(actor=actor, case=case, now=now, on=timezone.localdate(now),
                          reason="Designation withdrawn on challenge")
    return [f"Sanctions ended: {len(ended)}."]


def _vary_on_challenge(
    case: DesignationCase, *, actor, built: list, today: dt.date, now: dt.datetime
) -> list[str]:
    """Vary: the sanctions in force end today and the new set starts."""
    old = current_sanctions(case)
    end_sanctions(actor=actor, case=case, now=now, on=today,
                  reason="Replaced when the sanctions were varied on challenge")
    new = save_sanctions(actor=actor, built=built)
    return [
        "Replaced: " + "; ".join(s.get_kind_display() for s in old) + "."
        if old else "No sanction was in force.",
        f"New sanctions: {_sanction_lines(new)}.",
    ]


def _timing(today: dt.date, due: dt.date, *, on_time: str, late: str) -> str:
    return on_time if today <= due else f"{(today - due).days} days {late}"


@transaction.atomic
def challenge_decide(
    *,
    actor,
    challenge: Challenge,
    outcome: str,
    reasons: str,
    sanctions: Iterable[dict[str, Any]] = (),
    expected_status: str | None = None,
    now: dt.datetime | None = None,
    seen: str | None = None,
):
    """The independent reviewer decides (step 11): uphold, vary the sanctions, or withdraw
    the designation. The outcome letter is issued in the same transaction.

    Returns the outcome letter. `seen` goes to `letter_issue`: the page previews the letter
    (`letters.drafts`) and issues it only as the reviewer saw it.
    """
    if outcome not in ChallengeOutcome.values:
        raise ServiceError("Choose the outcome: uphold, vary the sanctions, or withdraw.")
    # The customer's letter gives these reasons.
    reasons = require_reason(reasons, "the reasons for your decision")
    case, challenge = _lock_challenge(challenge)
    _check_reviewer_may_decide(case, challenge, actor)
    now = workflow.now_or(now)
    today = timezone.localdate(now)
    # Validated before anything changes, so a bad set of sanctions changes nothing.
    built = (
        build_sanctions(actor=actor, case=case, specs=sanctions, designated_on=today,
                        review_on=case.review_due_on)
        if outcome == ChallengeOutcome.VARY else []
    )
    from_state = case.state
    details = [reasons]
    # The case transition comes before the challenge's: its permission asks whether the
    # reviewer is assigned to a challenge still under review.
    if outcome == ChallengeOutcome.WITHDRAW:
        details += _withdraw_on_challenge(case, actor=actor, reasons=reasons, now=now)
    elif outcome == ChallengeOutcome.VARY:
        details += _vary_on_challenge(case, actor=actor, built=built, today=today, now=now)
    if case.state == CaseState.ACTIVE:
        # A variation on a designation in force restricts from the decision's instant.
        sanctions_come_into_force(actor=actor, case=case, at=now)
    _take(challenge, "decide", actor=actor, expected=expected_status,
          outcome=outcome, reasons=reasons, by=actor, at=now, on=today)
    due = challenge.decision_due_on
    timing = _timing(today, due, on_time="within the 28 days", late="after the 28 days")
    details.append(f"Decided on {_day(today)}, {timing} (due {_day(due)}).")
    workflow.record_event(
        case, actor=actor, kind=EventKind.CHALLENGE_DECIDED,
        summary=f"Challenge decided by the independent reviewer: "
        f"{ChallengeOutcome(outcome).label.lower()}",
        details="\n".join(details), from_state=from_state, to_state=case.state, at=now,
    )
    return letter_issue(actor=actor, kind=LetterKind.CHALLENGE_OUTCOME, case=case, now=now,
                        seen=seen)


# --- the six-month review --------------------------------------------------------------------


@transaction.atomic
def open_review_for(
    case: DesignationCase, *, actor, at: dt.datetime
) -> tuple[Review, bool]:
    """The open review for the case's current review date, created if there is none.

    The case must be locked by the caller (a service here, or the daily sweep)."""
    existing = case.reviews.filter(status=ReviewStatus.OPEN).first()
    if existing is not None:
        return existing, False
    review = Review(case=case, due_on=case.review_due_on, opened_at=at, opened_by=actor)
    workflow.save(review, actor)
    workflow.record_event(
        case, actor=actor, kind=EventKind.REVIEW_OPENED,
        summary=f"Six-month review opened: due {_day(review.due_on)}",
        details="Opened by the daily check ahead of the due date." if actor is None else "",
        at=at,
    )
    return review, True


@transaction.atomic
def review_open(*, actor, case: DesignationCase, now: dt.datetime | None = None) -> Review:
    """Open the six-month review of a designation (idempotent). The daily sweep opens it
    ahead of its due date with `actor=None`; a senior manager may open it earlier."""
    case = workflow.lock_case(case)
    if case.state not in REVIEWABLE_STATES or case.review_due_on is None:
        raise CaseChanged(
            f"This case is '{case.get_state_display()}': only a designation in force (or "
            "lapsed) is reviewed."
        )
    if actor is not None and not rules.is_senior_manager(case, actor):
        raise NotAllowed("Only a senior manager for this case carries out its review.")
    review, _created = open_review_for(case, actor=actor, at=workflow.now_or(now))
    return review


@transaction.atomic
def case_set_review_due(
    *,
    actor,
    case: DesignationCase,
    due_on: dt.date,
    why: str,
    now: dt.datetime | None = None,
) -> DesignationCase:
    """Change the stored six-month review date, recording the old and new value."""
    case = workflow.lock_case(case)
    before = case.review_due_on
    if before == due_on:
        return case
    case.review_due_on = due_on
    workflow.save(case, actor)
    workflow.record_event(
        case, actor=actor, kind=EventKind.REVIEW_DUE_CHANGED,
        summary=f"Next review due {_day(due_on)}",
        details=f"Review date: {_day(before) if before else 'none'} → {_day(due_on)}. {why}",
        at=now,
    )
    return case


@transaction.atomic
def case_lapse(*, case: DesignationCase, review: Review, now: dt.datetime | None = None):
    """The review date passed with no decision (the daily sweep's step, taken by nobody).

    The sanctions ran out on their dates (they end by the review date), so the designation
    restricts nothing until a senior manager decides. Recorded on the case, with what
    lapsed and when, and on the review (`lapsed_at`, which the weekly escalation reads).
    """
    now = workflow.now_or(now)
    today = timezone.localdate(now)
    case = workflow.lock_case(case)
    lapsed = list(
        case.sanctions.filter(status=SanctionStatus.ACTIVE, ends_on__lt=today)
        .order_by("ends_on", "id")
    )
    due = case.review_due_on
    from_state = workflow.take(case, "lapse", actor=None)
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.record_lapse(at=now)
    workflow.save(review, None)
    lines = [
        f"The six-month review was due on {_day(due)} and no decision was recorded. "
        "Restrictions never run on unreviewed: these lapsed on their end dates.",
        *(f"- {s.get_kind_display()}: ended {_day(s.ends_on)}" for s in lapsed),
        f"Escalated to {case.lead_directorate.assistant_director_name}, Assistant Director, "
        f"{case.lead_directorate.name}. A senior manager must carry out the review: lift the "
        "designation, or continue or vary it with new restrictions.",
    ]
    workflow.record_event(
        case, actor=None, kind=EventKind.LAPSE,
        summary=f"Six-month review missed: restrictions lapsed (review was due {_day(due)})",
        details="\n".join(lines), from_state=from_state, to_state=case.state, at=now,
    )
    return case


def _check_next_review(next_review_on: dt.date | None, today: dt.date) -> dt.date:
    """Continuing or varying sets the next review: after today, at most six months on."""
    latest = deadlines.latest_next_review(today)
    if next_review_on is None:
        raise ServiceError("Enter the date of the next review.")
    if next_review_on <= today:
        raise ServiceError("The next review must be after today.")
    if next_review_on > latest:
        raise ServiceError(
            f"The next review must be within six months: on or before {_day(latest)}."
        )
    return next_review_on


def _lift(case: DesignationCase, *, actor, reasons: str, now: dt.datetime) -> list[str]:
    """Lift: the case closes and every sanction still running ends today."""
    workflow.take(case, "lift", actor=actor, reasons=reasons, at=now)
    ended = end_sanctions(actor=actor, case=case, now=now, on=timezone.localdate(now),
                          reason="Designation lifted at the six-month review")
    return [f"Sanctions ended: {len(ended)}."]


def _continue_sanctions(
    case: DesignationCase, review: Review, *, actor, reasons: str, today: dt.date,
    next_review_on: dt.date, now: dt.datetime,
) -> list[Sanction]:
    """Continue: the sanctions that ran to the review date, renewed to the next one.

    Ones that end earlier, as planned, are left to end; lapsed ones are copied, not
    revived, so the record keeps the gap.
    """
    old = current_sanctions(case, running_to=review.due_on)
    if not old:
        raise ServiceError(
            "No sanction runs to the review date, so there is nothing to continue: "
            "choose 'vary' and set the sanctions, or lift the designation."
        )
    end_sanctions(actor=actor, case=case, now=now, on=today, only=old,
                  reason="Renewed at the six-month review")
    return renew_sanctions(actor=actor, sanctions=old, starts_on=today, ends_on=next_review_on,
                           reasons=f"Continued at the six-month review: {reasons}")


def _vary_at_review(
    case: DesignationCase, *, actor, built: list, today: dt.date, now: dt.datetime
):
    end_sanctions(actor=actor, case=case, now=now, on=today,
                  reason="Replaced at the six-month review")
    return save_sanctions(actor=actor, built=built)


@transaction.atomic
def review_decide(
    *,
    actor,
    case: DesignationCase,
    outcome: str,
    reasons: str,
    next_review_on: dt.date | None = None,
    sanctions: Iterable[dict[str, Any]] = (),
    expected_state: str | None = None,
    now: dt.datetime | None = None,
    seen: str | None = None,
):
    """The senior manager's six-month review (step 12): lift, vary or continue.

    Continuing or varying needs reasons and the next review date, at most six months on;
    the sanctions then run to that date (renewed copies when continued, the new set when
    varied). A review decided after its date finds the restrictions lapsed and puts them
    back in force. Returns the outcome letter, issued in the same transaction (`seen`, as
    for `challenge_decide`). The next review date is the senior manager's: a missing one
    is refused, never filled in.
    """
    if outcome not in ReviewOutcome.values:
        raise ServiceError("Choose the outcome: lift, vary or continue.")
    # The customer's letter gives these reasons.
    reasons = require_reason(reasons, "the reasons for the outcome of the review")
    case = workflow.lock_case(case, expected_state)
    if case.state not in REVIEWABLE_STATES:
        raise CaseChanged(
            f"This case is '{case.get_state_display()}': there is no designation to review."
        )
    if not rules.is_senior_manager(case, actor):
        raise NotAllowed("Only a senior manager for this case carries out its review.")
    now = workflow.now_or(now)
    today = timezone.localdate(now)
    continuing = outcome != ReviewOutcome.LIFT
    next_review_on = _check_next_review(next_review_on, today) if continuing else None
    # Validated before anything changes, so a bad set of sanctions changes nothing.
    built = (
        build_sanctions(actor=actor, case=case, specs=sanctions, designated_on=today,
                        review_on=next_review_on)
        if outcome == ReviewOutcome.VARY else []
    )
    review, _created = open_review_for(case, actor=actor, at=now)
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.case = case
    from_state = case.state
    details = [reasons]
    if outcome == ReviewOutcome.LIFT:
        details += _lift(case, actor=actor, reasons=reasons, now=now)
    else:
        lapsed = case.state == CaseState.LAPSED
        if outcome == ReviewOutcome.VARY:
            new = _vary_at_review(case, actor=actor, built=built, today=today, now=now)
        else:
            new = _continue_sanctions(case, review, actor=actor, reasons=reasons, today=today,
                                      next_review_on=next_review_on, now=now)
        details.append(f"Sanctions from today: {_sanction_lines(new, with_start=False)}.")
        if lapsed:
            workflow.take(case, "reinstate", actor=actor)
            details.append("The restrictions had lapsed when the review date passed; "
                           "they are in force again from today.")
    if case.state == CaseState.ACTIVE:
        # Renewed or varied sanctions (and a lapsed designation put back in force)
        # restrict from the decision's instant, not from the start of the day.
        sanctions_come_into_force(actor=actor, case=case, at=now)
    _take(review, "decide", actor=actor, expected=ReviewStatus.OPEN,
          outcome=outcome, reasons=reasons, next_review_on=next_review_on,
          by=actor, at=now, on=today)
    timing = _timing(today, review.due_on, on_time="on time", late="late")
    details.append(f"Review due {_day(review.due_on)}; decided {_day(today)} ({timing}).")
    workflow.record_event(
        case, actor=actor, kind=EventKind.REVIEW_DECIDED,
        summary=f"Six-month review: {ReviewOutcome(outcome).label.lower()}",
        details="\n".join(details), from_state=from_state, to_state=case.state, at=now,
    )
    if continuing:
        case_set_review_due(
            actor=actor, case=case, due_on=next_review_on,
            why="Set at the six-month review.", now=now,
        )
    return letter_issue(actor=actor, kind=LetterKind.REVIEW_OUTCOME, case=case, now=now,
                        seen=seen)
