"""Restrictions hold from the minute they come into force, and only then (issue 9, item 1).

A designation is in force from the instant the customer has been sent the letter and the
council informed; a sanction ended early stops at the instant it was ended; a missed review
lapses it by its dates. Every contact is checked at its own time, not today's case state
and not the whole day: back-dated ones, ones logged after the case closed, the front desk's
"check a particular contact" and the API's `at` alike.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from cases import services as case_services
from cases.models import CaseState, Channel
from reviews import services as review_services
from reviews.sweeps import run_sweep
from sanctions.checks import check_contact, sanctions_in_force_at
from sanctions.models import ContactBreach, Sanction, SanctionKind
from tests.sanctions import restrictions
from tests.sanctions.restrictions import add_sanction, london

designated_case = restrictions.designated_case

# Wednesday 8 January 2025: the letter went at 20:00, the council was informed at 20:02.
INFORMED = london(2025, 1, 8, 20, 2)


@pytest.fixture
def in_force_at_2002(designated_case, senior_manager, time_machine):
    """A 15-minute time limit and one call a week, in force from 20:02 on 8 January."""
    add_sanction(designated_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    add_sanction(designated_case, SanctionKind.CALL_LIMIT, calls_per_week=1,
                 call_weekdays="0,1,2,3,4,5,6", call_period="any")
    # Informed at 20:02:40: in force from the minute, 20:02.
    time_machine.move_to(INFORMED + dt.timedelta(seconds=40), tick=False)
    case = restrictions.activate(designated_case, senior_manager)
    assert case.state == CaseState.ACTIVE
    assert set(case.sanctions.values_list("in_force_from", flat=True)) == {INFORMED}
    return case


def log_call(case, officer, at, *, minutes=30, now=None):
    return case_services.contact_log(
        actor=officer, customer=case.customer, directorate=case.lead_directorate,
        channel=Channel.PHONE, direction="inbound", occurred_at=at, handled_by=officer,
        summary="Called about the same decision.", duration_minutes=minutes,
        now=now or at + dt.timedelta(hours=1),
    )


def test_a_call_before_the_council_was_informed_the_same_evening_is_no_breach(
    in_force_at_2002, officer
):
    early = log_call(in_force_at_2002, officer, london(2025, 1, 8, 19, 30), minutes=5)
    assert early.verdict.within_restrictions
    assert not ContactBreach.objects.filter(contact=early).exists()
    # Half an hour after: the 15-minute limit holds.
    late = log_call(in_force_at_2002, officer, london(2025, 1, 8, 20, 30))
    assert [b.kind for b in late.verdict.breaches] == [SanctionKind.TIME_LIMIT]


@pytest.mark.parametrize(
    ("at", "in_force"),
    [(london(2025, 1, 8, 20, 1), False), (london(2025, 1, 8, 20, 2), True)],
)
def test_the_minute_either_side_of_coming_into_force(in_force_at_2002, at, in_force):
    """Contacts are logged to the minute: from the minute of coming into force, not before."""
    verdict = check_contact(customer=in_force_at_2002.customer, channel=Channel.PHONE,
                            at=at, duration_minutes=30)
    assert verdict.within_restrictions is not in_force


def test_the_weekly_count_ignores_calls_made_before_the_limit_was_in_force(
    in_force_at_2002, officer
):
    before = log_call(in_force_at_2002, officer, london(2025, 1, 8, 9, 15), minutes=5)
    assert before.verdict.within_restrictions
    first = log_call(in_force_at_2002, officer, london(2025, 1, 8, 20, 30), minutes=5)
    assert first.verdict.within_restrictions, "the 09:15 call was before the designation"
    second = log_call(in_force_at_2002, officer, london(2025, 1, 9, 10, 0), minutes=5)
    assert [b.kind for b in second.verdict.breaches] == [SanctionKind.CALL_LIMIT]
    assert "this is call 2 this week" in second.verdict.breaches[0].message


def test_a_contact_back_dated_into_a_closed_cases_active_period_is_checked_then(
    in_force_at_2002, officer, senior_manager, letter_storage
):
    lifted_at = london(2025, 7, 1, 15, 0)
    review_services.review_decide(
        actor=senior_manager, case=in_force_at_2002, outcome="lift",
        reasons="The customer has kept to the arrangements for six months.", now=lifted_at,
    )
    in_force_at_2002.refresh_from_db()
    assert in_force_at_2002.state == CaseState.CLOSED
    assert set(in_force_at_2002.sanctions.values_list("in_force_until", flat=True)) == {
        lifted_at
    }
    # Logged a week after the case closed, for a call in June while it was in force.
    june = log_call(in_force_at_2002, officer, london(2025, 6, 10, 10, 0),
                    now=london(2025, 7, 8, 9, 0))
    assert SanctionKind.TIME_LIMIT in [b.kind for b in june.verdict.breaches]
    # The same afternoon as the lift: before it a breach, after it none.
    before = log_call(in_force_at_2002, officer, london(2025, 7, 1, 14, 59),
                      now=london(2025, 7, 8, 9, 0))
    after = log_call(in_force_at_2002, officer, london(2025, 7, 1, 15, 0),
                     now=london(2025, 7, 8, 9, 0))
    assert not before.verdict.within_restrictions
    assert after.verdict.within_restrictions


def test_a_contact_back_dated_into_a_lapse_gap_breaches_nothing(
    designated_case, senior_manager, officer, time_machine, letter_storage
):
    due = dt.date(2025, 6, 30)
    add_sanction(designated_case, SanctionKind.TIME_LIMIT, max_minutes=15, ends_on=due)
    time_machine.move_to(INFORMED, tick=False)
    case = restrictions.activate(designated_case, senior_manager)
    case = review_services.case_set_review_due(
        actor=senior_manager, case=case, due_on=due, why="For the test.",
    )
    # Nobody reviewed it by 30 June: the sweep records the lapse the next morning.
    time_machine.move_to(london(2025, 7, 1, 6, 0), tick=False)
    assert run_sweep().lapses == 1
    # A late review on 10 July at 15:00 continues it: the renewal is in force from then.
    reinstated = london(2025, 7, 10, 15, 0)
    time_machine.move_to(reinstated, tick=False)
    review_services.review_decide(
        actor=senior_manager, case=case, outcome="continue", reasons="Calls still run long.",
        next_review_on=dt.date(2025, 12, 31), now=reinstated,
    )
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE
    renewed = Sanction.objects.get(case=case, starts_on=dt.date(2025, 7, 10))
    assert renewed.in_force_from == reinstated
    checks = {
        at: check_contact(customer=case.customer, channel=Channel.PHONE, at=at,
                          duration_minutes=30).within_restrictions
        for at in (
            london(2025, 6, 30, 23, 0),  # the review day: still in force
            london(2025, 7, 5, 11, 0),  # the gap
            london(2025, 7, 10, 14, 59),  # the day of the late review, before it
            london(2025, 7, 10, 15, 0),  # from the review's decision
        )
    }
    assert list(checks.values()) == [False, True, True, False]


def test_the_front_desk_and_the_api_check_the_moment_asked(
    in_force_at_2002, officer, client
):
    client.force_login(officer)
    page = reverse("frontdesk:check")
    answers = {}
    for when in ("2025-01-08T19:30", "2025-01-08T20:30"):
        response = client.get(page, {
            "customer": in_force_at_2002.customer.reference, "check": "1",
            "channel": "phone", "at": when, "duration_minutes": "30",
        })
        assert response.status_code == 200
        answers[when] = response.context["verdict"].within_restrictions
    assert answers == {"2025-01-08T19:30": True, "2025-01-08T20:30": False}

    token, _ = Token.objects.get_or_create(user=officer)
    api = {}
    for when in ("2025-01-08T19:30", "2025-01-08T20:30"):
        body = client.get(
            "/api/v1/restriction-check/",
            {"customer": in_force_at_2002.customer.reference, "channel": "phone",
             "at": when, "duration_minutes": 30},
            HTTP_AUTHORIZATION=f"Token {token.key}",
        ).json()
        api[when] = body["within_restrictions"]
    assert api == answers


def test_the_migration_dates_existing_sanctions_from_their_designations_coming_into_force(
    in_force_at_2002, senior_manager
):
    """Sanctions made before the instants were stored get them from the chronology (the
    "activate" entry) and their history (the moment their status became "ended")."""
    import importlib

    from django.apps import apps

    from sanctions.services import end_sanctions

    migration = importlib.import_module("sanctions.migrations.0003_sanction_in_force_instants")
    time_limit = in_force_at_2002.sanctions.get(kind=SanctionKind.TIME_LIMIT)
    end_sanctions(actor=senior_manager, case=in_force_at_2002, on=dt.date(2025, 2, 1),
                  reason="Replaced", only=[time_limit], now=london(2025, 2, 1, 11, 0))
    # As the rows were before the columns existed:
    Sanction.objects.filter(case=in_force_at_2002).update(in_force_from=None,
                                                          in_force_until=None)
    migration.backfill(apps, None)
    rows = dict(Sanction.objects.filter(case=in_force_at_2002).values_list(
        "kind", "in_force_from"))
    activated = in_force_at_2002.events.get(kind="activate").at
    assert all(start >= activated for start in rows.values())
    ended = Sanction.objects.get(pk=time_limit.pk)
    assert ended.in_force_until is not None and ended.in_force_until >= ended.in_force_from
    assert Sanction.objects.get(kind=SanctionKind.CALL_LIMIT,
                                case=in_force_at_2002).in_force_until is None


def test_the_sanctions_of_several_instants_are_each_instants_own(in_force_at_2002):
    """`sanctions_in_force_at` reads several instants in one compiled statement, filtered by
    their span and flagged per instant: for any set of instants, each one's sanctions are
    exactly those `Sanction.objects.in_force_at` gives for it alone. One sanction ends
    early at 09:00 on 20 January; the other's last day is 24 January."""
    case = in_force_at_2002
    time_limit, call_limit = case.sanctions.order_by("kind")
    Sanction.objects.filter(pk=time_limit.pk).update(in_force_until=london(2025, 1, 20, 9, 0))
    Sanction.objects.filter(pk=call_limit.pk).update(ends_on=dt.date(2025, 1, 24))
    instants = [london(2025, 1, 8, 20, 1), london(2025, 1, 8, 20, 2),
                london(2025, 1, 20, 8, 59), london(2025, 1, 20, 9, 0),
                london(2025, 1, 24, 23, 59), london(2025, 1, 25, 0, 0)]

    def expected(at):
        return sorted(Sanction.objects.in_force_at(at).filter(case__customer=case.customer)
                      .values_list("pk", flat=True))

    wanted = {at: expected(at) for at in instants}
    assert [len(wanted[at]) for at in instants] == [0, 2, 2, 1, 1, 0]
    for group in ([instants[0]], instants[1:3], instants[2:5], instants[::-1],
                  [instants[3], instants[3]]):
        got = sanctions_in_force_at(case.customer, group)
        assert {at: sorted(s.pk for s in got[at]) for at in group} == {
            at: wanted[at] for at in group}
    assert sanctions_in_force_at(case.customer, [instants[0], instants[-1]]) == {
        instants[0]: [], instants[-1]: []}
