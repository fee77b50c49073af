"""Challenges (step 11): received in writing within 14 days, decided within 28 by an
independent reviewer, with an outcome letter."""

from __future__ import annotations

import datetime as dt

import pytest

from cases import workflow
from cases.choices import EventKind
from cases.models import CaseEvent, CaseState
from letters.models import Letter, LetterKind
from reviews import services
from reviews.models import Challenge, ChallengeOutcome, ChallengeStatus
from sanctions.models import Sanction, SanctionStatus
from tests import factories
from tests.conftest import LONDON
from tests.reviews.conftest import LAST_DAY
from ucp.errors import NotAllowed, ServiceError

pytestmark = pytest.mark.django_db


def record(case, actor, *, on: dt.date | None = None, at: dt.datetime | None = None,
           channel: str = "letter", grounds: str = "I only called because nobody answered."):
    return services.challenge_record(
        actor=actor, case=case, channel=channel, received_on=on, received_at=at,
        grounds=grounds,
    )


def move_to(time_machine, day: dt.date, hour: int = 11) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON), tick=False)


# --- receiving ---------------------------------------------------------------------------------


def test_a_written_request_on_the_last_day_is_in_time(in_force, officer, time_machine):
    move_to(time_machine, LAST_DAY)
    challenge = record(in_force, officer, on=LAST_DAY)
    assert challenge.status == ChallengeStatus.AWAITING_REVIEWER
    assert challenge.is_late is False
    assert challenge.last_valid_day == LAST_DAY
    assert challenge.decision_due_on == LAST_DAY + dt.timedelta(days=28)
    event = in_force.events.get(kind="challenge_received")
    assert "in time" in event.summary and "Letter" in event.details


def test_an_email_at_2359_on_the_14th_day_is_in_time(in_force, officer, time_machine):
    move_to(time_machine, LAST_DAY + dt.timedelta(days=1), hour=9)
    challenge = record(in_force, officer, channel="email",
                       at=dt.datetime.combine(LAST_DAY, dt.time(23, 59), tzinfo=LONDON))
    assert challenge.received_on == LAST_DAY
    assert challenge.is_late is False


def test_a_late_request_is_recorded_and_flagged_not_lost(in_force, officer, time_machine):
    day15 = LAST_DAY + dt.timedelta(days=1)
    move_to(time_machine, day15)
    challenge = record(in_force, officer, channel="web_form",
                       at=dt.datetime.combine(day15, dt.time(0, 1), tzinfo=LONDON))
    assert challenge.is_late is True
    assert challenge.status == ChallengeStatus.LATE
    assert "LATE" in in_force.events.get(kind="challenge_received").summary


def test_accepting_a_late_request_needs_a_senior_managers_reason(
    in_force, officer, service_manager, senior_manager, time_machine
):
    move_to(time_machine, LAST_DAY + dt.timedelta(days=3))
    challenge = record(in_force, officer, on=LAST_DAY + dt.timedelta(days=3))
    with pytest.raises(NotAllowed):
        services.challenge_accept_late(actor=service_manager, challenge=challenge,
                                       reason="He was in hospital.")
    with pytest.raises(ServiceError):
        services.challenge_accept_late(actor=senior_manager, challenge=challenge, reason=" ")
    challenge = services.challenge_accept_late(
        actor=senior_manager, challenge=challenge, reason="He was in hospital until the 17th."
    )
    assert challenge.status == ChallengeStatus.AWAITING_REVIEWER
    assert challenge.late_decided_by == senior_manager
    assert "hospital" in in_force.events.get(kind="challenge_late_accepted").details


def test_a_late_request_not_accepted_is_closed_with_reasons(
    in_force, officer, senior_manager, time_machine
):
    move_to(time_machine, LAST_DAY + dt.timedelta(days=40))
    challenge = record(in_force, officer, on=LAST_DAY + dt.timedelta(days=40))
    challenge = services.challenge_refuse_late(
        actor=senior_manager, challenge=challenge, reason="No reason given for the delay."
    )
    assert challenge.status == ChallengeStatus.NOT_ACCEPTED
    assert in_force.events.filter(kind="challenge_late_refused").exists()


def test_a_telephone_request_is_noted_but_is_not_a_challenge(in_force, officer):
    with pytest.raises(ServiceError, match="in writing"):
        record(in_force, officer, channel="phone")
    event = services.challenge_note_phone_request(actor=officer, case=in_force,
                                                  note="Rang at 10:15 to ask for a review.")
    assert "must be put in writing" in event.summary
    assert not Challenge.objects.exists()


