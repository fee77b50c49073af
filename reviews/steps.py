"""The steps on a challenge and the six-month review, registered in `cases.steps`.

Each challenge step is a transition of `Challenge` with its page: its form, the service
it calls and the confirmation it shows. `reviews/urls.py` builds the step pages' URL
patterns from these registrations, and the case page's buttons come from the transitions
available to the user that have a registered page (`reviews.selectors`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format

from cases import steps
from letters.models import LetterKind
from reviews import forms, services
from reviews.models import Challenge, ChallengeOutcome, Review
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


for _step in CHALLENGE_STEPS:
    steps.register(
        steps.Step(
            steps.CHALLENGE, _step.transition, _step.title, f"reviews:{_step.url_name}",
            route=_step.route, order=_order(Challenge, _step.transition), page=_step,
        )
    )

RECORD_CHALLENGE = steps.register(
    steps.Step(
        steps.CHALLENGE, "record", "Record a request for a review", "reviews:challenge_record",
        route="new/", order=0,
    )
)

REVIEW_DECIDE = steps.register(
    steps.Step(
        steps.REVIEW, "decide", "Carry out the six-month review", "reviews:review_decide",
        order=_order(Review, "decide"),
    )
)


def challenge_step(name: str) -> ChallengeStep | None:
    step = steps.get(steps.CHALLENGE, name)
    return step.page if step is not None else None
