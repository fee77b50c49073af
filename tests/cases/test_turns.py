"""The home page reads only the cases whose stored turns name the user (issue 13), and
still lists exactly what `next_steps` over every case says, in the same order.

- the oracle: a world with a case in every scenario of `test_next_steps` (every state, each
  stage of a challenge and of the review), and the home rows of each managing role compared
  with `next_steps()` asked of every case;
- the turns stay true: after each scenario's services, and after the services that change
  a case without a transition (the coordination's many-to-many, a challenge decided, a
  review decided, a case closed), the stored rows equal a fresh computation;
- time: an early six-month review is due from midnight of its first day; the page shows it
  a minute after, not a minute before, with no sweep run in between.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from cases import next_steps, turns, workflow
from cases.choices import EventKind
from cases.models import TURN_ORDER, CaseTurn, DesignationCase
from cases.selectors import cases_for
from cases.services import case_set_coordination
from reviews import services as review_services
from reviews.models import ChallengeOutcome
from tests import factories
from tests.cases.test_next_steps import SCENARIOS, at, build
from tests.conftest import LONDON
from tests.reviews.conftest import put_in_force
from ucp.errors import CaseChanged

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _letters_in_test_storage_and_eager(letter_storage, eager_celery):
    """Letters in the per-test folder; the council notice runs in-process."""


def _row(turn: CaseTurn) -> tuple:
    return (turn.case_id, turn.role, turn.directorate_id, turn.person_id, turn.available_from,
            turn.due_on, turn.urgency, turn.review_due_on, turn.case_updated_at)


def assert_turns_true() -> None:
    ids = list(DesignationCase.objects.values_list("pk", flat=True))
    stored = sorted((_row(t) for t in CaseTurn.objects.all()), key=repr)
    assert stored == sorted((_row(t) for t in turns.computed(ids)), key=repr)


def oracle(user, now: dt.datetime) -> list[tuple[str, list[str]]]:
    """Every case the user sees, asked of `next_steps`, in the home page's order."""
    rows = []
    for case in cases_for(user).exclude(state__in=turns.NO_TURNS):
        mine = [s for s in next_steps.next_steps(case, user, now=now)
                if s.is_yours_now and s.home]
        if mine:
            row = next_steps.HomeRow(case=case, steps=mine)
            key = next_steps._order_key(row.due_on, turns.urgency_of(case.state),
                                        case.review_due_on, case.updated_at, case.pk)
            rows.append((key, case.reference, [f"{s.subject}:{s.name}" for s in mine]))
    return [(ref, names) for _key, ref, names in sorted(rows)]


def shown(user, now: dt.datetime, limit: int) -> dict:
    result = next_steps.home_steps(user, now=now, limit=limit)
    result["names"] = [
        (r.case.reference, [f"{s.subject}:{s.name}" for s in r.steps]) for r in result["rows"]
    ]
    return result


@pytest.fixture
def world(make_case, adults, officer, senior_manager, reviewer, time_machine):
    """A case in every scenario, each its own customer, built through the services."""
    made = {}
    for scenario in SCENARIOS:
        customer = factories.CustomerFactory(directorates=[adults])
        made[scenario] = build(scenario, make_case=make_case, customer=customer,
                               officer=officer, senior_manager=senior_manager,
                               reviewer=reviewer, time_machine=time_machine)
    return made


@pytest.mark.parametrize("role", ["service_manager", "senior_manager", "reviewer"])
def test_home_rows_are_what_next_steps_says_of_every_case(role, world, request,
                                                          time_machine):
    user = request.getfixturevalue(role)
    # Between the scenarios' dates and after: before and after the reviews fall due.
    for day in (dt.date(2025, 9, 20), dt.date(2026, 2, 10), dt.date(2026, 3, 4)):
        now = at(day, 12)
        time_machine.move_to(now, tick=False)
        expected = oracle(user, now)
        assert expected, f"the world gives {role} nothing to do on {day}"
        every = shown(user, now, limit=100)
        assert every["names"] == expected
        assert every["scanned_all"] and every["count"] == len(expected)
        # Capped: the soonest due first, the same order, and the count says there are more.
        for limit in (1, 2, 3):
            capped = shown(user, now, limit=limit)
            assert capped["names"] == expected[:limit]
            assert capped["more"] == (len(expected) > limit)
            assert capped["count"] >= min(len(expected), limit + 1) or capped["scanned_all"]


