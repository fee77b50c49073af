"""The deadline dashboard (/deadlines/) and the home panel: every open deadline, from one
selector (`reviews.dashboard.deadlines_for`), with who acts and the days left or overdue on
every row, at the horizon the user chooses, scoped by role and directorate, paged, and at a
fixed number of queries.

The customer in `in_force` is designated and told on Monday 1 September 2025: the last day to
ask for a review is Monday 15 September, and the six-month review is due Sunday 1 March 2026.
A request received on 1 September must be decided by Monday 29 September.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import NamedTuple

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases import deadlines
from cases.models import CaseState, DesignationCase
from letters.services import letter_issue
from reviews import dashboard, selectors, services
from reviews.models import AlertKind, Challenge, ChallengeStatus, DeadlineAlert
from reviews.sweeps import run_sweep
from tests import factories
from tests.conftest import LONDON
from tests.reviews.conftest import put_in_force

pytestmark = pytest.mark.django_db

WED_10_SEPT = dt.date(2025, 9, 10)
FRI_12_SEPT = dt.date(2025, 9, 12)
THU_18_SEPT = dt.date(2025, 9, 18)
FRI_26_SEPT = dt.date(2025, 9, 26)
MON_29_SEPT = dt.date(2025, 9, 29)
FRI_3_OCT = dt.date(2025, 10, 3)
TUE_24_FEB = dt.date(2026, 2, 24)
THU_5_MARCH = dt.date(2026, 3, 5)

DASHBOARD = "/deadlines/"
KINDS = dashboard.DeadlineKind


def move_to(time_machine, day: dt.date, hour: int = 11) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON), tick=False)


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(value))


class Row(NamedTuple):
    key: str
    reference: str
    what: str
    who: str
    due: str
    time: str


ROW = re.compile(r'<tr class="govuk-table__row" data-deadline="([^"]+)" data-case="([^"]+)">'
                 r"(.*?)</tr>")
CELL = re.compile(r"<td[^>]*>(.*?)</td>")


def rows_in(page: str, panel: str = "deadlines") -> list[Row]:
    """The deadline rows of the table `data-panel="<panel>"`, in order, as text."""
    start = page.find(f'data-panel="{panel}"')
    if start == -1:
        return []
    part = page[start:page.find("</table>", start)]
    found = []
    for key, reference, body in ROW.findall(part):
        cells = [re.sub(r"<[^>]+>", " ", c) for c in CELL.findall(body)]
        cells = [re.sub(r"\s+", " ", c).strip() for c in cells]
        _case, what, who, due, time = cells
        found.append(Row(key, reference, what, who, due, time))
    return found


def get(client, path: str = DASHBOARD, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return squash(response.content.decode())


def dashboard_rows(client, horizon: str | None = None, page: int | None = None) -> list[Row]:
    params = {k: v for k, v in (("horizon", horizon), ("page", page)) if v is not None}
    return rows_in(get(client, **params))


def home_rows(client) -> list[Row]:
    return rows_in(get(client, reverse("home")), panel="home-deadlines")


def by_key(rows: list[Row]) -> dict[str, Row]:
    return {r.key: r for r in rows}


def record(case, actor, on: dt.date) -> Challenge:
    return services.challenge_record(actor=actor, case=case, channel="letter", received_on=on,
                                     grounds="Unfair.")


@pytest.fixture
def challenge(in_force, officer):
    return record(in_force, officer, dt.date(2025, 9, 1))


@pytest.fixture
def assigned(challenge, senior_manager, reviewer):
    return services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                              reviewer=reviewer)


@pytest.fixture
def every_kind(in_force, make_case, officer, senior_manager, reviewer, time_machine):
    """On Thursday 18 September, one open deadline of every kind in Adults.

    - `late`: a request on `in_force` received today, after its last day (15 September);
    - `unassigned`: a request received in time on 12 September, with no reviewer yet;
    - `assigned`: one received on 12 September and given to Rory Reviewer;
    - `window`: told on 10 September, so the customer has until 24 September to ask;
    - `to_notify`: designated today, the letter and the council's notice still to go;
    - and the six-month review of each of the four designations in force.
    """
    unassigned_case = put_in_force(make_case("designated"), senior_manager)
    assigned_case = put_in_force(make_case("designated"), senior_manager)
    move_to(time_machine, WED_10_SEPT)
    window = put_in_force(make_case("designated"), senior_manager)
    move_to(time_machine, THU_18_SEPT)
    late = record(in_force, officer, THU_18_SEPT)
    assert late.status == ChallengeStatus.LATE
    unassigned = record(unassigned_case, officer, FRI_12_SEPT)
    assigned = services.challenge_assign_reviewer(
        actor=senior_manager, challenge=record(assigned_case, officer, FRI_12_SEPT),
        reviewer=reviewer,
    )
    to_notify = make_case("designated")
    return {
        "late": late, "unassigned": unassigned, "assigned": assigned, "window": window,
        "to_notify": to_notify,
        "in_force": [in_force, unassigned_case, assigned_case, window],
    }


# --- every kind, with who acts ------------------------------------------------------------------


def test_every_kind_of_deadline_is_listed_with_who_acts_and_the_days_left(
    every_kind, senior_manager, login
):
    rows = by_key(dashboard_rows(login(senior_manager), horizon="all"))
    # Every kind but subject access requests, which only information governance sees
    # (tests/governance/test_subject_access.py).
    assert {key.rsplit("-", 1)[0] for key in rows} == set(KINDS.values) - {
        KINDS.SUBJECT_ACCESS
    }
    late = rows[f"late_challenge-{every_kind['late'].pk}"]
    assert late.what == "Late request for a review: accept it or not"
    assert late.who == "A senior manager, Adults"
    assert late.due == "Thu 16 Oct 2025" and late.time == "28 days left"
    unassigned = rows[f"assign_reviewer-{every_kind['unassigned'].pk}"]
    assert unassigned.what == "Request for a review: assign an independent reviewer"
    assert unassigned.due == "Fri 10 Oct 2025" and unassigned.time == "22 days left"
    decision = rows[f"challenge_decision-{every_kind['assigned'].pk}"]
    assert decision.who == "Rory Reviewer, independent reviewer"
    assert decision.time == "22 days left"
    window = rows[f"challenge_window-{every_kind['window'].pk}"]
    assert window.what == "Last day for the customer to ask for a review"
    assert window.who == "The customer, in writing"
    assert window.due == "Wed 24 Sep 2025" and window.time == "6 days left"
    case = every_kind["to_notify"]
    notify = rows[f"notify-{case.pk}"]
    assert notify.what == ("Designation not yet in force: send the customer the designation "
                           "letter and inform the council")
    assert notify.who == "A senior manager, Adults"
    assert deadlines.notify_by(case.designated_on) == dt.date(2025, 9, 23)
    assert notify.due == "Tue 23 Sep 2025" and notify.time == "5 days left"
    for case in every_kind["in_force"]:
        review = rows[f"six_month_review-{case.pk}"]
        assert review.what == "Six-month review" and review.who == "A senior manager, Adults"
        assert review.due == f"{case.review_due_on:%a} {case.review_due_on.day} " \
            f"{case.review_due_on:%b %Y}"


def test_every_row_says_the_days_left_or_overdue(every_kind, senior_manager, login,
                                                 time_machine):
    for day in (THU_18_SEPT, dt.date(2025, 9, 23), dt.date(2025, 10, 20)):
        move_to(time_machine, day)
        rows = dashboard_rows(login(senior_manager), horizon="all")
        assert rows
        for row in rows:
            assert re.fullmatch(r"Due today|1 day (left|overdue)|\d+ days (left|overdue)",
                                row.time), row
    # On 20 October the three requests and the letter are overdue, counted in days.
    rows = by_key(rows)
    assert rows[f"late_challenge-{every_kind['late'].pk}"].time == "4 days overdue"
    assert rows[f"assign_reviewer-{every_kind['unassigned'].pk}"].time == "10 days overdue"
    assert rows[f"notify-{every_kind['to_notify'].pk}"].time == "27 days overdue"


def test_a_late_request_waiting_for_acceptance_is_shown_to_the_senior_manager_until_decided(
    every_kind, senior_manager, login, time_machine
):
    late = every_kind["late"]
    key = f"late_challenge-{late.pk}"
    move_to(time_machine, dt.date(2025, 10, 17))
    client = login(senior_manager)
    overdue = by_key(dashboard_rows(client, horizon="overdue"))
    assert overdue[key].time == "1 day overdue"
    # The sweep escalates the same request: "challenge decision overdue – escalated".
    run_sweep(now=timezone.now())
    assert DeadlineAlert.objects.filter(challenge=late, kind=AlertKind.OVERDUE).exists()
    assert key in by_key(home_rows(client))
    services.challenge_refuse_late(actor=senior_manager, challenge=late,
                                   reason="No reason given for the delay of three days.")
    assert key not in by_key(dashboard_rows(client, horizon="all"))


def test_the_dashboard_lists_every_deadline_the_sweep_reminds_or_escalates(
    every_kind, senior_manager, login, time_machine
):
    """Whatever the sweep reminds about, escalates or lapses is on the page, due that day."""
    checked = set()
    for day in (dt.date(2025, 9, 24), dt.date(2025, 10, 3), dt.date(2025, 10, 12),
                dt.date(2025, 10, 20),
                dt.date(2026, 2, 22), dt.date(2026, 2, 27), dt.date(2026, 3, 3),
                dt.date(2026, 3, 12)):
        move_to(time_machine, day)
        before = set(DeadlineAlert.objects.values_list("pk", flat=True))
        run_sweep(now=timezone.now())
        rows = by_key(dashboard_rows(login(senior_manager), horizon="all"))
        for alert in DeadlineAlert.objects.exclude(pk__in=before).exclude(
            kind__in=[AlertKind.WINDOW_CLOSED, AlertKind.REVIEW_OPENED]
        ):
            if alert.challenge_id:
                kind = {ChallengeStatus.LATE: KINDS.LATE_CHALLENGE,
                        ChallengeStatus.AWAITING_REVIEWER: KINDS.ASSIGN_REVIEWER,
                        ChallengeStatus.UNDER_REVIEW: KINDS.CHALLENGE_DECISION,
                        }[alert.challenge.status]
                key = f"{kind}-{alert.challenge_id}"
            elif alert.kind == AlertKind.NOT_NOTIFIED:
                key = f"{KINDS.NOTIFY}-{alert.case_id}"
            else:
                key = f"{KINDS.SIX_MONTH_REVIEW}-{alert.case_id}"
            assert key in rows, (day, alert)
            assert rows[key].due == f"{alert.due_on:%a} {alert.due_on.day} {alert.due_on:%b %Y}"
            checked.add(alert.kind)
    assert checked == {AlertKind.REMINDER, AlertKind.OVERDUE, AlertKind.LAPSE,
                       AlertKind.NOT_NOTIFIED}


def test_a_lapsed_designation_is_overdue_with_its_days(in_force, senior_manager, login,
                                                       time_machine):
    move_to(time_machine, THU_5_MARCH)
    run_sweep(now=timezone.now())
    in_force.refresh_from_db()
    assert in_force.state == CaseState.LAPSED
    row = by_key(dashboard_rows(login(senior_manager), horizon="overdue"))[
        f"six_month_review-{in_force.pk}"]
    assert row.what == "Six-month review missed, restrictions lapsed: review now"
    assert row.time == "4 days overdue"


def test_a_review_past_its_date_is_overdue_even_before_the_sweep_runs(
    in_force, senior_manager, login, time_machine
):
    move_to(time_machine, THU_5_MARCH)
    rows = dashboard_rows(login(senior_manager), horizon="overdue")
    assert [(r.what, r.time) for r in rows] == [("Six-month review", "4 days overdue")]


def test_a_window_with_a_request_already_received_is_not_listed(challenge, senior_manager,
                                                                login, time_machine):
    move_to(time_machine, WED_10_SEPT)
    rows = dashboard_rows(login(senior_manager), horizon="all")
    assert not [r for r in rows if r.key.startswith("challenge_window")]
    assert f"assign_reviewer-{challenge.pk}" in by_key(rows)


def test_a_designation_put_half_in_force_still_says_what_is_left(make_case, senior_manager,
                                                                 login, time_machine):
    move_to(time_machine, dt.date(2025, 9, 1))
    case = make_case("designated")
    letter_issue(actor=senior_manager, kind="designation", case=case)
    move_to(time_machine, dt.date(2025, 9, 6))
    row = by_key(dashboard_rows(login(senior_manager), horizon="week"))[f"notify-{case.pk}"]
    assert row.what == "Designation not yet in force: inform the council"
    assert row.time == "Due today"
    move_to(time_machine, dt.date(2025, 9, 7))
    row = by_key(dashboard_rows(login(senior_manager), horizon="overdue"))[f"notify-{case.pk}"]
    assert row.time == "1 day overdue"


# --- the horizon ------------------------------------------------------------------------------


@pytest.fixture
def reviews_spread(make_case, senior_manager, time_machine):
    """Designations told on 1, 9 and 18 September and 30 October 2025: on Thursday 5 March
    2026 their six-month reviews are 4 days overdue, 4 days left, 13 days left, 56 left."""
    cases = []
    for day in (dt.date(2025, 9, 1), dt.date(2025, 9, 9), dt.date(2025, 9, 18),
                dt.date(2025, 10, 30)):
        move_to(time_machine, day)
        cases.append(put_in_force(make_case("designated"), senior_manager))
    move_to(time_machine, THU_5_MARCH)
    return cases


@pytest.mark.parametrize(("horizon", "shown"), [
    ("overdue", [0]),
    ("week", [0, 1]),
    ("28-days", [0, 1, 2]),
    ("all", [0, 1, 2, 3]),
])
def test_the_horizon_chooses_how_far_ahead(reviews_spread, senior_manager, login, horizon,
                                           shown):
    rows = dashboard_rows(login(senior_manager), horizon=horizon)
    assert [r.reference for r in rows] == [reviews_spread[i].reference for i in shown]
    assert [r.time for r in rows] == ["4 days overdue", "4 days left", "13 days left",
                                      "56 days left"][:len(shown)]


def test_the_default_horizon_shows_a_review_due_in_13_days(reviews_spread, senior_manager,
                                                           login):
    page = get(login(senior_manager))
    assert reviews_spread[2].reference in {r.reference for r in rows_in(page)}
    assert 'value="28-days" checked' in page
    # Each choice says how many it holds.
    assert "Overdue (1)" in page and "Overdue or due in the next 7 days (2)" in page
    assert "Overdue or due in the next 28 days (3)" in page and "All open deadlines (4)" in page


@pytest.mark.parametrize("bad", ["bogus", "", "'; drop table", "ALL", "7"])
def test_a_horizon_that_is_not_a_choice_is_the_default(reviews_spread, senior_manager,
                                                       login, bad):
    client = login(senior_manager)
    assert dashboard_rows(client, horizon=bad) == dashboard_rows(client)
    assert len(dashboard_rows(client, horizon=bad)) == 3


@pytest.mark.parametrize("bad", ["0", "-1", "999", "two"])
def test_a_page_that_does_not_exist_is_a_page_that_does(reviews_spread, senior_manager,
                                                         login, bad):
    assert len(dashboard_rows(login(senior_manager), horizon="all", page=bad)) == 4


def test_the_horizon_is_a_form_that_works_without_javascript(reviews_spread, senior_manager,
                                                             login):
    page = get(login(senior_manager), horizon="week")
    start = page.index("<form", page.index("<h1"))
    form = page[start:page.index("</form>", start)]
    assert 'method="get"' in form and '<legend class="govuk-fieldset__legend' in form
    assert form.count('name="horizon" type="radio"') == 4
    assert 'id="horizon-week" name="horizon" type="radio" value="week" checked' in form
    assert 'for="horizon-week"' in form and '<button type="submit"' in form


# --- one selector for the page and the home panel ----------------------------------------------


def test_the_home_panel_and_the_dashboard_show_the_same_rows(every_kind, reviews_spread,
                                                             senior_manager, login):
    client = login(senior_manager)
    home = home_rows(client)
    assert home == dashboard_rows(client, horizon=dashboard.HOME_HORIZON.value)[:len(home)]
    assert len(home) == dashboard.HOME_ROWS  # 11 open in the 28 days: the panel is capped
    # And from the selector itself, for the same horizon.
    found = dashboard.deadlines_for(senior_manager, horizon=dashboard.HOME_HORIZON)
    assert [r.key for r in selectors.home_deadlines(senior_manager)["rows"]] == [
        r.key for r in found.first(dashboard.HOME_ROWS)]
    page = get(client, reverse("home"))
    assert f"See all {found.total} deadlines due in the next 28 days" in page
    assert f'{found.counts[dashboard.Horizon.OVERDUE]} overdue</a>' in page


def test_the_home_panel_shows_a_review_due_in_13_days_and_so_does_the_dashboard(
    reviews_spread, senior_manager, login
):
    client = login(senior_manager)
    due_in_13 = reviews_spread[2].reference
    assert due_in_13 in {r.reference for r in home_rows(client)}
    assert due_in_13 in {r.reference for r in dashboard_rows(client)}


def test_rows_are_overdue_first_then_by_due_date(every_kind, senior_manager, login,
                                                 time_machine):
    move_to(time_machine, dt.date(2025, 9, 25))
    rows = dashboard_rows(login(senior_manager), horizon="all")
    assert rows[0].key == f"notify-{every_kind['to_notify'].pk}"  # 2 days overdue
    days = [-int(r.time.split()[0]) if "overdue" in r.time
            else 0 if r.time == "Due today" else int(r.time.split()[0]) for r in rows]
    assert days == sorted(days)


# --- who sees what ----------------------------------------------------------------------------


def test_another_directorates_deadlines_are_never_shown(every_kind, children, outsider,
                                                        senior_manager, adults, login,
                                                        time_machine):
    move_to(time_machine, dt.date(2025, 9, 1))
    theirs = put_in_force(factories.make_case("designated", directorate=children,
                                              senior_manager=outsider), outsider)
    move_to(time_machine, THU_18_SEPT)
    mine = {r.reference for r in dashboard_rows(login(senior_manager), horizon="all")}
    assert theirs.reference not in mine and every_kind["late"].case.reference in mine
    outsiders = dashboard_rows(login(outsider), horizon="all")
    assert {r.reference for r in outsiders} == {theirs.reference}
    assert not {r.reference for r in home_rows(login(outsider))} & mine
    # A senior manager of both directorates sees both.
    both = factories.UserFactory(roles=[Role.SENIOR_MANAGER], directorates=[adults, children])
    assert {theirs.reference, *mine} == {r.reference for r in
                                         dashboard_rows(login(both), horizon="all")}


def test_a_reviewer_sees_only_the_challenges_given_to_them(every_kind, reviewer, login):
    rows = dashboard_rows(login(reviewer), horizon="all")
    assert [(r.key, r.who) for r in rows] == [
        (f"challenge_decision-{every_kind['assigned'].pk}", "You, the independent reviewer")]


def test_a_reviewers_home_panel_lists_the_same_challenges_as_the_dashboard(
    every_kind, senior_manager, reviewer, login
):
    # Rory is given the unassigned request, and his first is given to someone else.
    other_reviewer = factories.UserFactory(roles=[Role.INDEPENDENT_REVIEWER, Role.SENIOR_MANAGER],
                                           directorates=[factories.DirectorateFactory()])
    mine = services.challenge_assign_reviewer(
        actor=senior_manager, challenge=every_kind["unassigned"], reviewer=reviewer)
    services.challenge_assign_reviewer(
        actor=senior_manager, challenge=Challenge.objects.get(pk=every_kind["assigned"].pk),
        reviewer=other_reviewer)
    client = login(reviewer)
    on_dashboard = [r.key for r in dashboard_rows(client, horizon="all")]
    home = get(client, reverse("home"))
    on_home = re.findall(r'data-challenge="(\d+)"', home[home.index('id="challenges-to-review"'):])
    assert on_dashboard == [f"challenge_decision-{pk}" for pk in on_home] == [
        f"challenge_decision-{mine.pk}"]


def test_a_senior_manager_also_sees_the_reviewer_of_a_challenge(assigned, senior_manager,
                                                                login, time_machine):
    move_to(time_machine, FRI_26_SEPT)
    row = by_key(dashboard_rows(login(senior_manager), horizon="week"))[
        f"challenge_decision-{assigned.pk}"]
    assert row.who == "Rory Reviewer, independent reviewer" and row.time == "3 days left"


# --- bounded ---------------------------------------------------------------------------------


def _more_deadlines(case: DesignationCase, n: int, recorded_by) -> None:
    """`n` more open deadlines in the case's directorate, written straight to the tables (a
    query count does not need each one played through the services)."""
    today = timezone.localdate()
    cases = DesignationCase.objects.bulk_create([
        DesignationCase(
            reference=f"UCP-Q{i:05d}", customer=case.customer,
            lead_directorate=case.lead_directorate, state=CaseState.ACTIVE,
            referred_by=case.referred_by, referred_at=case.referred_at,
            designated_on=case.designated_on, customer_notified_on=case.customer_notified_on,
            council_informed_at=case.council_informed_at,
            review_due_on=today + dt.timedelta(days=i % 40 - 5),
        )
        for i in range(n)
    ])
    statuses = [ChallengeStatus.LATE, ChallengeStatus.AWAITING_REVIEWER]
    Challenge.objects.bulk_create([
        Challenge(case=c, status=statuses[i % 2], channel="letter", received_on=today,
                  grounds="No.", recorded_by=recorded_by, recorded_at=timezone.now(),
                  decision_due_on=today + dt.timedelta(days=i % 28))
        for i, c in enumerate(cases[: n // 2])
    ])


def _queries(client, path: str, **params) -> int:
    client.get(path, params)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, params).status_code == 200
    return len(queries)


# One UNION ALL on PostgreSQL; SQLite cannot LIMIT a branch of a compound query, so the
# embedded default reads each kind that has rows alone (reviews.dashboard), one more query
# here as the six-month reviews appear (tests/perf/test_home_deadlines.py likewise).
@pytest.mark.postgres
def test_the_dashboard_and_home_cost_the_same_queries_for_5_rows_or_50(
    every_kind, senior_manager, officer, login, time_machine, django_assert_max_num_queries
):
    client = login(senior_manager)
    assert len(dashboard_rows(client, horizon="all")) < 25
    small = _queries(client, DASHBOARD, horizon="all")
    small_home = _queries(client, reverse("home"))
    _more_deadlines(every_kind["window"], 60, officer)
    rows = dashboard_rows(client, horizon="all")
    assert len(rows) == dashboard.PER_PAGE  # paged
    with django_assert_max_num_queries(small):
        client.get(DASHBOARD, {"horizon": "all"})
    with django_assert_max_num_queries(small):
        last = rows_in(get(client, horizon="all", page=4))
    total = dashboard.deadlines_for(senior_manager, horizon=dashboard.Horizon.ALL).total
    assert total == 9 + 90 and len(last) == total - 3 * dashboard.PER_PAGE
    with django_assert_max_num_queries(small_home):
        assert len(home_rows(client)) == dashboard.HOME_ROWS
    page = get(client, horizon="all", page=2)
    assert 'href="?page=3&horizon=all" rel="next"' in page
    assert 'href="?page=1&horizon=all" rel="prev"' in page


# --- the page --------------------------------------------------------------------------------


def test_the_url_is_named_and_linked_from_the_header(senior_manager, login):
    assert reverse("reviews:deadlines") == DASHBOARD
    page = html.unescape(login(senior_manager).get(DASHBOARD).content.decode())
    assert 'aria-current="page"' in page and ">Deadlines<" in page


def test_nothing_due_says_so(senior_manager, login):
    page = get(login(senior_manager), horizon="overdue")
    assert "No deadline in this period." in page and "Overdue: 0" in page


def test_recently_decided_says_on_time_or_late(assigned, reviewer, senior_manager, login,
                                               time_machine):
    move_to(time_machine, MON_29_SEPT)
    services.challenge_decide(actor=reviewer, challenge=assigned, outcome="uphold",
                              reasons="The restrictions remain proportionate to the behaviour.")
    move_to(time_machine, FRI_3_OCT)
    page = get(login(senior_manager))
    decided = page[page.index('id="recently-decided"'):]
    line = re.search(rf'data-row="decided-{assigned.case.reference}">(.*?)</tr>',
                     decided).group(1)
    assert "Challenge decided by Rory Reviewer" in line
    assert "Mon 29 Sep 2025" in line and "On time" in line
    assert "Uphold the designation" in line
    # Thirty-one days on, it has dropped off.
    move_to(time_machine, MON_29_SEPT + dt.timedelta(days=31))
    assert "Nothing was decided in the last 30 days." in get(login(senior_manager))


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
    page = get(login(senior_manager))
    decided = page[page.index('id="recently-decided"'):]
    review_line = re.search(r"<tr[^>]*>((?:(?!</tr>).)*Six-month review decided(?:(?!</tr>).)*)"
                            r"</tr>", decided).group(1)
    assert "Sun 1 Mar 2026" in review_line and "Thu 5 Mar 2026" in review_line
    assert "Late" in review_line and "Lift the designation" in review_line
    # The challenge (decided 1 October, 2 days late) is more than 30 days ago by now.
    assert "Challenge decided" not in decided
    # A lifted designation has no deadline left.
    assert f"six_month_review-{in_force.pk}" not in by_key(dashboard_rows(
        login(senior_manager), horizon="all"))