def test_a_request_cannot_be_dated_in_the_future(in_force, officer):
    with pytest.raises(ServiceError, match="future"):
        record(in_force, officer, on=dt.date(2025, 9, 2))


def test_only_a_designation_can_be_challenged(make_case, officer):
    case = make_case("awaiting_decision")
    with pytest.raises(ServiceError):
        record(case, officer, on=dt.date.today())


def test_an_outsider_cannot_record_a_challenge(in_force, outsider):
    with pytest.raises(NotAllowed):
        record(in_force, outsider, on=dt.date(2025, 9, 1))


def test_one_open_challenge_at_a_time(in_force, officer):
    record(in_force, officer, on=dt.date(2025, 9, 1))
    with pytest.raises(ServiceError, match="already has a challenge"):
        record(in_force, officer, on=dt.date(2025, 9, 1))


# --- independence ------------------------------------------------------------------------------


@pytest.fixture
def challenge(in_force, officer):
    return record(in_force, officer, on=dt.date(2025, 9, 1))


def test_the_decider_cannot_review_their_own_decision(challenge, senior_manager):
    from accounts.roles import Role
    from tests.factories import UserFactory

    # Even holding the Independent Reviewer role, the senior manager who decided is refused.
    senior_manager.groups.add(*UserFactory._meta.model.groups.field.related_model.objects.filter(
        name=Role.INDEPENDENT_REVIEWER.label))
    senior_manager.__dict__.pop("_ucp_roles", None)
    with pytest.raises(NotAllowed) as refused:
        services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                           reviewer=senior_manager)
    assert any("made the decision" in r for r in refused.value.reasons)


def test_anyone_in_the_chronology_is_not_independent(challenge, senior_manager, adults):
    from accounts.roles import Role

    # A senior manager reviewer who once confirmed a precondition on the case.
    insider = factories.UserFactory(
        roles=[Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER], directorates=[adults]
    )
    services.challenge_note_phone_request(actor=insider, case=challenge.case, note="Rang.")
    with pytest.raises(NotAllowed) as refused:
        services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                           reviewer=insider)
    assert any("took part in the case" in r for r in refused.value.reasons)
    assert insider not in services.independent_reviewers(challenge.case)


def test_a_reviewer_must_be_a_senior_manager(challenge, senior_manager, resources):
    from accounts.roles import Role

    junior = factories.UserFactory(roles=[Role.INDEPENDENT_REVIEWER], directorates=[resources])
    with pytest.raises(NotAllowed) as refused:
        services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                           reviewer=junior)
    assert any("senior manager" in r for r in refused.value.reasons)


def test_only_the_assigned_reviewer_decides(challenge, senior_manager, reviewer, resources):
    from accounts.roles import Role

    other = factories.UserFactory(
        roles=[Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER], directorates=[resources]
    )
    challenge = services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                                   reviewer=reviewer)
    for who in (other, senior_manager):
        with pytest.raises(NotAllowed):
            services.challenge_decide(actor=who, challenge=challenge, outcome="uphold",
                                      reasons="The designation was fair and proportionate.")
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.UNDER_REVIEW


def test_a_reviewer_who_takes_part_after_assignment_loses_the_decision(
    challenge, senior_manager, reviewer
):
    challenge = services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                                   reviewer=reviewer)
    # Say the reviewer then took a call from the customer and logged it on the case.
    workflow.record_event(challenge.case, actor=reviewer, kind=EventKind.CONTACT_LOGGED,
                          summary="Telephone contact")
    with pytest.raises(NotAllowed, match="no longer independent"):
        services.challenge_decide(actor=reviewer, challenge=challenge, outcome="uphold",
                                  reasons="The designation was fair and proportionate.")
    # The transition's own permission says the same.
    challenge.refresh_from_db()
    assert not challenge.decide._django_fsm.get_transition(challenge.status).has_perm(
        challenge, reviewer
    )


def test_the_reviewer_sees_the_case_only_once_assigned(challenge, senior_manager, reviewer):
    from cases.selectors import cases_for, customers_for

    assert not cases_for(reviewer).filter(pk=challenge.case_id).exists()
    services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                       reviewer=reviewer)
    assert cases_for(reviewer).filter(pk=challenge.case_id).exists()
    assert customers_for(reviewer).filter(pk=challenge.case.customer_id).exists()