def test_a_case_in_two_of_the_users_directorates_is_listed_once_in_its_place(
    world, children, service_manager, senior_manager, time_machine, monkeypatch,
):
    """A case with turns in both of a senior manager's directorates (the lead and an
    involved one) has two turns for them; the home page reads turns, not cases, along one
    index branch per role and directorate, and must still list each case once, at its
    place, however small the batch."""
    senior_manager.staff_profile.directorates.add(children)
    senior_manager.refresh_from_db()
    cases = [case for case in world.values() if isinstance(case, DesignationCase)]
    for case in cases:
        try:
            case_set_coordination(actor=service_manager, case=case,
                                  key_officer=service_manager, involved_directorates=[children])
        except CaseChanged:
            pass  # the coordination is fixed once the case is referred
    now = at(dt.date(2026, 2, 10), 12)
    time_machine.move_to(now, tick=False)
    user = type(senior_manager).objects.get(pk=senior_manager.pk)
    doubled = {turn.case_id for turn in CaseTurn.objects.filter(
        role="senior_manager", directorate=children)}
    assert doubled & {turn.case_id for turn in CaseTurn.objects.filter(
        role="senior_manager", directorate__short_name="adults")}, "no case has two turns"
    expected = oracle(user, now)
    assert len(expected) >= 3
    assert shown(user, now, limit=100)["names"] == expected
    for limit in (1, 2, 3):
        assert shown(user, now, limit=limit)["names"] == expected[:limit]
    # A first batch of one case, then two, four...: a case's second turn comes in a later
    # batch than its first, and must not list it again.
    monkeypatch.setattr(next_steps, "HOME_BATCH_SLACK", 1 - len(expected))
    monkeypatch.setattr(next_steps, "HOME_MAX_BATCHES", 12)
    every = shown(user, now, limit=len(expected))
    assert every["names"] == expected and every["count"] == len(expected)
    got = turns.candidates(user, now, ["senior_manager"], [adults_id(user), children.pk], 1000)
    firsts = []
    for turn in got:
        if turn[-1] not in firsts:
            firsts.append(turn[-1])
    assert len(got) > len(firsts), "the candidates are turns, with a case's turns repeated"
    assert got == sorted(got, key=lambda turn: next_steps._order_key(*turn))


def adults_id(user) -> int:
    return user.staff_profile.directorates.get(short_name="adults").pk


def test_an_independent_reviewer_who_took_part_is_not_offered_the_decision(
    world, reviewer, time_machine
):
    case = world["challenge_under_review"]
    now = at(dt.date(2025, 9, 20), 12)
    time_machine.move_to(now, tick=False)
    assert [ref for ref, _ in shown(reviewer, now, 10)["names"]] == [case.reference]
    # The reviewer took part since (a chronology entry of theirs): the turn still names
    # them, `next_steps` no longer offers them the step, and the page agrees.
    workflow.record_event(case, actor=reviewer, kind=EventKind.CONTACT_LOGGED,
                          summary="Telephone contact")
    assert CaseTurn.objects.filter(case=case, person=reviewer).exists()
    assert shown(reviewer, now, 10)["names"] == [] == oracle(reviewer, now)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_scenarios_services_leave_the_turns_true(scenario, make_case, customer, officer,
                                                       senior_manager, reviewer,
                                                       time_machine):
    build(scenario, make_case=make_case, customer=customer, officer=officer,
          senior_manager=senior_manager, reviewer=reviewer, time_machine=time_machine)
    assert_turns_true()


