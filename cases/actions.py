"""The case's own step pages: each workflow transition, its form and its service.

Each is registered in `cases.steps` (subject "case"), from which the case page's task
list and the `cases:action` URLs come. A step is open where its transition has the case's
state as a source; this user may take it when the transition's `permission=` and
`conditions=` allow (what django-fsm-2's `get_available_user_state_transitions` asks), so
the page, the services and the tests all ask the same transitions the same question. The
checklist of section 2.3 (preconditions, alternatives, a key officer) is registered here
too (subject "checklist"): it is done on the case page itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.roles import Role
from cases import forms, rules, selectors, services, steps
from cases.choices import Alternative, CaseState, Precondition
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
    context: Callable[[DesignationCase, Any], dict[str, Any]] | None = None


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
        "Close with no further action",
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
        "Behaviour stopped: close the case",
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
        context=lambda case, user: {
            "evidence": selectors.decision_evidence(case),
            # Whoever designates takes part in the case: say so if nobody would be left to
            # review a challenge independently (section 2.4).
            "no_reviewer_left": not selectors.independent_reviewers(
                case, also_excluding=[user]
            ),
        },
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


# Who a transition's `permission=` lets act, in words, for the task list.
WHO = {
    rules.is_service_manager: (Role.SERVICE_MANAGER,),
    rules.is_senior_manager: (Role.SENIOR_MANAGER,),
    rules.can_skip_warning: (Role.SERVICE_MANAGER, Role.SENIOR_MANAGER),
}
# The roles a `permission=` lets act, for the home page's stored turns (`cases.turns`):
# `may_decide` also lets the senior manager the case names decide.
ROLES = {**WHO, rules.may_decide: (Role.SENIOR_MANAGER,)}


def _plural(n: int, word: str) -> str:
    return f"{n} more {word}{'' if n == 1 else 's'}"


def _first(case: DesignationCase) -> str:
    """Why a guarded step cannot start yet, in one line (the case page lists each item)."""
    todo = []
    if missing := len(rules.missing_preconditions(case)):
        todo.append(f"confirm {_plural(missing, 'precondition')}")
    if missing := len(rules.missing_alternatives(case)):
        todo.append(f"record {_plural(missing, 'alternative')}")
    if not rules.key_officer_named_if_cross_directorate(case):
        todo.append("name a key officer")
    if not rules.warning_given_or_skipped(case):
        todo.append("record a formal warning, or the reason for proceeding without one")
    if not todo:
        return "The policy's conditions for this step are not met yet."
    return "First " + ", ".join(todo[:-1]) + (" and " if len(todo) > 1 else "") + todo[-1] + "."


def _transition_opens(name: str):
    meta = getattr(DesignationCase, name)._django_fsm

    def opens(case: DesignationCase, today) -> list[steps.Opening]:
        transition = meta.get_transition(case.state)
        if transition is None:
            return []
        blocked = ""
        if not meta.conditions_met(case, case.state):
            blocked = _first(case)
        roles = WHO.get(transition.permission, ())
        return [steps.Opening(
            who=steps.who(case, *roles) if roles else "nobody", blocked=blocked,
            roles=ROLES.get(transition.permission, ()),
            person_id=case.deciding_manager_id if transition.permission is rules.may_decide
            else None,
        )]

    return opens


def _transition_may(name: str):
    meta = getattr(DesignationCase, name)._django_fsm

    def may(user, case: DesignationCase) -> bool:
        return meta.conditions_met(case, case.state) and meta.has_transition_perm(
            case, case.state, user
        )

    return may


CHECKS = ("precondition_checks", "alternatives", "involved_directorates")


for _action in PAGES:
    steps.register(
        steps.Step(
            steps.CASE, _action.name, _action.title, "cases:action",
            order=_order(_action.name), page=_action, url_args=(_action.name,),
            opens=_transition_opens(_action.name), may=_transition_may(_action.name),
            prefetch=CHECKS,
            # Skipping the warning is the service manager's alternative to warning (a
            # senior manager may also take it): it alone puts no case on a home page.
            home=_action.name != "skip_warning",
        )
    )


# --- the checklist of section 2.3, done on the case page ---------------------------------------


def _may_edit_checklist(user, case: DesignationCase) -> bool:
    return case.state in services.CHECKLIST_STATES and rules.is_service_manager(case, user)


def _checklist_opens(count, total: int, what: str):
    def opens(case: DesignationCase, today) -> list[steps.Opening]:
        if case.state != CaseState.ASSESSMENT:
            return []
        done = count(case)
        return [steps.Opening(
            who=steps.who(case, Role.SERVICE_MANAGER), done=done >= total,
            hint=f"{done} of {total} {what}", roles=(Role.SERVICE_MANAGER,),
        )]

    return opens


def _key_officer_opens(case: DesignationCase, today) -> list[steps.Opening]:
    if case.state != CaseState.ASSESSMENT or not rules.is_cross_directorate(case):
        return []
    return [steps.Opening(
        who=steps.who(case, Role.SERVICE_MANAGER),
        done=rules.key_officer_named_if_cross_directorate(case),
        hint="More than one directorate is involved: one officer co-ordinates the response.",
        roles=(Role.SERVICE_MANAGER,),
    )]


for _name, _title, _order_no, _opens, _anchor in (
    ("preconditions", "Confirm the five preconditions", 10, _checklist_opens(
        lambda c: len(Precondition.values) - len(rules.missing_preconditions(c)),
        len(Precondition.values), "confirmed"), "preconditions"),
    ("alternatives", "Record the alternatives considered", 20, _checklist_opens(
        lambda c: len(Alternative.values) - len(rules.missing_alternatives(c)),
        len(Alternative.values), "recorded"), "alternatives"),
    ("key_officer", "Name a key officer", 30, _key_officer_opens, "coordination"),
):
    steps.register(
        steps.Step(
            steps.CHECKLIST, _name, _title, "cases:referral", order=_order_no,
            may=_may_edit_checklist, opens=_opens, prefetch=CHECKS, anchor=_anchor,
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
