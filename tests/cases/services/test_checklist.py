"""Preconditions, alternatives and co-ordination (cases.services.checklist)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases import services
from cases.models import (
    CaseEvent,
    CaseState,
    DesignationCase,
    Precondition,
)
from tests.conftest import TUE_3_JUNE
from tests.factories import (
    complete_checklist,
)

pytestmark = pytest.mark.django_db


# --- checklist ---------------------------------------------------------------------------------


def test_recording_a_precondition_again_updates_it(make_case, service_manager, time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)
    case = make_case("assessment", checklist=False)
    services.precondition_record(
        actor=service_manager,
        case=case,
        precondition=Precondition.DISCUSSED,
        met=False,
        note="Not yet discussed.",
    )
    services.precondition_record(
        actor=service_manager,
        case=case,
        precondition=Precondition.DISCUSSED,
        met=True,
        note="Discussed with the team on 3 June.",
    )
    check = case.precondition_checks.get()
    assert (check.met, check.note, check.confirmed_on) == (
        True,
        "Discussed with the team on 3 June.",
        dt.date(2025, 6, 3),
    )


def test_a_precondition_cannot_be_confirmed_in_the_future(make_case, service_manager, time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)
    case = make_case("assessment", checklist=False)
    with pytest.raises(services.ServiceError, match="future"):
        services.precondition_record(
            actor=service_manager,
            case=case,
            precondition=Precondition.DISCUSSED,
            met=True,
            note="Will discuss.",
            confirmed_on=dt.date(2025, 6, 4),
        )
    assert not case.precondition_checks.exists()


def test_the_key_officer_must_work_in_one_of_the_cases_directorates(
    make_case, service_manager, outsider, children
):
    case = make_case("assessment")
    with pytest.raises(services.ServiceError, match="key officer"):
        services.case_set_coordination(
            actor=service_manager, case=case, involved_directorates=[], key_officer=outsider
        )
    case.refresh_from_db()
    assert case.key_officer is None

    services.case_set_coordination(
        actor=service_manager, case=case, involved_directorates=[children], key_officer=outsider
    )
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.key_officer == outsider
    assert children in case.customer.directorates.all()
    event = CaseEvent.objects.filter(case=case, kind="coordination").get()
    assert "Children" in event.summary and "Oscar Outsider" in event.summary


def test_a_key_officer_without_a_staff_profile_is_refused(make_case, service_manager):
    from django.contrib.auth import get_user_model

    case = make_case("assessment")
    stranger = get_user_model().objects.create_user("noprofile", password="x")
    with pytest.raises(services.ServiceError, match="key officer"):
        services.case_set_coordination(
            actor=service_manager, case=case, involved_directorates=[], key_officer=stranger
        )


def test_full_checklist_then_submit(make_case, service_manager):
    case = make_case("assessment", checklist=False)
    complete_checklist(case, service_manager)
    case = services.case_submit_for_decision(actor=service_manager, case=case, note="Ready.")
    assert case.state == CaseState.AWAITING_DECISION
