"""The next step is always on the page (issue 9, item 2), and each step has one name
(item 7).

`SCENARIOS` is the policy written out by hand: for a case in each state (and each stage of
a challenge and of the review), which steps are open and whose each is. The walk builds
every scenario through the real services, opens the case page as each role that works on a
case, and checks that the task list lists exactly those steps; that a step links only for
the role that may take it, and its page then opens (200) under the same name; that a step
for someone else names them and does not link; and that "nothing to do" is said only when
nothing is open.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import next_steps, steps
from cases.diagram import transitions
from cases.models import DesignationCase
from letters.services import letter_issue
from reviews import services as review_services
from reviews.models import Challenge, Review
from reviews.sweeps import run_sweep
from tests.conftest import LONDON
from tests.reviews.conftest import MON_1_SEPT, put_in_force

pytestmark = pytest.mark.django_db

ROLES = ("officer", "service_manager", "senior_manager", "reviewer")
NOTHING = re.compile(r"nothing (for you )?to do", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _letters_in_test_storage_and_eager(letter_storage, eager_celery):
    """Letters in the per-test folder; the council notice runs in-process."""


def at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def text(response) -> str:
    return html.unescape(response.content.decode())


# scenario -> {step "subject:name": {role: "link" (theirs to take) or "shown" (not theirs)}}.
# A role missing from a step's entry sees it as someone else's; a role in NOT_VISIBLE does
# not see the case at all (404). "done" marks a step completed on the stage under way.
SM, SEN, OFF, REV = "service_manager", "senior_manager", "officer", "reviewer"
SCENARIOS: dict[str, dict[str, set[str] | str]] = {
    "referred": {
        "case:issue_formal_warning": {SM},
        "case:skip_warning": {SM, SEN},
        "case:close_referral": {SM},
    },
    "warned": {
        "letter:formal_warning": {SM, SEN},
        "case:behaviour_continued": {SM},
        "case:behaviour_stopped": {SM},
    },
    "assessment_to_do": {
        "checklist:preconditions": {SM},
        "checklist:alternatives": {SM},
        "case:submit_for_decision": set(),  # cannot start yet: the checklist is not done
        "case:close_precondition_failed": {SM},
    },
    "assessment_ready": {
        "checklist:preconditions": "done",
        "checklist:alternatives": "done",
        "case:submit_for_decision": {SM},
        "case:close_precondition_failed": {SM},
    },
    "awaiting_decision": {
        "case:designate": {SEN},
        "case:decline": {SEN},
        "case:return_for_more_work": {SEN},
    },
    # The first of the three places a senior manager was told there was nothing to do.
    "designated": {
        "letter:designation": {SEN},
        "notice:inform_council": {SEN},
        "review:decide": set(),  # cannot start yet: not in force
    },
    "designated_letter_sent": {
        "letter:designation": "done",
        "notice:inform_council": {SEN},
        "challenge:record": {OFF, SM, SEN},  # the customer's 14 days have started
        "review:decide": set(),
    },
    "active": {
        "challenge:record": {OFF, SM, SEN},
        "review:decide": {SEN},
    },
    "challenge_late": {
        "challenge:accept_late": {SEN},
        "challenge:refuse_late": {SEN},
        "review:decide": {SEN},
    },
    "challenge_awaiting_reviewer": {
        "challenge:assign_reviewer": {SEN},
        "review:decide": {SEN},
    },
    "challenge_under_review": {
        "challenge:decide": {REV},
        "review:decide": {SEN},
    },
    # The second: a case whose six-month review is open.
    "review_open": {
        "review:decide": {SEN},
    },
    # The third: a lapsed case.
    "lapsed": {
        "review:decide": {SEN},
    },
    "closed": {},
}
# The reviewer of another directorate sees a case only once a challenge to it is theirs.
NOT_VISIBLE = {s: {REV} for s in SCENARIOS if s != "challenge_under_review"}


def build(scenario: str, *, make_case, customer, officer, senior_manager, reviewer,
          time_machine) -> DesignationCase:
    """A case in `scenario`, reached through the services, the clock at a named day."""
    time_machine.move_to(MON_1_SEPT, tick=False)
    simple = {"referred": "referred", "warned": "warned", "awaiting_decision":
              "awaiting_decision", "designated": "designated", "closed": "closed"}
    if scenario in simple:
        return make_case(simple[scenario], customer=customer)
    if scenario == "assessment_to_do":
        return make_case("assessment", customer=customer, checklist=False)
    if scenario == "assessment_ready":
        return make_case("assessment", customer=customer)
    case = make_case("designated", customer=customer)
    if scenario == "designated_letter_sent":
        letter_issue(actor=senior_manager, kind="designation", case=case)
        return DesignationCase.objects.get(pk=case.pk)
    case = put_in_force(case, senior_manager)
    if scenario.startswith("challenge_"):
        on = dt.date(2025, 9, 18) if scenario == "challenge_late" else dt.date(2025, 9, 3)
        time_machine.move_to(at(on), tick=False)
        challenge = review_services.challenge_record(
            actor=officer, case=case, channel="letter", received_on=on,
            grounds="I only called because nobody answered my letters.",
        )
        if scenario == "challenge_under_review":
            review_services.challenge_assign_reviewer(
                actor=senior_manager, challenge=challenge, reviewer=reviewer
            )
    elif scenario == "review_open":
        time_machine.move_to(at(dt.date(2026, 2, 10)), tick=False)
        run_sweep()
        assert case.reviews.filter(status="open").exists()
    elif scenario == "lapsed":
        time_machine.move_to(at(dt.date(2026, 3, 4)), tick=False)
        run_sweep()
    case = DesignationCase.objects.get(pk=case.pk)
    return case


@pytest.fixture
def scenario_case(make_case, customer, officer, senior_manager, reviewer, time_machine):
    def make(scenario: str) -> DesignationCase:
        return build(scenario, make_case=make_case, customer=customer, officer=officer,
                     senior_manager=senior_manager, reviewer=reviewer,
                     time_machine=time_machine)

    return make


def heading(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_state_and_role_shows_what_happens_next(
    scenario, scenario_case, persona, client
):
    case = scenario_case(scenario)
    expected = SCENARIOS[scenario]
    for role in ROLES:
        user = persona(role)
        client.force_login(user)
        response = client.get(case.get_absolute_url())
        if role in NOT_VISIBLE.get(scenario, set()):
            assert response.status_code == 404, (scenario, role)
            continue
        assert response.status_code == 200, (scenario, role)
        page = text(response)
        listed = response.context["next_steps"]["steps"]
        keys = {f"{s.subject}:{s.name}": s for s in listed}
        assert set(keys) == set(expected), (scenario, role, sorted(keys))

        if any(s.is_open for s in listed):
            assert not NOTHING.search(page), (scenario, role)
        else:
            assert "There is nothing to do on this case" in page, (scenario, role)

        for key, whose in expected.items():
            step = keys[key]
            # The task list shows each step by its registered name, and its status.
            assert f'data-step="{key}" data-status="{step.status}"' in page, (key, role)
            assert step.title == steps.get(step.subject, step.name).title
            if whose == "done":
                assert (step.status, step.url) == (next_steps.Status.DONE, ""), (key, role)
                continue
            if role in whose:
                assert step.url, (scenario, role, key, step.status)
                assert step.status in (
                    next_steps.Status.NOW, next_steps.Status.NOT_DUE, next_steps.Status.PERIOD
                ), (scenario, role, key)
                assert f'href="{step.url}"' in page
                opened = client.get(step.url)
                assert opened.status_code == 200, (scenario, role, key, step.url)
                path, _, anchor = step.url.partition("#")
                if anchor:  # a checklist on the case page itself
                    assert f'id="{anchor}"' in text(opened)
                else:  # one name: the link's words are the page's heading
                    assert heading(text(opened)) == step.title, (key, heading(text(opened)))
            else:
                # Someone else's: named, and no link.
                assert step.url == "", (scenario, role, key)
                assert step.who != "You"
                assert step.status in (
                    next_steps.Status.WAITING, next_steps.Status.BLOCKED,
                    next_steps.Status.PERIOD,
                ), (scenario, role, key, step.status)
                if step.status == next_steps.Status.WAITING:
                    assert f"Waiting for {step.who}" in page
                if step.status == next_steps.Status.BLOCKED:
                    assert step.hint and step.hint in page


def test_a_senior_manager_is_told_the_two_steps_that_put_a_designation_in_force(
    scenario_case, senior_manager, login
):
    case = scenario_case("designated")
    page = text(login(senior_manager).get(case.get_absolute_url()))
    assert "nothing for you to do" not in page.lower()
    items = {f"{s.subject}:{s.name}": s for s in next_steps.next_steps(case, senior_manager)}
    letter, notice = items["letter:designation"], items["notice:inform_council"]
    assert (letter.status, notice.status) == (next_steps.Status.NOW, next_steps.Status.NOW)
    # By when: the deadline the daily sweep reminds about (five days after the decision).
    assert letter.due_on == notice.due_on == dt.date(2025, 9, 6)
    assert "By 6 September 2025 (5 days left)" in page


def test_a_lapsed_review_is_overdue_and_the_senior_managers_to_take(
    scenario_case, senior_manager, service_manager
):
    case = scenario_case("lapsed")
    [review] = next_steps.next_steps(case, senior_manager)
    assert (review.status, review.overdue, review.due_on) == (
        next_steps.Status.NOW, True, dt.date(2026, 3, 1)
    )
    [theirs] = next_steps.next_steps(case, service_manager)
    assert (theirs.status, theirs.who, theirs.url) == (
        next_steps.Status.WAITING, "a senior manager of Adults", ""
    )


def test_the_customers_fourteen_days_are_a_step_with_their_last_day(
    scenario_case, officer, reviewer
):
    case = scenario_case("active")
    record = next(s for s in next_steps.next_steps(case, officer) if s.name == "record")
    assert record.status == next_steps.Status.PERIOD
    assert record.status_text == "Waiting for the customer"
    assert record.due_on == dt.date(2025, 9, 15)
    assert "until 15 September 2025" in record.hint
    assert record.url.endswith("/challenges/new/")


def test_a_challenge_under_review_names_the_reviewer(scenario_case, senior_manager):
    case = scenario_case("challenge_under_review")
    decide = next(s for s in next_steps.next_steps(case, senior_manager)
                  if (s.subject, s.name) == (steps.CHALLENGE, "decide"))
    assert decide.who == "Rory Reviewer, the independent reviewer"
    assert decide.status_text == "Waiting for Rory Reviewer, the independent reviewer"
    assert decide.due_on == Challenge.objects.get(case=case).decision_due_on


# --- one name per step ----------------------------------------------------------------------------


def test_no_transition_with_a_page_carries_a_second_name():
    """A step's words come from the registry alone: the buttons, the task list, the page's
    heading and the workflow diagram (the transitions with no page keep their own label)."""
    for model, subject in (
        (DesignationCase, steps.CASE), (Challenge, steps.CHALLENGE), (Review, steps.REVIEW)
    ):
        for step in steps.for_subject(subject):
            method = getattr(model, step.name, None)
            if method is None or not hasattr(method, "_django_fsm"):
                continue
            for transition in method._django_fsm.transitions.values():
                assert "label" not in transition.custom, (subject, step.name)


def test_the_workflow_diagram_names_the_steps_as_their_pages_do():
    names = {name: label for _s, _t, name, label in transitions()}
    for step in steps.for_subject(steps.CASE):
        assert names[step.name] == step.title


# --- the home page -----------------------------------------------------------------------------


def test_home_lists_the_steps_the_case_pages_offer(scenario_case, make_case, senior_manager,
                                                    login):
    designated = scenario_case("designated")
    awaiting = make_case("awaiting_decision")
    make_case("referred")  # a service manager's: a senior manager may only skip the warning
    response = login(senior_manager).get("/")
    page = text(response)
    panel = response.context["panels"]["next_steps"]
    assert {row.case.reference for row in panel["rows"]} == {
        designated.reference, awaiting.reference
    }
    for row in panel["rows"]:
        from_case_page = [
            s for s in next_steps.next_steps(row.case, senior_manager)
            if s.is_yours_now and s.home
        ]
        assert row.steps == from_case_page
        for s in row.steps:
            assert f'href="{s.url}"' in page
    assert 'data-next-steps-count="2"' in page


def _home_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_home_page_queries_do_not_grow_with_the_cases(
    make_case, senior_manager, service_manager, reviewer, client, time_machine,
    django_assert_max_num_queries,
):
    time_machine.move_to(MON_1_SEPT, tick=False)

    def add_cases():
        for state in ("referred", "awaiting_decision", "designated"):
            make_case(state)
        case = make_case("designated")
        case = put_in_force(case, senior_manager)
        challenge = review_services.challenge_record(
            actor=senior_manager, case=case, channel="letter", received_on=dt.date(2025, 9, 1),
            grounds="Please look again at the restrictions.",
        )
        review_services.challenge_assign_reviewer(
            actor=senior_manager, challenge=challenge, reviewer=reviewer
        )

    add_cases()
    counts = {}
    for user in (senior_manager, service_manager, reviewer):
        client.force_login(user)
        counts[user.username] = _home_queries(client, user)
    add_cases()
    add_cases()
    for user in (senior_manager, service_manager, reviewer):
        client.force_login(user)
        with django_assert_max_num_queries(counts[user.username]):
            client.get("/")
    client.force_login(senior_manager)
    panel = client.get("/").context["panels"]["next_steps"]
    assert panel["count"] == 3 * 2  # each batch: one awaiting decision, one designated
