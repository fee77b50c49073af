"""The steps on a challenge and the six-month review, registered in `cases.steps`.

Each challenge step is a transition of `Challenge` with its page: its form, the service
it calls and the confirmation it shows. `reviews/urls.py` builds the step pages' URL
patterns from these registrations, and the case page's buttons come from the transitions
available to the user that have a registered page (`reviews.selectors`).

Each step also says where it is open on a case (`opens`, for the task list of
`cases.next_steps`): a challenge step on each challenge whose status is its transition's
source, recording a request while the customer's 14 days run, and the six-month review
from the designation until it is decided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.formats import date_format

from accounts.roles import Role
from cases import deadlines, steps
from cases.choices import CaseState
from letters.models import LetterKind
from reviews import forms, rules, services
from reviews.models import Challenge, ChallengeOutcome, ChallengeStatus, Review, ReviewStatus
from sanctions.models import SanctionKind


def _day(value) -> str:
    return date_format(value, "j F Y")


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class ChallengeStep:
    transition: str
    route: str  # below /cases/<reference>/challenges/<id>/
    url_name: str  # in the "reviews" namespace
    form_class: type[forms.ChallengeStepForm]
    title: str
    description: str
    # Calls the service with the cleaned data; returns the confirmation to show.
    act: Callable[[Any, Challenge, dict], str]
    template: str = "reviews/challenge_step.html"
    button: str = ""
    # A step that writes to the customer shows its letter first (`letters.drafts`): `act`
    # then takes `seen`, and `rows` says what was decided, for the preview page.
    letter_kind: str = ""
    rows: Callable[[dict], list[tuple[str, str]]] | None = None


def _accept_late(user, challenge: Challenge, data: dict) -> str:
    challenge = services.challenge_accept_late(
        actor=user, challenge=challenge, reason=data["reason"],
        expected_status=data["expected_status"],
    )
    return (
        "Late request accepted. A senior manager must now assign an independent reviewer, "
        f"who must decide by {_day(challenge.decision_due_on)}."
    )


def _refuse_late(user, challenge: Challenge, data: dict) -> str:
    services.challenge_refuse_late(
        actor=user, challenge=challenge, reason=data["reason"],
        expected_status=data["expected_status"],
    )
    return "Late request not accepted. The reason is recorded on the case."


def _assign(user, challenge: Challenge, data: dict) -> str:
    challenge = services.challenge_assign_reviewer(
        actor=user, challenge=challenge, reviewer=data["reviewer"],
        expected_status=data["expected_status"],
    )
    return (
        f"{_name(challenge.reviewer)} is the independent reviewer. They must decide by "
        f"{_day(challenge.decision_due_on)}."
    )


def _decide(user, challenge: Challenge, data: dict, *, seen: str) -> str:
    letter = services.challenge_decide(
        actor=user, challenge=challenge, outcome=data["outcome"], reasons=data["reasons"],
        sanctions=data["sanctions"], expected_status=data["expected_status"], seen=seen,
    )
    return (
        f"Challenge decided: {ChallengeOutcome(data['outcome']).label.lower()}. "
        f"{letter.get_kind_display()} issued (version {letter.version})."
    )


def sanction_names(specs: list[dict]) -> str:
    return "\n".join(
        f"{SanctionKind(s['kind']).label}, {_day(s['starts_on'])} to {_day(s['ends_on'])}"
        for s in specs
    )


def _decide_rows(data: dict) -> list[tuple[str, str]]:
    rows = [("Outcome", ChallengeOutcome(data["outcome"]).label), ("Reasons", data["reasons"])]
    if data["outcome"] == ChallengeOutcome.VARY:
        rows.append(("New sanctions", sanction_names(data["sanctions"])))
    return rows


CHALLENGE_STEPS: list[ChallengeStep] = [
    ChallengeStep(
        "accept_late", "accept-late/", "challenge_accept_late",
        forms.AcceptLateForm, "Accept the late request",
        "The request arrived after the 14 days. A senior manager may still accept it, "
        "with a reason, and it then goes to an independent reviewer.",
        _accept_late, button="Accept the late request",
    ),
    ChallengeStep(
        "refuse_late", "refuse-late/", "challenge_refuse_late",
        forms.RefuseLateForm, "Do not accept the late request",
        "The request arrived after the 14 days. If it is not accepted, the designation "
        "stands and the reason is recorded.",
        _refuse_late, button="Do not accept the request",
    ),
    ChallengeStep(
        "assign_reviewer", "assign-reviewer/", "challenge_assign",
        forms.AssignReviewerForm, "Assign an independent reviewer",
        "A senior manager who holds the Independent Reviewer role and took no part in "
        "the case decides the challenge (section 2.4), within 28 days of receiving it.",
        _assign, button="Assign the reviewer",
    ),
    ChallengeStep(
        "decide", "decide/", "challenge_decide",
        forms.DecideChallengeForm, "Decide the challenge",
        "Uphold the designation, vary its sanctions, or withdraw it. The customer is "
        "written to with your decision and your reasons.",
        _decide, template="reviews/challenge_decide.html", button="Check the letter to the "
        "customer", letter_kind=LetterKind.CHALLENGE_OUTCOME, rows=_decide_rows,
    ),
]


def _order(model, name: str) -> int:
    """The order the transition itself declares (`custom={"order": ...}` in the model)."""
    meta = getattr(model, name)._django_fsm
    return min((t.custom.get("order", 50) for t in meta.transitions.values()), default=50)


# The challenges with their reviewers, in one query, for every step that reads them.
CHALLENGES = Prefetch("challenges", queryset=Challenge.objects.select_related("reviewer"))


def _challenge_may(name: str):
    """The transition's own `permission=`, from the challenge's status."""
    meta = getattr(Challenge, name)._django_fsm

    def may(user, challenge: Challenge) -> bool:
        return meta.has_transition_perm(challenge, challenge.status, user)

    return may


def _challenge_who(case, challenge: Challenge, name: str) -> str:
    if name == "decide":
        if challenge.reviewer is None:  # pragma: no cover - under review means assigned
            return "an independent reviewer"
        return f"{_name(challenge.reviewer)}, the independent reviewer"
    return steps.who(case, Role.SENIOR_MANAGER)


def _challenge_hint(challenge: Challenge, name: str) -> str:
    received = f"Request for a review received {_day(challenge.received_on)}"
    if name in ("accept_late", "refuse_late"):
        days = (challenge.received_on - challenge.last_valid_day).days \
            if challenge.last_valid_day else 0
        return (f"{received}, {days} day{'' if days == 1 else 's'} after the last day. "
                "A senior manager decides whether to accept it.")
    if name == "assign_reviewer":
        return f"{received}. A senior manager who took no part in the case decides it."
    return f"{received}. Uphold, vary the sanctions or withdraw the designation."


def _challenge_opens(name: str):
    meta = getattr(Challenge, name)._django_fsm

    def opens(case, today) -> list[steps.Opening]:
        found = []
        for challenge in case.challenges.all():
            if challenge.status not in meta.transitions:
                continue
            # Re-assigning the reviewer is possible, not owed: only the first assignment.
            if name == "assign_reviewer" and challenge.status != ChallengeStatus.AWAITING_REVIEWER:
                continue
            found.append(steps.Opening(
                who=_challenge_who(case, challenge, name), obj=challenge,
                url_args=(challenge.pk,), due_on=challenge.decision_due_on,
                hint=_challenge_hint(challenge, name),
                # Only the reviewer assigned decides; a senior manager of the case the rest.
                roles=() if name == "decide" else (Role.SENIOR_MANAGER,),
                person_id=challenge.reviewer_id if name == "decide" else None,
            ))
        return found

    return opens


for _step in CHALLENGE_STEPS:
    steps.register(
        steps.Step(
            steps.CHALLENGE, _step.transition, _step.title, f"reviews:{_step.url_name}",
            route=_step.route, order=_order(Challenge, _step.transition), page=_step,
            may=_challenge_may(_step.transition), opens=_challenge_opens(_step.transition),
            # The reviewer's independence reads the case's sanctions and chronology.
            prefetch=(CHALLENGES, "sanctions", "events"),
            # Whether to accept a late request is one decision: the home page lists it once.
            home=_step.transition != "refuse_late",
        )
    )


def _may_record(user, case) -> bool:
    return rules.may_record_challenge(Challenge(case=case), user)


def _record_opens(case, today) -> list[steps.Opening]:
    """The customer's 14 days: a waiting period, while no request has come."""
    ends = case.challenge_ends_on
    if (
        case.state not in services.CHALLENGEABLE_STATES or ends is None or today > ends
        or any(True for _ch in case.challenges.all())
    ):
        return []
    return [steps.Opening(
        who="the customer", waiting="the customer", due_on=ends,
        hint=f"The customer may ask in writing for a review until {_day(ends)}. Record "
        "a request when one arrives.",
    )]


