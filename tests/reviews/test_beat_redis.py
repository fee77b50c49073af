"""Celery beat, a real worker and the real Redis run the sweep: a missed review lapses and
the Assistant Director is told.

Beat runs embedded in a thread with the production schedule's `reviews.sweep` entry brought
forward to every second (the production entry is once a day at 06:30, too slow for a test);
the worker runs in another thread, consuming from the tests' own Redis database
(`redis_db`). Beat publishes the
sweep to Redis, the worker runs it, the sweep's commit publishes the escalation's outbox
message to Redis, and the worker delivers it. Runs on PostgreSQL with REDIS_URL set;
skipped elsewhere, except in CI (UCP_REQUIRE_POSTGRES=1), where it fails instead.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from celery import signals
from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker
from django.core import mail

from cases.models import CaseState, DesignationCase
from reviews.models import AlertKind, DeadlineAlert
from tests.conftest import LONDON
from tests.outbox.brokers import celery_broker

# The worker thread writes to the database while the test reads it: SQLite's shared-cache
# test database answers that with "database table is locked", so PostgreSQL only.
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

WAIT = 30



@pytest.fixture
def overdue_designation(reference_data, make_case, senior_manager, officer):
    """Designated, told and in force seven months ago; its review was due last month."""
    import time_machine

    from letters.services import case_inform_council, letter_issue

    seven_months_ago = dt.datetime.now(LONDON) - dt.timedelta(days=213)
    # Only the set-up travels: beat and the worker need the real, running clock.
    with time_machine.travel(seven_months_ago, tick=False):
        case = make_case("designated")
        letter_issue(actor=senior_manager, kind="designation", case=case)
        case_inform_council(actor=senior_manager, case=case, staff=[officer])
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.state == CaseState.ACTIVE
    assert case.review_due_on < dt.date.today()
    return case


def _wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_beat_and_a_worker_on_redis_record_the_lapse_and_escalate_it(
    redis_db, overdue_designation, tmp_path, settings
):
    from django.conf import settings as django_settings

    case = overdue_designation
    mail.outbox.clear()
    entry = dict(django_settings.CELERY_BEAT_SCHEDULE["reviews-sweep"], schedule=1.0)

    def leave_logging_alone(**kwargs) -> None:
        """Keeps pytest's log handlers: the worker would install its own."""

    signals.setup_logging.connect(leave_logging_alone)
    try:
        with celery_broker(redis_db) as app:
            before = app.conf.beat_schedule
            app.conf.beat_schedule = {"reviews-sweep": entry}
            beat = EmbeddedService(
                app, thread=True, max_interval=1,
                schedule_filename=str(tmp_path / "celerybeat-schedule"),
            )
            try:
                with start_worker(app, pool="solo", perform_ping_check=False,
                                  shutdown_timeout=WAIT):
                    beat.start()
                    _wait_for(
                        lambda: DeadlineAlert.objects.filter(
                            case=case, kind=AlertKind.LAPSE).exists(),
                        "the sweep to record the lapse",
                    )
                    ad = case.lead_directorate.assistant_director_email
                    _wait_for(lambda: any(ad in m.to for m in mail.outbox),
                              "the escalation email")
                    # Beat goes on firing every second; the lapse is recorded and sent once.
                    time.sleep(2.5)
            finally:
                beat.stop()
                app.conf.beat_schedule = before
    finally:
        signals.setup_logging.disconnect(leave_logging_alone)

    case.refresh_from_db()
    assert case.state == CaseState.LAPSED
    assert case.events.filter(kind="lapse").count() == 1
    escalations = [m for m in mail.outbox if case.lead_directorate.assistant_director_email
                   in m.to]
    assert len(escalations) == 1
    assert "restrictions lapsed" in escalations[0].subject
