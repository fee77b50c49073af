"""Fast by construction: every figure is one aggregate query, so the page runs the same
number of queries whatever the volume of cases (the benchmark times it at 20,000)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import DesignationCase
from tests.reports.conftest import Q1

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

PAGES = [
    ("/reports/", Q1),
    ("/reports/", {"period": "year", "year": "2025"}),
    ("/reports/", {**Q1, "format": "csv", "table": "activity"}),
    ("/reports/quarterly/", {"year": 2026, "quarter": 1}),
]


def count_queries(client, path: str, params: dict) -> int:
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
    # The page itself: the session, the user, their roles and directorates, then one query
    # per figure (14), whether it shows one directorate or all of them side by side.
    page = {user: n for (user, path, params), n in small.items()
            if path == "/reports/" and params == tuple(Q1.items())}
    assert page["lee"] <= 20 and page["cora"] <= 20
