"""The workflow as a (state, role, action) matrix, and the policy's guards.

`SOURCE`, `TARGET` and `WHO` are the policy written out by hand (PROCESS.md steps 2-8):
the first test pins the model's transitions to them, the matrix then calls every service as
every persona in every state and checks it succeeds or is refused exactly as the table says,
and that a refusal changes nothing.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.actions import ACTIONS, available_actions
from cases.models import (
    Alternative,
    AlternativeOutcome,
    CaseEvent,
    CaseState,
    DesignationCase,
    Precondition,
    Warning,
    WarningSkipKind,
)
from tests import factories
from tests.conftest import PERSONA_SPECS, create_persona
from tests.factories import STATES, complete_checklist, some_indicators, time_limit_sanction

pytestmark = pytest.mark.django_db

ROLES = list(PERSONA_SPECS)

# Where each step starts and ends (PROCESS.md steps 3-8).
SOURCE = {
    "issue_formal_warning": CaseState.REFERRED,
    "skip_warning": CaseState.REFERRED,
    "close_referral": CaseState.REFERRED,
    "behaviour_continued": CaseState.WARNED,
    "behaviour_stopped": CaseState.WARNED,
    "submit_for_decision": CaseState.ASSESSMENT,
    "close_precondition_failed": CaseState.ASSESSMENT,
    "designate": CaseState.AWAITING_DECISION,
    "decline": CaseState.AWAITING_DECISION,
    "return_for_more_work": CaseState.AWAITING_DECISION,
}
TARGET = {
    "issue_formal_warning": CaseState.WARNED,
    "skip_warning": CaseState.ASSESSMENT,
    "close_referral": CaseState.CLOSED,
    "behaviour_continued": CaseState.ASSESSMENT,
    "behaviour_stopped": CaseState.CLOSED,
    "submit_for_decision": CaseState.AWAITING_DECISION,
    "close_precondition_failed": CaseState.CLOSED,
    "designate": CaseState.DESIGNATED,
    "decline": CaseState.CLOSED,
    "return_for_more_work": CaseState.ASSESSMENT,
}
# Who may take each step on a case of their own directorate. Officers only refer; the lead
# and the administrator take no step; the outsider holds every managing role but in another
# directorate; the reviewer is a senior manager of another directorate (Resources).
_SM = {"service_manager"}
WHO = {
    "issue_formal_warning": _SM,
    "skip_warning": {"service_manager", "senior_manager"},  # with 'safety'
    "close_referral": _SM,
    "behaviour_continued": _SM,
    "behaviour_stopped": _SM,
    "submit_for_decision": _SM,
    "close_precondition_failed": _SM,
    "designate": {"senior_manager"},
    "decline": {"senior_manager"},
    "return_for_more_work": {"senior_manager"},
}
# Roles that may choose the 'safety' reason for skipping a warning at all (checked before
# the case is even loaded, so it decides the outcome in every state). The outsider and the
# reviewer are senior managers too, of other directorates.
MAY_CHOOSE_SAFETY = {"service_manager", "senior_manager", "outsider", "reviewer"}


def expected_outcome(state: str, role: str, action: str):
    """None when the call should succeed, else the exception class it must raise."""
    if action == "skip_warning" and role not in MAY_CHOOSE_SAFETY:
        return services.NotAllowed
    if SOURCE[action] != state:
        return services.CaseChanged
    if role not in WHO[action]:
        return services.NotAllowed
    return None


def service_kwargs(action: str, case) -> dict:
    """Valid arguments for each action's service, as its form would send them."""
    note = {"note": "Recorded for the matrix."}
    return {
        "issue_formal_warning": {
            "method": "letter",
            "given_on": timezone.localdate(),
            "behaviours": some_indicators(1),
            "summary": "Your behaviour is unacceptable.",
        },
        "skip_warning": {"kind": WarningSkipKind.SAFETY, "reason": "Threatened staff."},
        "close_referral": note,
        "behaviour_continued": note,
        "behaviour_stopped": note,
        "submit_for_decision": {"note": ""},
        "close_precondition_failed": note,
        "designate": {
            "reasons": "Persistent calls about the same matter.",
            "indicators": some_indicators(1),
            "sanctions": time_limit_sanction(case),
        },
        "decline": {"reasons": "Not persistent enough."},
        "return_for_more_work": note,
    }[action]


