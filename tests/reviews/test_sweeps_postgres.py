"""Two sweeps at the same moment on PostgreSQL: each reminder, escalation and lapse once.

Each sweep claims rows with `select_for_update(skip_locked=True)` and checks the alert
ledger under the lock; the unique key is the last line of defence.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from reviews.models import AlertKind, DeadlineAlert
from tests.conftest import LONDON

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_sweeps_never_double_send(reference_data, time_machine, adults,
                                                 officer, service_manager, senior_manager):
    from outbox.models import OutboxMessage
    from reviews.sweeps import run_sweep
    from tests import factories

    time_machine.move_to(dt.datetime(2025, 9, 1, 10, tzinfo=LONDON), tick=False)
    cases = []
    for _ in range(6):
        case = factories.make_case("designated", directorate=adults, officer=officer,
                                   service_manager=service_manager,
                                   senior_manager=senior_manager)
        case.customer_notified_on = dt.date(2025, 9, 1)
        case.challenge_ends_on = dt.date(2025, 9, 15)
        case.council_informed_at = dt.datetime(2025, 9, 1, 10, tzinfo=LONDON)
        case.save()
        from cases.services import case_activate_if_ready

        cases.append(case_activate_if_ready(actor=senior_manager, case=case))
    # The day after the review date: every case opens its review, closes its window and
    # lapses, with an escalation each.
    time_machine.move_to(dt.datetime(2026, 3, 2, 6, 30, tzinfo=LONDON), tick=False)

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            run_sweep()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    n = len(cases)
    assert DeadlineAlert.objects.filter(kind=AlertKind.LAPSE).count() == n
    assert DeadlineAlert.objects.filter(kind=AlertKind.WINDOW_CLOSED).count() == n
    lapse_mail = OutboxMessage.objects.filter(handler="reviews.notifications.send_deadline_alert")
    assert lapse_mail.count() == n
    for case in cases:
        assert case.events.filter(kind="lapse").count() == 1
        assert case.events.filter(kind="challenge_window_closed").count() == 1
