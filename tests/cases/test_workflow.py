"""The workflow core (`cases.workflow`): typed events, transitions by the table, time as an
argument, and the PDF rendered before the case is locked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from cases import deadlines, services, workflow
from cases.choices import CaseState, EventKind
from cases.models import CaseEvent, DesignationCase
from letters import rendering
from letters import services as letter_services
from reviews import services as review_services
from reviews.models import Review
from reviews.sweeps import run_sweep
from tests.factories import some_indicators, time_limit_sanction
from ucp.errors import CaseChanged, NotAllowed

LONDON_NOON_1_MARCH = timezone.make_aware(dt.datetime(2025, 3, 1, 12, 0))


def test_every_case_transition_has_an_event_kind_of_its_name():
    field = DesignationCase._meta.get_field("state")
    names = {t.name for t in field.get_all_transitions(DesignationCase)}
    # Steps after the decision write the reviews' own kinds (challenge_decided, lapse...).
    after_decision = {"withdraw", "lift", "lapse", "reinstate"}
    assert names - after_decision <= set(EventKind.values)
    assert "lapse" in EventKind.values


def test_an_event_of_an_unknown_kind_is_refused(make_case):
    case = make_case(CaseState.REFERRED)
    with pytest.raises(ValueError):
        workflow.record_event(case, actor=None, kind="something_else", summary="?")
    assert not CaseEvent.objects.filter(kind="something_else").exists()


def test_event_kinds_are_stored_as_choices(make_case):
    case = make_case(CaseState.WARNED)
    kinds = list(case.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [EventKind.REFER, EventKind.ISSUE_FORMAL_WARNING]
    assert case.events.first().get_kind_display() == "Referred"


def test_a_service_given_now_dates_the_step_then(officer, customer, adults, service_manager):
    case, _ = services.case_refer(
        actor=officer, customer=customer, directorate=adults, reason="Daily calls.",
        indicators=some_indicators(), now=LONDON_NOON_1_MARCH,
    )
    case = services.case_close_referral(
        actor=service_manager, case=case, note="Resolved.", now=LONDON_NOON_1_MARCH,
    )
    assert case.referred_at == LONDON_NOON_1_MARCH
    assert case.closed_at == LONDON_NOON_1_MARCH
    assert [e.at for e in case.events.all()] == [LONDON_NOON_1_MARCH] * 2
    # History rows are dated by the same `now`.
    assert {h.history_date for h in case.history.all()} == {LONDON_NOON_1_MARCH}


def test_a_designation_made_with_an_earlier_now_has_its_review_six_months_from_then(
    make_case, senior_manager
):
    case = make_case(CaseState.AWAITING_DECISION)
    then = timezone.now() - dt.timedelta(days=40)
    day = timezone.localdate(then)
    case = services.case_designate(
        actor=senior_manager, case=case, reasons="Persistent calls about the same matter.",
        indicators=some_indicators(),
        sanctions=time_limit_sanction(case, starts_on=day, ends_on=deadlines.review_due(day)),
        now=then,
    )
    assert (case.decided_at, case.designated_on) == (then, day)
    assert case.review_due_on == deadlines.review_due(day)
    assert case.events.get(kind=EventKind.DESIGNATE).at == then


def test_nobody_can_take_the_system_step_in_person(make_case, senior_manager):
    case = make_case(CaseState.DESIGNATED)
    locked = workflow.lock_case(case)
    locked.customer_notified_on = timezone.localdate()
    locked.council_informed_at = timezone.now()
    workflow.take(locked, "activate", actor=senior_manager)
    assert locked.state == CaseState.ACTIVE
    with pytest.raises(NotAllowed):
        workflow.take(locked, "lapse", actor=senior_manager)


def test_a_transition_refused_by_state_says_the_case_changed(make_case, service_manager):
    case = make_case(CaseState.REFERRED)
    with pytest.raises(CaseChanged):
        services.case_behaviour_continued(
            actor=service_manager, case=case, expected_state=CaseState.WARNED, note="More."
        )


def test_the_sweep_run_as_of_a_later_day_lapses_an_unreviewed_designation(
    make_case, senior_manager
):
    case = make_case(CaseState.DESIGNATED)
    locked = workflow.lock_case(case)
    locked.customer_notified_on = timezone.localdate()
    locked.council_informed_at = timezone.now()
    workflow.take(locked, "activate", actor=senior_manager)
    # Move the review date into the past through its named service.
    review_services.case_set_review_due(
        actor=senior_manager, case=locked, due_on=timezone.localdate() - dt.timedelta(days=2),
        why="For the test.",
    )
    later = timezone.now() + dt.timedelta(minutes=1)
    report = run_sweep(now=later)
    case.refresh_from_db()
    assert report.lapses == 1 and case.state == CaseState.LAPSED
    lapse = case.events.get(kind=EventKind.LAPSE)
    assert lapse.at == later and lapse.from_state == CaseState.ACTIVE
    assert Review.objects.get(case=case).lapsed_at == later
    assert run_sweep(now=later).lapses == 0  # idempotent


@pytest.mark.django_db(transaction=True)
def test_the_designation_letter_pdf_is_rendered_outside_the_transaction(
    reference_data, monkeypatch, letter_storage, make_case, senior_manager
):
    """The PDF takes about half a second; rendered under the case's row lock it would hold
    up everyone else on the case. It is rendered before the transaction that locks."""
    case = make_case(CaseState.DESIGNATED)
    seen = []

    def spy(html: str) -> bytes:
        seen.append(connection.in_atomic_block)
        return b"%PDF-1.4\n%%EOF\n"

    monkeypatch.setattr(rendering, "html_to_pdf", spy)
    letter = letter_services.letter_issue(actor=senior_manager, kind="designation", case=case)
    assert seen == [False]
    assert letter.pdf.read().startswith(b"%PDF")
