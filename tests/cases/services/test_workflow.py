"""The designation case from referral to decision (cases.services.workflow)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases import services
from cases.models import (
    Alternative,
    AlternativeOutcome,
    CaseEvent,
    CaseState,
    ClosingReason,
    DesignationCase,
    Warning,
    WarningKind,
)
from tests.conftest import LONDON
from tests.factories import (
    ContactFactory,
    time_limit_sanction,
)

pytestmark = pytest.mark.django_db


# --- referral ---------------------------------------------------------------------------------


def test_refer_opens_a_case_in_referred_with_its_evidence(customer, officer, adults, indicators):
    contact = ContactFactory(customer=customer, directorate=adults, handled_by=officer)
    case, created = services.case_refer(
        actor=officer,
        customer=customer,
        directorate=adults,
        reason="Daily calls.",
        indicators=indicators[:2],
        evidence_contacts=[contact],
    )
    assert created
    assert case.state == CaseState.REFERRED
    assert case.referred_by == officer
    assert case.reference.startswith("UCP-")
    assert list(case.evidence_contacts.all()) == [contact]
    assert set(case.referral_indicators.all()) == set(indicators[:2])


def test_only_officers_refer(customer, service_manager, adults, indicators):
    with pytest.raises(services.NotAllowed):
        services.case_refer(
            actor=service_manager,
            customer=customer,
            directorate=adults,
            reason="x",
            indicators=indicators,
        )
    assert not DesignationCase.objects.exists()


def test_refer_needs_a_reason_and_an_indicator(customer, officer, adults, indicators):
    with pytest.raises(services.ServiceError, match="Enter why"):
        services.case_refer(
            actor=officer,
            customer=customer,
            directorate=adults,
            reason="   ",
            indicators=indicators,
        )
    with pytest.raises(services.ServiceError, match="at least one indicator"):
        services.case_refer(
            actor=officer, customer=customer, directorate=adults, reason="Calls", indicators=[]
        )
    assert not DesignationCase.objects.exists()


def test_refer_refuses_evidence_about_another_customer(customer, officer, adults, indicators):
    stranger_contact = ContactFactory(directorate=adults, handled_by=officer)
    with pytest.raises(services.ServiceError, match="contacts with this customer"):
        services.case_refer(
            actor=officer,
            customer=customer,
            directorate=adults,
            reason="Calls",
            indicators=indicators,
            evidence_contacts=[stranger_contact],
        )
    assert not DesignationCase.objects.exists()


def test_a_second_referral_from_another_directorate_joins_the_open_case(
    make_case, outsider, children, indicators
):
    case = make_case("warned")
    case.customer.directorates.add(children)
    joined, created = services.case_refer(
        actor=outsider,
        customer=case.customer,
        directorate=children,
        reason="Also calling the children's team.",
        indicators=indicators[2:3],
    )
    assert (joined.pk, created) == (case.pk, False)
    assert list(joined.involved_directorates.all()) == [children]
    assert DesignationCase.objects.filter(customer=case.customer).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="further_referral").count() == 1
    assert joined.is_cross_directorate


def test_a_closed_case_does_not_stop_a_new_referral(make_case, officer, adults, indicators):
    closed = make_case("closed")
    case, created = services.case_refer(
        actor=officer,
        customer=closed.customer,
        directorate=adults,
        reason="Started again.",
        indicators=indicators,
    )
    assert created and case.pk != closed.pk


# --- decisions --------------------------------------------------------------------------------


def test_designate_records_the_decision_and_its_reasons(make_case, senior_manager, indicators):
    case = make_case("awaiting_decision")
    case = services.case_designate(
        actor=senior_manager,
        case=case,
        reasons="Forty calls in a month.",
        indicators=indicators[:1],
        sanctions=time_limit_sanction(case),
    )
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.state == CaseState.DESIGNATED
    assert case.decided_by == senior_manager
    assert case.decision_reasons == "Forty calls in a month."
    assert list(case.decision_indicators.all()) == indicators[:1]
    assert case.designated_on is not None


def test_designated_on_is_the_london_date_just_after_midnight(
    make_case, senior_manager, indicators, time_machine
):
    """00:30 on Wednesday 4 June in London is still 3 June in UTC: the decision's date (which
    the 14-day challenge and 6-month review run from) is the council's date."""
    case = make_case("awaiting_decision")
    time_machine.move_to(dt.datetime(2025, 6, 4, 0, 30, tzinfo=LONDON), tick=False)
    case = services.case_designate(
        actor=senior_manager,
        case=case,
        reasons="Persistent calls about the same matter.",
        indicators=indicators[:1],
        sanctions=time_limit_sanction(case),
    )
    assert DesignationCase.objects.get(pk=case.pk).designated_on == dt.date(2025, 6, 4)