RECORD_CHALLENGE = steps.register(
    steps.Step(
        steps.CHALLENGE, "record", "Record a request for a review", "reviews:challenge_record",
        route="new/", order=0, may=_may_record, opens=_record_opens,
        prefetch=(CHALLENGES,), home=False,
    )
)


def _open_review(case) -> Review:
    review = next((r for r in case.reviews.all() if r.status == ReviewStatus.OPEN), None)
    review = review or Review(case=case, due_on=case.review_due_on)
    review.case = case
    return review


def _may_review(user, case) -> bool:
    return case.state in services.REVIEWABLE_STATES and rules.is_review_senior_manager(
        _open_review(case), user
    )


def _review_opens(case, today) -> list[steps.Opening]:
    due = case.review_due_on
    if due is None or case.state not in (CaseState.DESIGNATED, *services.REVIEWABLE_STATES):
        return []
    who = steps.who(case, Role.SENIOR_MANAGER)
    roles = (Role.SENIOR_MANAGER,)
    if case.state == CaseState.DESIGNATED:
        return [steps.Opening(
            who=who, due_on=due, roles=roles,
            blocked="The designation must be in force first: the review looks at how the "
            "restrictions worked.",
        )]
    if case.state == CaseState.LAPSED:
        return [steps.Opening(
            who=who, due_on=due, roles=roles,
            hint="The review date passed with no decision: the restrictions have lapsed. "
            "Lift the designation, or continue or vary it.",
        )]
    opened = _open_review(case).pk is not None
    return [steps.Opening(
        who=who, due_on=due, roles=roles,
        not_before=None if opened else deadlines.review_opens_on(due),
        hint="Lift the designation, vary its sanctions, or continue it with reasons and "
        "the next review date.",
    )]


REVIEW_DECIDE = steps.register(
    steps.Step(
        steps.REVIEW, "decide", "Carry out the six-month review", "reviews:review_decide",
        order=_order(Review, "decide"), may=_may_review, opens=_review_opens,
        prefetch=("reviews",),
    )
)


def challenge_step(name: str) -> ChallengeStep | None:
    step = steps.get(steps.CHALLENGE, name)
    return step.page if step is not None else None