def snapshot(case: DesignationCase) -> tuple:
    fresh = DesignationCase.objects.get(pk=case.pk)
    return (
        fresh.state,
        CaseEvent.objects.filter(case=case).count(),
        Warning.objects.filter(case=case).count(),
        fresh.history.count(),
        fresh.decided_by_id,
        fresh.closing_reason,
    )


def test_policy_table_matches_the_model_transitions():
    for name in ACTIONS:
        meta = getattr(DesignationCase, name)._django_fsm
        assert set(meta.transitions) == {SOURCE[name]}, name
        assert meta.transitions[SOURCE[name]].target == TARGET[name], name
    assert set(ACTIONS) == set(SOURCE)


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    """One case per state, and every persona, built once for the matrix class.

    Built inside a transaction held open for the class: each test runs in a savepoint
    inside it (pytest-django's own atomic), so a test that moves a case is rolled back
    before the next one, and the whole world is rolled back when the class is done.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            dirs = {
                "adults": factories.DirectorateFactory(name="Adults", short_name="adults"),
                "children": factories.DirectorateFactory(name="Children", short_name="children"),
                "resources": factories.DirectorateFactory(
                    name="Resources", short_name="resources"
                ),
            }
            users = {role: create_persona(role, dirs) for role in PERSONA_SPECS}
            cases = {
                state: factories.make_case(
                    state,
                    directorate=dirs["adults"],
                    officer=users["officer"],
                    service_manager=users["service_manager"],
                    senior_manager=users["senior_manager"],
                )
                for state in STATES
            }
            yield {"users": users, "cases": cases}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class TestMatrix:
    """Every (state, role, action), against cases built once for the class."""

    @pytest.mark.parametrize("action", list(ACTIONS))
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("state", STATES)
    def test_workflow_matrix(self, world, state, role, action):
        case = world["cases"][state]
        user = world["users"][role]
        before = snapshot(case)
        service = ACTIONS[action].service
        outcome = expected_outcome(state, role, action)

        if outcome is None:
            result = service(
                actor=user, case=case, expected_state=state, **service_kwargs(action, case)
            )
            assert result.state == TARGET[action]
            assert DesignationCase.objects.get(pk=case.pk).state == TARGET[action]
            event = CaseEvent.objects.filter(case=case).order_by("-at", "-id").first()
            assert (event.kind, event.actor, event.from_state, event.to_state) == (
                action,
                user,
                state,
                TARGET[action],
            )
        else:
            with pytest.raises(services.ServiceError) as excinfo:
                service(actor=user, case=case, expected_state=state, **service_kwargs(action, case))
            assert type(excinfo.value) is outcome, excinfo.value.message
            assert snapshot(case) == before, "a refused action must change nothing"

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("state", STATES)
    def test_case_page_buttons_are_the_actions_the_matrix_allows(self, world, state, role):
        case = DesignationCase.objects.get(pk=world["cases"][state].pk)
        user = world["users"][role]
        shown = {action.name for action, _meta in available_actions(case, user)}
        allowed = {a for a in ACTIONS if expected_outcome(state, role, a) is None}
        assert shown == allowed


def test_buttons_are_in_the_order_the_policy_reads(make_case, service_manager):
    case = make_case("referred")
    names = [a.name for a, _ in available_actions(case, service_manager)]
    assert names == ["issue_formal_warning", "skip_warning", "close_referral"]


# --- guards -----------------------------------------------------------------------------------


def _record_alternatives(case, actor, only=None):
    for a in only or Alternative.values:
        services.alternative_record(
            actor=actor,
            case=case,
            alternative=a,
            outcome=AlternativeOutcome.OFFERED,
            reason="Offered at the meeting.",
        )


def _record_preconditions(case, actor, only=None, met=True):
    for p in only or Precondition.values:
        services.precondition_record(
            actor=actor, case=case, precondition=p, met=met, note="Checked the file."
        )


def test_submit_for_decision_refused_until_all_five_preconditions_confirmed(
    make_case, service_manager
):
    case = make_case("assessment", checklist=False)
    _record_alternatives(case, service_manager)
    _record_preconditions(case, service_manager, only=Precondition.values[:4])

    with pytest.raises(services.NotAllowed) as excinfo:
        services.case_submit_for_decision(actor=service_manager, case=case)
    assert excinfo.value.reasons == [
        "Confirm the precondition: the customer is not providing any significant new information"
    ]
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.ASSESSMENT


def test_a_precondition_found_not_met_still_blocks_the_decision(make_case, service_manager):
    case = make_case("assessment", checklist=False)
    _record_alternatives(case, service_manager)
    _record_preconditions(case, service_manager, only=Precondition.values[:4])
    _record_preconditions(case, service_manager, only=[Precondition.NO_NEW_INFO], met=False)

    with pytest.raises(services.NotAllowed) as excinfo:
        services.case_submit_for_decision(actor=service_manager, case=case)
    assert any("significant new information" in r for r in excinfo.value.reasons)

    _record_preconditions(case, service_manager, only=[Precondition.NO_NEW_INFO], met=True)
    case = services.case_submit_for_decision(actor=service_manager, case=case)
    assert case.state == CaseState.AWAITING_DECISION


def test_submit_for_decision_refused_until_all_four_alternatives_recorded(
    make_case, service_manager
):
    case = make_case("assessment", checklist=False)
    _record_preconditions(case, service_manager)
    _record_alternatives(case, service_manager, only=[Alternative.MEETING])

    with pytest.raises(services.NotAllowed) as excinfo:
        services.case_submit_for_decision(actor=service_manager, case=case)
    reasons = excinfo.value.reasons
    assert len(reasons) == 3
    assert all(r.startswith("Record what was done about:") for r in reasons)
    assert any("independent advocate" in r for r in reasons)
    assert any("equality act 2010" in r for r in reasons)


def test_submit_with_nothing_recorded_lists_every_missing_item(make_case, service_manager):
    case = make_case("assessment", checklist=False)
    with pytest.raises(services.NotAllowed) as excinfo:
        services.case_submit_for_decision(actor=service_manager, case=case)
    assert len(excinfo.value.reasons) == 5 + 4
    assert CaseEvent.objects.filter(case=case, kind="submit_for_decision").count() == 0


def test_submit_needs_a_key_officer_when_another_directorate_is_involved(
    make_case, service_manager, officer, children
):
    case = make_case("assessment")
    services.case_set_coordination(
        actor=service_manager, case=case, involved_directorates=[children], key_officer=None
    )
    with pytest.raises(services.NotAllowed) as excinfo:
        services.case_submit_for_decision(actor=service_manager, case=case)
    assert excinfo.value.reasons == ["Name a key officer: more than one directorate is involved"]

    services.case_set_coordination(
        actor=service_manager, case=case, involved_directorates=[children], key_officer=officer
    )
    case = services.case_submit_for_decision(actor=service_manager, case=case)
    assert case.state == CaseState.AWAITING_DECISION


def test_designate_refused_without_a_formal_warning(make_case, senior_manager):
    case = make_case("awaiting_decision")
    # Artificial: a case that reached the decision with its warning unrecorded (a data fix
    # gone wrong); the guard is the last line of defence.
    DesignationCase.objects.filter(pk=case.pk).update(formal_warning=None)

    with pytest.raises(services.NotAllowed) as excinfo:
        services.case_designate(
            actor=senior_manager,
            case=case,
            reasons="Persistent calls about the same matter.",
            indicators=some_indicators(1),
            sanctions=time_limit_sanction(case),
        )
    assert excinfo.value.reasons == [
        "Record a formal warning, or the reason for proceeding without one"
    ]
    fresh = DesignationCase.objects.get(pk=case.pk)
    assert fresh.state == CaseState.AWAITING_DECISION
    assert fresh.decided_by is None


def test_designate_refused_when_the_skip_reason_is_blank(make_case, senior_manager):
    case = make_case("awaiting_decision", warning=WarningSkipKind.SAFETY)
    DesignationCase.objects.filter(pk=case.pk).update(warning_skip_reason="   ")

    with pytest.raises(services.NotAllowed) as excinfo:
        services.case_designate(
            actor=senior_manager,
            case=case,
            reasons="Persistent calls about the same matter.",
            indicators=some_indicators(1),
            sanctions=time_limit_sanction(case),
        )
    assert "Record a formal warning, or the reason for proceeding without one" in (
        excinfo.value.reasons
    )
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.AWAITING_DECISION


def test_designate_allowed_after_a_recorded_safety_skip(make_case, senior_manager):
    case = make_case("awaiting_decision", warning=WarningSkipKind.SAFETY)
    case = services.case_designate(
        actor=senior_manager,
        case=case,
        reasons="Threats to staff at the front desk.",
        indicators=some_indicators(1),
        sanctions=time_limit_sanction(case),
    )
    assert case.state == CaseState.DESIGNATED
    assert case.formal_warning is None


def test_service_manager_cannot_judge_a_warning_ineffective(make_case, service_manager):
    case = make_case("referred")
    with pytest.raises(services.NotAllowed) as excinfo:
        services.case_skip_warning(
            actor=service_manager,
            case=case,
            kind=WarningSkipKind.INEFFECTIVE,
            reason="He ignores every letter.",
        )
    assert "senior manager" in excinfo.value.message
    fresh = DesignationCase.objects.get(pk=case.pk)
    assert (fresh.state, fresh.warning_skip_kind) == (CaseState.REFERRED, "")


def test_senior_manager_may_judge_a_warning_ineffective(make_case, senior_manager):
    case = make_case("referred")
    case = services.case_skip_warning(
        actor=senior_manager,
        case=case,
        kind=WarningSkipKind.INEFFECTIVE,
        reason="Three years of letters have changed nothing.",
    )
    assert case.state == CaseState.ASSESSMENT
    assert case.warning_skip_kind == WarningSkipKind.INEFFECTIVE
    assert case.warning_skipped_by == senior_manager
    assert case.warning_skip_reason == "Three years of letters have changed nothing."


def test_service_manager_may_skip_the_warning_for_staff_safety(make_case, service_manager):
    case = make_case("referred")
    case = services.case_skip_warning(
        actor=service_manager,
        case=case,
        kind=WarningSkipKind.SAFETY,
        reason="Threatened the receptionist with a knife.",
    )
    assert case.state == CaseState.ASSESSMENT
    assert case.warning_skipped_by == service_manager
    assert case.warning_skipped_at is not None


def test_skipping_a_warning_needs_a_reason(make_case, service_manager):
    case = make_case("referred")
    with pytest.raises(services.ServiceError, match="reason for proceeding without a warning"):
        services.case_skip_warning(
            actor=service_manager, case=case, kind=WarningSkipKind.SAFETY, reason="  "
        )
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.REFERRED


def test_unmet_guards_hide_the_submit_button(make_case, service_manager):
    case = make_case("assessment", checklist=False)
    names = {a.name for a, _ in available_actions(case, service_manager)}
    assert "submit_for_decision" not in names
    assert "close_precondition_failed" in names
    complete_checklist(case, service_manager)
    case = DesignationCase.objects.get(pk=case.pk)
    assert "submit_for_decision" in {a.name for a, _ in available_actions(case, service_manager)}


def test_checklist_is_frozen_once_submitted(make_case, service_manager):
    case = make_case("awaiting_decision")
    with pytest.raises(services.CaseChanged):
        services.precondition_record(
            actor=service_manager,
            case=case,
            precondition=Precondition.DISCUSSED,
            met=False,
            note="Changing my mind after submission.",
        )
    assert case.precondition_checks.get(precondition=Precondition.DISCUSSED).met is True


@pytest.mark.parametrize("role", ["officer", "senior_manager", "reviewer", "outsider"])
def test_only_the_cases_service_manager_records_the_checklist(make_case, persona, role):
    case = make_case("assessment", checklist=False)
    with pytest.raises(services.NotAllowed):
        services.precondition_record(
            actor=persona(role),
            case=case,
            precondition=Precondition.DISCUSSED,
            met=True,
            note="Discussed.",
        )
    with pytest.raises(services.NotAllowed):
        services.alternative_record(
            actor=persona(role),
            case=case,
            alternative=Alternative.MEETING,
            outcome=AlternativeOutcome.DONE,
            reason="Met.",
        )
    assert not case.precondition_checks.exists()
    assert not case.alternatives.exists()
