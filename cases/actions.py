"""The case's own step pages: each workflow transition, its form and its service.

Each is registered in `cases.steps` (subject "case"), from which the case page's buttons
and the `cases:action` URLs come. The buttons shown are django-fsm-2's
`get_available_user_state_transitions` that have a registered page, so the page, the
services and the tests all ask the same transitions the same question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cases import forms, selectors, services, steps
from cases.models import DesignationCase


@dataclass(frozen=True)
class CaseAction:
    name: str
    form_class: type[forms.ActionForm]
    service: Callable[..., DesignationCase]
    title: str
    done: str  # the confirmation shown once the step is taken
    description: str
    # Maps cleaned form data to the service's keyword arguments.
    to_kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda data: data
    template: str = "cases/action.html"
    # Extra context the page needs besides the form (e.g. the evidence for a decision).
    context: Callable[[DesignationCase], dict[str, Any]] | None = None


def _note(data: dict) -> dict:
    return {"expected_state": data["expected_state"], "note": data.get("note", "")}


PAGES: list[CaseAction] = [
    CaseAction(
        "issue_formal_warning",
        forms.FormalWarningForm,
        services.case_issue_formal_warning,
        "Issue a formal written warning",
        "Formal warning recorded. The case is now being monitored.",
        "Record the written warning that the customer's behaviour is unacceptable "
        "(section 2.3). The case then moves to monitoring.",
    ),
    CaseAction(
        "skip_warning",
        forms.SkipWarningForm,
        services.case_skip_warning,
        "Proceed without a warning",
        "Reason for proceeding without a warning recorded. The case is in assessment.",
        "Harassment, aggression or threats to staff may go to a decision without a "
        "prior warning (section 2.4). Only a senior manager may decide that a warning "
        "would obviously have no effect (section 2.3). The reason is recorded.",
    ),
    CaseAction(
        "close_referral",
        forms.CloseReferralForm,
        services.case_close_referral,
        "Close the referral",
        "Case closed: no further action.",
        "Close the case with no further action.",
        _note,
    ),
    CaseAction(
        "behaviour_continued",
        forms.BehaviourContinuedForm,
        services.case_behaviour_continued,
        "Behaviour continued after the warning",
        "Behaviour continued: the case is in assessment.",
        "Move to assessment: the five preconditions and the alternatives of section 2.3.",
        _note,
    ),
    CaseAction(
        "behaviour_stopped",
        forms.BehaviourStoppedForm,
        services.case_behaviour_stopped,
        "Behaviour stopped",
        "Case closed: the behaviour stopped.",
        "Close the case with no designation.",
        _note,
    ),
    CaseAction(
        "submit_for_decision",
        forms.SubmitForDecisionForm,
        services.case_submit_for_decision,
        "Submit for a senior manager's decision",
        "Submitted to a senior manager for a decision.",
        "All five preconditions are confirmed and every alternative is recorded.",
        _note,
    ),
    CaseAction(
        "close_precondition_failed",
        forms.ClosePreconditionFailedForm,
        services.case_close_precondition_failed,
        "Close: a precondition failed",
        "Case closed: a precondition failed.",
        "If the matter was not dealt with properly, or the customer brings significant "
        "new information, put that right instead of designating.",
        _note,
    ),
    CaseAction(
        "designate",
        forms.DesignateForm,
        services.case_designate,
        "Designate the customer",
        "The customer is designated.",
        "Designate the customer as unreasonable or unreasonably persistent, and "
        "choose the proportionate sanctions: each scoped to the services affected, "
        "dated, and ending by the six-month review (section 2.4).",
        template="cases/designate.html",
        context=lambda case: {"evidence": selectors.decision_evidence(case)},
    ),
    CaseAction(
        "decline",
        forms.DeclineForm,
        services.case_decline,
        "Do not designate",
        "Case closed: the customer is not designated.",
        "Close the case without designating, with reasons.",
    ),
    CaseAction(
        "return_for_more_work",
        forms.ReturnForm,
        services.case_return_for_more_work,
        "Return for more work",
        "Returned to the service manager for more work.",
        "Send the case back to the service manager's assessment.",
        _note,
    ),
]


def _order(name: str) -> int:
    """The order the transition itself declares (`custom={"order": ...}` in the model)."""
    meta = getattr(DesignationCase, name)._django_fsm
    return min((t.custom.get("order", 50) for t in meta.transitions.values()), default=50)


for _action in PAGES:
    steps.register(
        steps.Step(
            steps.CASE, _action.name, _action.title, "cases:action",
            order=_order(_action.name), page=_action, url_args=(_action.name,),
        )
    )

# The case's step pages by transition name, as the registry holds them.
ACTIONS: dict[str, CaseAction] = {s.name: s.page for s in steps.for_subject(steps.CASE)}


def action_for(name: str) -> CaseAction | None:
    step = steps.get(steps.CASE, name)
    return step.page if step is not None else None


def available_actions(case: DesignationCase, user) -> list[tuple[CaseAction, dict]]:
    """The actions this user may take on this case now, in the order the policy reads."""
    result = []
    for transition in case.get_available_user_state_transitions(user):
        action = action_for(transition.name)
        if action is not None:
            result.append((action, transition.custom))
    result.sort(key=lambda pair: pair[1].get("order", 50))
    return result