# --- outcomes ----------------------------------------------------------------------------------


@pytest.fixture
def assigned(challenge, senior_manager, reviewer):
    return services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                              reviewer=reviewer)


def test_uphold_keeps_the_sanctions_and_writes_to_the_customer(assigned, reviewer):
    letter = services.challenge_decide(actor=reviewer, challenge=assigned, outcome="uphold",
                                       reasons="The restrictions are proportionate.")
    challenge = Challenge.objects.get(pk=assigned.pk)
    assert challenge.status == ChallengeStatus.DECIDED
    assert challenge.outcome == ChallengeOutcome.UPHOLD
    assert challenge.decided_in_time is True
    assert letter.kind == LetterKind.CHALLENGE_OUTCOME
    assert "The decision stands" in letter.html
    assert "proportionate" in letter.html
    case = challenge.case
    assert case.state == CaseState.ACTIVE
    assert case.sanctions.filter(status=SanctionStatus.ACTIVE).count() == 1
    event = case.events.get(kind="challenge_decided")
    assert event.actor == reviewer and "uphold" in event.summary


def test_withdraw_ends_the_designation_and_every_sanction(assigned, reviewer):
    letter = services.challenge_decide(actor=reviewer, challenge=assigned, outcome="withdraw",
                                       reasons="The warning was never sent.")
    case = Challenge.objects.get(pk=assigned.pk).case
    assert case.state == CaseState.CLOSED
    assert case.closing_reason == "withdrawn"
    assert not case.sanctions.filter(status=SanctionStatus.ACTIVE).exists()
    ended = case.sanctions.get()
    assert ended.ended_on == dt.date(2025, 9, 1)
    assert "withdrawn" in ended.ended_reason
    assert "has been withdrawn" in letter.html
    assert not Sanction.objects.in_force(dt.date(2025, 9, 2)).filter(case=case).exists()


def test_vary_replaces_the_sanctions_and_keeps_the_old_ones(assigned, reviewer):
    from tests.factories import time_limit_sanction

    case = assigned.case
    old = case.sanctions.get()
    new_spec = time_limit_sanction(case, minutes=30, ends_on=case.review_due_on)
    letter = services.challenge_decide(actor=reviewer, challenge=assigned, outcome="vary",
                                       reasons="Fifteen minutes is too short for his needs.",
                                       sanctions=new_spec)
    old.refresh_from_db()
    assert old.status == SanctionStatus.ENDED and old.max_minutes == 15
    current = case.sanctions.get(status=SanctionStatus.ACTIVE)
    assert current.max_minutes == 30
    assert old.history.count() >= 2  # created, then ended: the history is kept
    assert "30 minutes" in letter.html and "changed" in letter.html


def test_vary_cannot_run_past_the_review_date(assigned, reviewer):
    from tests.factories import time_limit_sanction

    case = assigned.case
    spec = time_limit_sanction(case, ends_on=case.review_due_on + dt.timedelta(days=1))
    with pytest.raises(ServiceError):
        services.challenge_decide(actor=reviewer, challenge=assigned, outcome="vary",
                                  reasons="Longer.", sanctions=spec)
    assert Challenge.objects.get(pk=assigned.pk).status == ChallengeStatus.UNDER_REVIEW


def test_the_outcome_letter_is_in_large_print_when_needed(assigned, reviewer):
    customer = assigned.case.customer
    customer.large_print = True
    customer.save()
    letter = services.challenge_decide(actor=reviewer, challenge=assigned, outcome="uphold",
                                       reasons="The designation was fair and proportionate.")
    assert letter.large_print is True
    assert Letter.objects.filter(case=assigned.case, kind="challenge_outcome").count() == 1


def test_a_decision_after_28_days_is_recorded_as_late(assigned, reviewer, time_machine):
    move_to(time_machine, assigned.decision_due_on + dt.timedelta(days=2))
    services.challenge_decide(actor=reviewer, challenge=assigned, outcome="uphold",
                              reasons="The designation was fair and proportionate.")
    challenge = Challenge.objects.get(pk=assigned.pk)
    assert challenge.decided_in_time is False
    assert "2 days after the 28 days" in CaseEvent.objects.get(kind="challenge_decided").details
