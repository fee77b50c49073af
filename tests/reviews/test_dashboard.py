"""The deadline dashboard (/deadlines/): what is due this week, what is overdue and what was
decided lately, per directorate, with the days counted from frozen, named dates.

The customer in `in_force` is designated and told on Monday 1 September 2025: the last day to
ask for a review is Monday 15 September, and the six-month review is due Sunday 1 March 2026.
A request received on 1 September must be decided by Monday 29 September.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from reviews import services
from tests import factories
from tests.conftest import LONDON
from tests.reviews.conftest import put_in_force

pytestmark = pytest.mark.django_db

WED_10_SEPT = dt.date(2025, 9, 10)
FRI_26_SEPT = dt.date(2025, 9, 26)
MON_29_SEPT = dt.date(2025, 9, 29)
FRI_3_OCT = dt.date(2025, 10, 3)
TUE_24_FEB = dt.date(2026, 2, 24)
THU_5_MARCH = dt.date(2026, 3, 5)

DASHBOARD = "/deadlines/"


def move_to(time_machine, day: dt.date, hour: int = 11) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON), tick=False)


def page_of(client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def section(page: str, heading_id: str) -> str:
    """The part of the page under one h2, up to the next."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("<h2", start)
    return page[start:end if end != -1 else None]


def row(part: str, reference: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row" data-row="[a-z]+-{reference}">(.*?)</tr>',
                      part)
    assert match, f"no row for {reference}"
    return match.group(1)


@pytest.fixture
def challenge(in_force, officer):
    return services.challenge_record(actor=officer, case=in_force, channel="letter",
                                     received_on=dt.date(2025, 9, 1), grounds="Unfair.")


@pytest.fixture
def assigned(challenge, senior_manager, reviewer):
    return services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                              reviewer=reviewer)


def test_the_url_is_named_and_linked_from_the_header(senior_manager, login):
    assert reverse("reviews:deadlines") == DASHBOARD
    page = html.unescape(login(senior_manager).get(DASHBOARD).content.decode())
    assert 'aria-current="page"' in page and ">Deadlines<" in page


def test_a_challenge_window_closing_is_due_this_week(in_force, senior_manager, login,
                                                     time_machine):
    move_to(time_machine, WED_10_SEPT)
    page = page_of(login(senior_manager))
    due = section(page, "due-this-week")
    line = row(due, in_force.reference)
    assert "Last day for the customer to ask for a review" in line
    assert "Mon 15 Sep 2025" in line and "5 days left" in line
    assert 'data-directorate="Adults"' in due
    assert in_force.customer.full_name in line
    assert f'href="{in_force.get_absolute_url()}#challenge-window"' in line
    assert "Nothing is overdue." in section(page, "overdue")


def test_a_window_with_a_request_already_received_is_not_listed(challenge, senior_manager,
                                                                login, time_machine):
    move_to(time_machine, WED_10_SEPT)
    due = section(page_of(login(senior_manager)), "due-this-week")
    assert "Last day for the customer to ask for a review" not in due


def test_a_challenge_decision_due_in_three_days(assigned, senior_manager, login, time_machine):
    move_to(time_machine, FRI_26_SEPT)
    line = row(section(page_of(login(senior_manager)), "due-this-week"),
               assigned.case.reference)
    assert "Challenge decision (independent reviewer Rory Reviewer)" in line
    assert "Mon 29 Sep 2025" in line and "3 days left" in line


def test_a_challenge_decision_due_today(challenge, senior_manager, login, time_machine):
    move_to(time_machine, MON_29_SEPT)
    line = row(section(page_of(login(senior_manager)), "due-this-week"),
               challenge.case.reference)
    assert "no independent reviewer assigned yet" in line and "Due today" in line


def test_an_undecided_challenge_after_28_days_is_overdue(assigned, senior_manager, login,
                                                         time_machine):
    move_to(time_machine, FRI_3_OCT)
    page = page_of(login(senior_manager))
    line = row(section(page, "overdue"), assigned.case.reference)
    assert "Challenge decision" in line and "4 days overdue" in line
    assert "govuk-tag--red" in line
    assert "Nothing is due in the next 7 days." in section(page, "due-this-week")


def test_the_six_month_review_due_this_week(in_force, senior_manager, login, time_machine):
    move_to(time_machine, TUE_24_FEB)
    line = row(section(page_of(login(senior_manager)), "due-this-week"), in_force.reference)
    assert "Six-month review" in line
    assert "Sun 1 Mar 2026" in line and "5 days left" in line


def test_a_review_past_its_date_is_overdue_even_before_the_sweep_runs(
    in_force, senior_manager, login, time_machine
):
    move_to(time_machine, THU_5_MARCH)
    line = row(section(page_of(login(senior_manager)), "overdue"), in_force.reference)
    assert "Six-month review" in line and "4 days overdue" in line


def test_a_lapsed_designation_is_overdue(in_force, senior_manager, login, time_machine):
    move_to(time_machine, THU_5_MARCH)
    in_force.lapse()
    in_force.save()
    line = row(section(page_of(login(senior_manager)), "overdue"), in_force.reference)
    assert "Six-month review: missed, restrictions lapsed" in line
    assert "4 days overdue" in line