def test_decline_closes_with_the_senior_managers_reasons(make_case, senior_manager):
    case = make_case("awaiting_decision")
    case = services.case_decline(actor=senior_manager, case=case, reasons="Behaviour improved.")
    assert case.state == CaseState.CLOSED
    assert case.closing_reason == ClosingReason.NOT_DESIGNATED
    assert case.closing_note == "Behaviour improved."
    assert case.decided_by == senior_manager
    assert case.closed_at is not None


def test_designation_needs_reasons_and_indicators(make_case, senior_manager, indicators):
    case = make_case("awaiting_decision")
    with pytest.raises(services.ServiceError, match="reasons"):
        services.case_designate(
            actor=senior_manager,
            case=case,
            reasons=" ",
            indicators=indicators,
            sanctions=time_limit_sanction(case),
        )
    with pytest.raises(services.ServiceError, match="indicators"):
        services.case_designate(
            actor=senior_manager,
            case=case,
            reasons="Persistent calls about the same matter.",
            indicators=[],
            sanctions=time_limit_sanction(case),
        )
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.AWAITING_DECISION


def test_return_for_more_work_reopens_the_checklist(make_case, senior_manager, service_manager):
    case = make_case("awaiting_decision")
    case = services.case_return_for_more_work(
        actor=senior_manager, case=case, note="Offer the advocate again."
    )
    assert case.state == CaseState.ASSESSMENT
    services.alternative_record(
        actor=service_manager,
        case=case,
        alternative=Alternative.ADVOCATE,
        outcome=AlternativeOutcome.DECLINED,
        reason="Declined on 4 June.",
    )
    assert case.alternatives.get(alternative=Alternative.ADVOCATE).outcome == "declined"


def test_formal_warning_must_be_in_writing(make_case, service_manager, indicators):
    case = make_case("referred")
    with pytest.raises(services.ServiceError, match="in writing"):
        services.case_issue_formal_warning(
            actor=service_manager,
            case=case,
            method="phone",
            given_on=dt.date(2025, 6, 3),
            behaviours=indicators,
            summary="Stop.",
        )
    assert not Warning.objects.filter(case=case).exists()


def test_formal_warning_is_linked_to_the_case(make_case, service_manager, indicators):
    case = make_case("referred")
    case = services.case_issue_formal_warning(
        actor=service_manager,
        case=case,
        method="email",
        given_on=dt.date(2025, 6, 3),
        behaviours=indicators[:1],
        summary="Your emails must stop.",
    )
    warning = case.formal_warning
    assert (warning.kind, warning.case_id, warning.given_by) == (
        WarningKind.FORMAL,
        case.pk,
        service_manager,
    )


def test_expected_state_mismatch_raises_case_changed_and_saves_nothing(make_case, service_manager):
    case = make_case("warned")
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(services.CaseChanged):
        services.case_close_referral(
            actor=service_manager, case=case, expected_state="referred", note="Stale page."
        )
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.WARNED
    assert CaseEvent.objects.filter(case=case).count() == events
