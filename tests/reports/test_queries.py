"""Fast by construction: every figure is one aggregate query, so the page runs the same
number of queries whatever the volume of cases (the benchmark times it at 20,000)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import DesignationCase
from tests.reports.conftest import Q1, live_figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

PAGES = [
    ("/reports/", Q1),
    ("/reports/", {"period": "year", "year": "2025"}),
    ("/reports/", {**Q1, "format": "csv", "table": "activity"}),
    ("/reports/quarterly/", {"year": 2026, "quarter": 1}),
]


def count_queries(client, path: str, params: dict) -> int:
    # Warm: the first request after signing in also reads the user's roles and directorates,
    # which are then kept (accounts.scope) until their access changes.
    client.get(path, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


def test_the_report_runs_the_same_queries_at_any_volume(quarter, lead, council_wide_lead,
                                                        senior_manager, login, client):
    def measure() -> dict:
        counts = {}
        for user in (lead, council_wide_lead, senior_manager):
            client.force_login(user)
            for path, params in PAGES:
                counts[(user.username, path, tuple(params.items()))] = count_queries(
                    client, path, params
                )
        return counts

    small = measure()
    assert DesignationCase.objects.count() < 20
    call_command("seed_volume", customers=300, seed=5, stdout=open("/dev/null", "w"))
    assert DesignationCase.objects.count() > 300
    large = measure()
    assert large == small
    # The page itself: the session, the user with their profile (their roles and
    # directorates kept between requests), then one query per figure, whether it shows one
    # directorate or all of them side by side.
    page = {user: n for (user, path, params), n in small.items()
            if path == "/reports/" and params == tuple(Q1.items())}
    assert page["lee"] <= 12 and page["cora"] <= 12


# The figures the page reads folded, three queries for all of them.
FOLDED = ("invocations", "closed_without_designation", "standing_designations",
          "invocations_by_month", "closures_by_month", "involved_elsewhere", "warnings_given",
          "warnings_by_month", "challenges", "challenges_by_month")


def _folded_and_separate(ids, period, today):
    from reports import selectors

    day = period.as_at(today)
    months = period.trend_months(today)
    folded = {
        **selectors.case_figures(ids, period, day, months),
        **selectors.warning_figures(ids, period, months),
        **selectors.challenge_figures(ids, period, months),
    }
    every = live_figures(ids, period, today)
    separate = {name: every[name] for name in FOLDED}
    return folded, separate


def test_the_folded_figures_are_the_separate_definitions(quarter, frozen_today, adults,
                                                         children, resources):
    """The page reads the cases', warnings' and challenges' figures as conditional counts
    of one query each; every number is what its own definition's query gives, for one
    directorate or all, for a quarter or a year, on the hand-built quarter and at volume."""
    from reports.periods import quarter_period, year_period

    scopes = [[adults.pk], [children.pk], [adults.pk, children.pk, resources.pk]]
    periods = [quarter_period(2026, 1), year_period(2025), year_period(2026)]
    for label in ("hand-built", "volume"):
        if label == "volume":
            call_command("seed_volume", customers=200, seed=7, stdout=open("/dev/null", "w"))
        for ids in scopes:
            for period in periods:
                folded, separate = _folded_and_separate(ids, period, frozen_today)
                assert folded == separate, (label, ids, period)
        assert any(_folded_and_separate(scopes[2], p, frozen_today)[0]["invocations"]
                   for p in periods)


def test_the_council_wide_page_is_twelve_queries_none_repeated(quarter, council_wide_lead,
                                                                client):
    from tests.perf.bounds import page_cost

    client.force_login(council_wide_lead)
    cost = page_cost(client, "/reports/?period=quarter&year=2026&quarter=1")
    assert cost.count <= 12, cost
    assert not cost.repeated, cost