def test_recently_decided_says_on_time_or_late(assigned, reviewer, senior_manager, login,
                                               time_machine):
    move_to(time_machine, MON_29_SEPT)
    services.challenge_decide(actor=reviewer, challenge=assigned, outcome="uphold",
                              reasons="The restrictions remain proportionate to the behaviour.")
    move_to(time_machine, FRI_3_OCT)
    decided = section(page_of(login(senior_manager)), "recently-decided")
    line = row(decided, assigned.case.reference)
    assert "Challenge decided by Rory Reviewer" in line
    assert "Mon 29 Sep 2025" in line and "On time" in line
    assert "Uphold the designation" in line
    # Thirty-one days on, it has dropped off.
    move_to(time_machine, MON_29_SEPT + dt.timedelta(days=31))
    decided = section(page_of(login(senior_manager)), "recently-decided")
    assert "Nothing was decided in the last 30 days." in decided


def test_a_late_decision_and_a_late_review_are_marked_late(in_force, assigned, reviewer,
                                                           senior_manager, login, time_machine):
    move_to(time_machine, dt.date(2025, 10, 1))
    services.challenge_decide(actor=reviewer, challenge=assigned, outcome="uphold",
                              reasons="The restrictions remain proportionate to the behaviour.")
    move_to(time_machine, THU_5_MARCH)
    in_force.refresh_from_db()
    in_force.lapse()
    in_force.save()
    services.review_decide(actor=senior_manager, case=in_force, outcome="lift",
                           reasons="No contact of concern since November.")
    decided = section(page_of(login(senior_manager)), "recently-decided")
    review_line = re.search(r"<tr[^>]*>((?:(?!</tr>).)*Six-month review decided(?:(?!</tr>).)*)"
                            r"</tr>", decided).group(1)
    assert "Sun 1 Mar 2026" in review_line and "Thu 5 Mar 2026" in review_line
    assert "Late" in review_line and "Lift the designation" in review_line
    # The challenge (decided 1 October, 2 days late) is more than 30 days ago by now.
    assert "Challenge decided" not in decided


def test_rows_are_grouped_by_lead_directorate(in_force, children, outsider, senior_manager,
                                              adults, login, time_machine):
    other = put_in_force(factories.make_case("designated", directorate=children,
                                             senior_manager=outsider), outsider)
    both = factories.UserFactory(first_name="Bo", last_name="Th", roles=[Role.SENIOR_MANAGER],
                                 directorates=[adults, children])
    move_to(time_machine, WED_10_SEPT)
    due = section(page_of(login(both)), "due-this-week")
    assert due.index('data-directorate="Adults"') < due.index('data-directorate="Children"')
    assert in_force.reference in due and other.reference in due
    # Each senior manager sees only their own directorate's.
    mine = section(page_of(login(senior_manager)), "due-this-week")
    assert in_force.reference in mine and other.reference not in mine
    theirs = section(page_of(login(outsider)), "due-this-week")
    assert other.reference in theirs and in_force.reference not in theirs


def test_a_reviewer_sees_only_the_challenges_given_to_them(assigned, make_case, officer,
                                                            senior_manager, reviewer, login,
                                                            time_machine):
    # Another case of the same directorate with its own challenge, not Rory's.
    other = put_in_force(make_case("designated"), senior_manager)
    services.challenge_record(actor=officer, case=other, channel="letter",
                              received_on=dt.date(2025, 9, 1), grounds="Unfair too.")
    move_to(time_machine, FRI_26_SEPT)
    page = page_of(login(reviewer))
    due = section(page, "due-this-week")
    assert assigned.case.reference in due and "3 days left" in due
    assert other.reference not in page
    # Not the six-month review or the window of the case: those are the senior manager's.
    move_to(time_machine, TUE_24_FEB)
    page = page_of(login(reviewer))
    assert assigned.case.reference not in section(page, "due-this-week")


def test_the_dashboard_costs_the_same_queries_for_one_case_or_many(
    in_force, assigned, make_case, officer, senior_manager, reviewer, login, time_machine,
    django_assert_max_num_queries,
):
    def count() -> int:
        client = login(senior_manager)
        client.get(DASHBOARD)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            client.get(DASHBOARD)
        return len(queries)

    move_to(time_machine, FRI_26_SEPT)
    small = count()
    move_to(time_machine, dt.date(2025, 9, 1))
    for _ in range(3):
        case = put_in_force(make_case("designated"), senior_manager)
        challenge = services.challenge_record(actor=officer, case=case, channel="letter",
                                              received_on=dt.date(2025, 9, 1), grounds="No.")
        services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                           reviewer=reviewer)
    move_to(time_machine, FRI_26_SEPT)
    client = login(senior_manager)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(small):
        page = re.sub(r"\s+", " ", client.get(DASHBOARD).content.decode())
    assert section(page, "due-this-week").count("3 days left") == 4
    assert count() == small