def test_the_services_without_a_transition_leave_the_turns_true(
    make_case, adults, children, officer, service_manager, senior_manager, reviewer,
    time_machine,
):
    time_machine.move_to(at(dt.date(2025, 9, 1)), tick=False)
    assessment = make_case("assessment", checklist=True)
    # Another directorate involved: a key officer is then owed, and Children's managers
    # may now have the case's steps.
    case_set_coordination(actor=service_manager, case=assessment, key_officer=None,
                          involved_directorates=[children])
    assert CaseTurn.objects.filter(case=assessment, directorate=children).exists()
    assert_turns_true()
    case_set_coordination(actor=service_manager, case=assessment, key_officer=service_manager,
                          involved_directorates=[children])
    assert_turns_true()

    case = put_in_force(make_case("designated"), senior_manager)
    time_machine.move_to(at(dt.date(2025, 9, 3)), tick=False)
    challenge = review_services.challenge_record(
        actor=officer, case=case, channel="letter", received_on=dt.date(2025, 9, 3),
        grounds="I only called because nobody answered my letters.",
    )
    assert_turns_true()
    review_services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                              reviewer=reviewer)
    assert CaseTurn.objects.filter(case=case, person=reviewer).exists()
    assert_turns_true()
    challenge.refresh_from_db()
    review_services.challenge_decide(
        actor=reviewer, challenge=challenge, outcome=ChallengeOutcome.UPHOLD,
        reasons="The restrictions are proportionate.",
    )
    assert not CaseTurn.objects.filter(case=case, person=reviewer).exists()
    assert_turns_true()


def test_an_early_review_is_on_the_home_page_from_midnight_of_its_first_day(
    make_case, senior_manager, time_machine
):
    time_machine.move_to(at(dt.date(2025, 9, 1)), tick=False)
    case = put_in_force(make_case("designated"), senior_manager)
    opens = turns.CaseTurn.objects.filter(case=case, available_from__isnull=False).first()
    assert opens is not None
    first = opens.available_from.astimezone(LONDON)
    assert (first.hour, first.minute) == (0, 0)

    def listed(now):
        time_machine.move_to(now, tick=False)
        return case.reference in [ref for ref, _ in shown(senior_manager, now, 100)["names"]]

    assert not listed(first - dt.timedelta(minutes=1))
    assert listed(first + dt.timedelta(minutes=1))
    # Nothing was written in between: the instant decided it.
    assert opens.available_from == CaseTurn.objects.get(pk=opens.pk).available_from



def _every_turn(user, now, roles, directorate_ids) -> list[tuple]:
    """The oracle for `candidates`: every turn the user matches, one plain ordered query."""
    by_role = Q(role__in=list(roles))
    if directorate_ids is not None:
        by_role &= Q(directorate_id__in=list(directorate_ids))
    return list(
        CaseTurn.objects.filter(by_role | Q(person=user))
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=now))
        .order_by(*turns.ORDER).values_list(*TURN_ORDER)
    )


@pytest.mark.parametrize("shape", ["per directorate", "council-wide", "past the branch cap"])
def test_the_candidates_are_every_matching_turn_in_order_whatever_the_branches(
    shape, world, children, service_manager, senior_manager, monkeypatch,
):
    """Each shape of `_branches`: a branch per role and directorate, one per role for a
    council-wide user (None), and one per role with the directorates as a filter past
    MAX_BRANCHES; cut at every length, the turns are the oracle's, in its order."""
    for case in world.values():
        if isinstance(case, DesignationCase):
            try:
                case_set_coordination(actor=service_manager, case=case,
                                      key_officer=service_manager,
                                      involved_directorates=[children])
            except CaseChanged:
                pass  # the coordination is fixed once the case is referred
    roles = ["senior_manager", "service_manager"]
    directorates = None if shape == "council-wide" else [adults_id(senior_manager),
                                                         children.pk]
    if shape == "past the branch cap":
        monkeypatch.setattr(turns, "MAX_BRANCHES", 1)
    now = at(dt.date(2026, 2, 10), 12)
    expected = _every_turn(senior_manager, now, roles, directorates)
    assert len(expected) > 4
    for upto in (1, 3, len(expected), len(expected) + 5):
        got = turns.candidates(senior_manager, now, roles, directorates, upto)
        assert got == expected[:upto]
