"""The daily sweep's cost follows what is due, not the history: what already has its alert
in the ledger is not claimed again, one transaction each, every morning."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reviews.models import DeadlineAlert
from reviews.sweeps import run_sweep
from tests.conftest import LONDON

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 5, 15, 6, 30, tzinfo=LONDON)


def second_sweep_queries(time_machine, customers: int) -> tuple[int, int]:
    """Seed `customers` (their overdue challenges, lapsed reviews, designations left
    unnotified), sweep once, then again an hour later: (alerts, queries of the second)."""
    time_machine.move_to(TODAY, tick=False)
    call_command("seed_volume", customers=customers, seed=5, stdout=StringIO())
    first = run_sweep()
    alerts = DeadlineAlert.objects.count()
    assert first.escalations > 0
    time_machine.move_to(TODAY + dt.timedelta(hours=1), tick=False)
    with CaptureQueriesContext(connection) as ctx:
        second = run_sweep()
    assert second.as_dict() == dict.fromkeys(second.as_dict(), 0)  # idempotent
    assert DeadlineAlert.objects.count() == alerts
    return alerts, len(ctx.captured_queries)


def test_the_second_sweep_of_a_day_costs_the_same_for_n_and_3n_alerted_items(time_machine):
    with transaction.atomic():
        few_alerts, few = second_sweep_queries(time_machine, 200)
        transaction.set_rollback(True)
    many_alerts, many = second_sweep_queries(time_machine, 600)
    assert many_alerts >= 2 * few_alerts > 0
    # A fixed number of queries, however many items were already alerted: at most one
    # more ledger look-up for each of the five steps that found nothing to look up with
    # fewer customers (re-claiming each alerted item costs four or more).
    assert many <= few + 5, (few, many)
