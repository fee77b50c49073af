"""The chronology and history every service writes."""

from __future__ import annotations

import pytest

from cases import services
from cases.models import (
    CaseEvent,
    Precondition,
)

pytestmark = pytest.mark.django_db


# --- chronology and history ---------------------------------------------------------------


def test_each_transition_writes_a_case_event_with_actor_and_states(
    make_case, officer, service_manager, senior_manager
):
    case = make_case("designated")
    transitions = [
        (e.kind, e.actor, e.from_state, e.to_state)
        for e in CaseEvent.objects.filter(case=case).exclude(to_state="").order_by("at", "id")
    ]
    assert transitions == [
        ("refer", officer, "", "referred"),
        ("issue_formal_warning", service_manager, "referred", "warned"),
        ("behaviour_continued", service_manager, "warned", "assessment"),
        ("submit_for_decision", service_manager, "assessment", "awaiting_decision"),
        ("designate", senior_manager, "awaiting_decision", "designated"),
    ]


def test_checklist_entries_are_in_the_chronology_without_a_state_change(make_case, service_manager):
    case = make_case("assessment")
    checklist_events = CaseEvent.objects.filter(case=case, kind__in=["precondition", "alternative"])
    assert checklist_events.count() == 5 + 4
    assert all(e.actor == service_manager for e in checklist_events)
    assert {(e.from_state, e.to_state) for e in checklist_events} == {("", "")}


def test_history_records_the_actor_of_each_change(make_case, service_manager, senior_manager):
    case = make_case("designated")
    history = list(case.history.order_by("history_date", "history_id"))
    # The first history row in each state was written by whoever moved the case there.
    first_in_state = {}
    for row in history:
        first_in_state.setdefault(row.state, row)
    assert list(first_in_state) == [
        "referred",
        "warned",
        "assessment",
        "awaiting_decision",
        "designated",
    ]
    assert first_in_state["warned"].history_user == service_manager
    assert first_in_state["awaiting_decision"].history_user == service_manager
    assert first_in_state["designated"].history_user == senior_manager
    assert first_in_state["referred"].history_user.username == "olivia"

    warning = case.formal_warning
    assert {h.history_user for h in warning.history.all()} == {service_manager}
    check = case.precondition_checks.get(precondition=Precondition.DISCUSSED)
    assert {h.history_user for h in check.history.all()} == {service_manager}


def test_history_keeps_the_old_value_when_a_customer_is_edited(customer, officer):
    services.customer_update(actor=officer, customer=customer, email="new@example.org")
    latest, previous = customer.history.order_by("-history_date", "-history_id")[:2]
    assert (previous.email, latest.email) == ("morgan.he@example.org", "new@example.org")
    assert latest.history_user == officer


def test_editing_a_customer_with_an_open_case_is_in_the_chronology(make_case, officer):
    case = make_case("warned")
    services.customer_update(actor=officer, customer=case.customer, phone="01228 000 111")
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert (event.kind, event.actor) == ("customer_updated", officer)


def test_refused_transition_leaves_no_history(make_case, officer):
    case = make_case("referred")
    count = case.history.count()
    with pytest.raises(services.NotAllowed):
        services.case_close_referral(actor=officer, case=case, note="Not my call.")
    assert case.history.count() == count
