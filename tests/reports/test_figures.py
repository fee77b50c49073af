"""Every figure of the report against the hand-built quarter in conftest.py (Q1 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from reports import selectors
from reports.periods import quarter_period
from sanctions.models import Sanction
from tests.reports.conftest import Q1
from tests.reports.helpers import column, tables, values

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def q1(quarter, lead, login):
    return tables(login(lead).get("/reports/", Q1))


def test_invocations_are_designations_decided_in_the_period_counted_for_the_lead(q1):
    assert list(column(q1["invocations"]).values()) == [3, 1, 0, 1, 1]
    labels = [row.label for row in q1["invocations"].rows]
    assert labels == [
        "Invocations: designations decided",
        "of which since withdrawn on challenge",
        "of which since lifted at a six-month review",
        "of which made without a prior warning",
        "of which involving other directorates",
    ]


def test_a_designation_decided_a_day_outside_the_period_is_not_counted(quarter, lead, login):
    client = login(lead)
    q4 = tables(client.get("/reports/", {"period": "quarter", "year": "2025", "quarter": "4"}))
    # A9 on 5 October and A4 on 31 December 2025; not A1 on 10 January.
    assert column(q4["invocations"])["Invocations: designations decided"] == 2
    q2 = tables(client.get("/reports/", {"period": "quarter", "year": "2026", "quarter": "2"}))
    assert column(q2["invocations"])["Invocations: designations decided"] == 1  # A5, 1 April
    last_day = tables(client.get("/reports/", {
        "period": "custom", "start": "2026-03-31", "end": "2026-03-31",
    }))
    assert column(last_day["invocations"])["Invocations: designations decided"] == 1  # A3


def test_withdrawn_on_challenge_still_counts_and_shows_as_withdrawn(q1, quarter):
    counts = column(q1["invocations"])
    assert counts["Invocations: designations decided"] == 3  # A2 among them
    assert counts["of which since withdrawn on challenge"] == 1
    assert column(q1["challenges"])["withdrawn"] == 1


def test_reasons_are_the_indicators_cited_in_the_decisions_most_cited_first(q1, quarter):
    reasons = q1["reasons"]
    assert [(row.label, row.detail, row.cells[0].value) for row in reasons.rows] == [
        (quarter.i1.text, "Unreasonable or unreasonably persistent", 2),  # A1, A2
        (quarter.i2.text, "Unreasonable or unreasonably persistent", 1),  # A1
        (quarter.i3.text, "Unacceptable behaviour", 1),  # A3
    ]
    assert column(q1["reason_groups"]) == {"persistence": 2, "behaviour": 1, "action": 0}


def test_a_case_spanning_directorates_counts_for_its_lead_and_is_listed_for_the_others(
    quarter, login, children_lead
):
    children = tables(login(children_lead).get("/reports/", Q1))
    assert children["invocations"].columns == ["Children"]
    assert column(children["invocations"])["Invocations: designations decided"] == 1  # K1
    assert values(children["involved"], "label") == {"Led by Adults": [1]}  # A3, listed
    assert column(children["reason_groups"]) == {"persistence": 1, "behaviour": 0, "action": 0}


def test_the_lead_directorate_has_nothing_listed_as_led_elsewhere(q1):
    assert q1["involved"].rows == []


def test_warnings_given_count_for_the_directorate_that_gave_them(q1):
    assert column(q1["warnings"]) == {"informal": 2, "formal": 1, "all": 3}


def test_cases_closed_without_designation_by_reason_in_uk_time(q1):
    # C3 at 23:30 BST on 31 March is in; C6 at 00:30 BST on 1 April (23:30 UTC on 31 March)
    # and C5 on 31 December are out.
    assert column(q1["closures"]) == {
        "no_action": 1, "behaviour_stopped": 2, "precondition_failed": 0,
        "not_designated": 1, "all": 4,
    }


def test_active_designations_are_counted_on_the_last_day_of_the_period(q1):
    # A1, A3 (letter to go), A4, A6, A8 (lapsed), A9; not A2 (withdrawn), A7 (lifted), A5.
    assert list(column(q1["standing"]).values()) == [6, 4]
    assert q1["standing"].rows[0].label == "Designations standing on 31 March 2026"


def test_sanctions_in_force_by_type_on_the_last_day_of_the_period(q1):
    assert column(q1["sanctions"]) == {
        "time_limit": 2,  # A1, and A6's renewed one (its first lapsed in December)
        "call_limit": 0,  # A2's ended when it was withdrawn
        "single_medium": 1,  # A9's new one from its review on 30 March
        "named_officer": 0,
        "witness": 1,  # A1 (A7's ended when lifted)
        "refuse_complaints": 0,
        "office_access": 1,  # A4
        "police_or_legal": 0,  # A3's: the customer has not been told yet
        "all": 5,
    }


def test_sanctions_in_force_today_agree_with_the_restriction_check(quarter, frozen_today):
    ids = [quarter.adults.pk, quarter.children.pk]
    by_kind = selectors.sanctions_in_force(ids, frozen_today)
    ours = sum(n for kinds in by_kind.values() for n in kinds.values())
    assert ours == Sanction.objects.in_force(frozen_today).count() == 6


def test_challenges_received_and_their_outcomes(q1):
    assert column(q1["challenges"]) == {
        "received": 4,  # A1, A2, A9 (late), A4 (late); not A6's in December
        "late": 2,
        "upheld": 1,
        "varied": 0,
        "withdrawn": 1,
        "not_accepted": 1,
        "undecided": 1,
        "in_time": 1,  # A2's
        "after_time": 1,  # A1's, 31 days after it was received
    }


def test_reviews_on_time_against_late_as_a_percentage_and_lapses(q1):
    assert column(q1["reviews"]) == {
        "decided": 3,
        "on_time": 2,  # A7 and A9
        "late": 1,  # A6, decided 36 days after its date
        "on_time_percent": "67%",
        "lifted": 1,
        "varied": 1,
        "continued": 1,
        "lapsed": 1,  # A8's, due 20 March; A6's lapse was in December
        "lapsed_undecided": 1,
    }


def test_a_percentage_of_nothing_is_shown_as_a_dash_not_zero(quarter, lead, login):
    response = login(lead).get("/reports/", {"period": "month", "year": "2025", "month": "2"})
    assert column(tables(response)["reviews"])["on_time_percent"] is None
    assert "–" in response.content.decode()


def test_invocations_month_by_month_for_the_twelve_months_to_the_period_end(q1):
    trend = q1["trend"]
    assert [row.label for row in trend.rows][0] == "April 2025"
    assert [row.label for row in trend.rows][-1] == "March 2026"
    assert [row.cells[0].value for row in trend.rows] == [0, 0, 1, 0, 0, 2, 1, 0, 1, 1, 1, 1]


def test_warnings_challenges_and_closures_month_by_month(q1, lead, login):
    # On the report page, a link to the table's own page; the table is there.
    assert not q1["activity"].rows and q1["activity"].more_url.startswith(
        "/reports/table/activity/?")
    activity = login(lead).get(q1["activity"].more_url).context["table"]
    months = values(activity)
    assert activity.columns == [
        "Informal warnings", "Formal warnings", "Requests for a review",
        "Closed without a designation",
    ]
    assert months["2025-12-01"] == [1, 0, 1, 1]  # C5 closed at 23:59 on 31 December
    assert months["2026-01-01"] == [1, 0, 2, 2]
    assert months["2026-02-01"] == [1, 0, 1, 1]
    assert months["2026-03-01"] == [0, 1, 1, 1]  # C3 at 23:30 BST on 31 March


def test_a_running_period_counts_standing_figures_today_and_trends_stop_at_this_month(
    quarter, lead, login
):
    response = login(lead).get("/reports/", {"period": "year", "year": "2026"})
    figures = tables(response)
    assert response.context["as_at"] == dt.date(2026, 5, 15)
    assert figures["standing"].rows[0].label == "Designations standing on 15 May 2026"
    # A1, A3, A4, A5, A6, A8, A9 stand on 15 May.
    assert column(figures["standing"])["Designations standing on 15 May 2026"] == 7
    assert [row.label for row in figures["trend"].rows][-1] == "May 2026"
    assert "figures to 15 May 2026" in response.content.decode()


def test_a_financial_year_runs_from_april_to_march(quarter, lead, login):
    figures = tables(login(lead).get("/reports/", {"period": "financial_year", "year": "2025"}))
    # A6, A7, A8, A9, A4, A1, A2, A3 (not A5 on 1 April 2026).
    assert column(figures["invocations"])["Invocations: designations decided"] == 8


def test_the_headline_answers_how_many_times_and_why(quarter, lead, login):
    response = login(lead).get("/reports/", Q1)
    assert response.context["headline"] == {
        "invocations": 3,
        "withdrawn": 1,
        "top_reasons": [(quarter.i1.text, 2), (quarter.i2.text, 1), (quarter.i3.text, 1)],
    }
    page = response.content.decode()
    assert "times the policy was invoked" in page
    assert "of which 1 since withdrawn on challenge" in page


def test_a_council_wide_lead_sees_every_directorate_side_by_side(
    quarter, council_wide_lead, login
):
    figures = tables(login(council_wide_lead).get("/reports/", Q1))
    assert figures["invocations"].columns == ["Adults", "Children", "Resources", "Total"]
    assert values(figures["invocations"], "label")["Invocations: designations decided"] == [
        3, 1, 0, 4,
    ]
    # A3 is counted once, for Adults, and listed for Children.
    assert values(figures["involved"], "label") == {"Led by Adults": [0, 1, 0]}
    assert values(figures["reviews"])["on_time_percent"] == ["67%", None, None, "67%"]
    assert values(figures["sanctions"])["all"] == [5, 1, 0, 6]


def test_a_council_wide_lead_may_narrow_to_one_directorate(quarter, council_wide_lead, login):
    figures = tables(login(council_wide_lead).get("/reports/", {**Q1,
                                                                "directorate": "children"}))
    assert figures["invocations"].columns == ["Children"]


def test_each_figure_is_one_query_in_the_selectors(quarter, django_assert_num_queries):
    period = quarter_period(2026, 1)
    ids = [quarter.adults.pk]
    calls = [
        lambda: selectors.invocations(ids, period),
        lambda: selectors.invocation_reasons(ids, period),
        lambda: selectors.invocation_reason_groups(ids, period),
        lambda: selectors.involved_elsewhere(ids, period),
        lambda: selectors.warnings_given(ids, period),
        lambda: selectors.closed_without_designation(ids, period),
        lambda: selectors.standing_designations(ids, period.end),
        lambda: selectors.sanctions_in_force(ids, period.end),
        lambda: selectors.challenges(ids, period),
        lambda: selectors.reviews(ids, period, dt.date(2026, 5, 15)),
    ]
    for call in calls:
        with django_assert_num_queries(1):
            call()
