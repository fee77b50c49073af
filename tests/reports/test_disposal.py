"""The directorate report's past figures stay true after retention disposes of customers:
their cases, warnings, sanctions, challenges and reviews are anonymised, not deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.roles import Role
from cases.models import Customer
from governance import services
from governance.models import DisposalProposal, DisposalRecord
from reports.report import TABLE_KEYS
from tests.factories import UserFactory
from tests.reports.conftest import NAMES, Q1, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# Long enough after the quarter for every closed case's six years to have passed.
YEARS_LATER = TODAY + dt.timedelta(days=365 * 7)


def every_table(client) -> dict[str, str]:
    tables = {}
    for table in TABLE_KEYS:
        response = client.get("/reports/", {**Q1, "format": "csv", "table": table})
        assert response.status_code == 200, table
        tables[table] = response.content.decode()
    return tables


def test_report_counts_are_the_same_before_and_after_disposal(
    quarter, council_wide_lead, client, django_capture_on_commit_callbacks
):
    client.force_login(council_wide_lead)
    before = every_table(client)
    ig = UserFactory(roles=[Role.INFORMATION_GOVERNANCE], directorates__council_wide=True)

    assert services.disposals_propose(now=YEARS_LATER) > 0
    proposals = list(DisposalProposal.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        records, refused = services.disposals_approve(actor=ig, proposals=proposals,
                                                      now=YEARS_LATER)
    assert refused == [] and len(records) == len(proposals) == DisposalRecord.objects.count()
    names_left = set(Customer.objects.values_list("full_name", flat=True))
    # The closed cases' customers are gone (the open ones are never due).
    assert {NAMES[k] for k in ("A2", "C1", "C2", "C3", "C4", "C5", "C6")} & names_left == set()

    assert every_table(client) == before
