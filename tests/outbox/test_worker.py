"""A real Celery worker, consuming from the real Redis, delivers a real outbox message.

The worker runs in a thread of the test process (`celery.contrib.testing.worker`), so it
uses the test database and Django's in-memory mail outbox; the test is transactional, so the
worker's own connection sees what the service committed. The tests' own Redis database
(`redis_db`), emptied before and after. Runs on PostgreSQL with REDIS_URL set; skipped
elsewhere, except in CI (UCP_REQUIRE_POSTGRES=1), where it fails instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker

from letters.models import CouncilNotice
from letters.services import case_inform_council
from outbox.models import OutboxMessage
from outbox.services import relay
from tests.outbox.brokers import celery_broker

# A worker thread on the database beside the test's: PostgreSQL only (SQLite's shared-cache
# test database reports "database table is locked" instead of waiting).
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

WAIT = 20  # seconds; a delivery takes milliseconds



class Deliveries:
    """What the worker's `outbox.deliver` tasks returned, in order, as they finish."""

    def __init__(self) -> None:
        self.results: list[bool] = []
        self._changed = threading.Condition()

    def on_postrun(self, sender=None, retval=None, **kwargs) -> None:
        if getattr(sender, "name", None) == "outbox.deliver":
            # Run by the worker's thread, not inline in the test's (tasks are not eager).
            assert threading.current_thread() is not threading.main_thread()
            with self._changed:
                self.results.append(retval)
                self._changed.notify_all()

    def wait_for(self, count: int) -> list[bool]:
        with self._changed:
            done = self._changed.wait_for(lambda: len(self.results) >= count, timeout=WAIT)
        assert done, f"the worker finished {len(self.results)} of {count} deliveries"
        return list(self.results)


@contextmanager
def worker_consuming(url: str) -> Iterator[Deliveries]:
    deliveries = Deliveries()

    def leave_logging_alone(**kwargs) -> None:
        """Connected to `setup_logging`, so the worker keeps pytest's log handlers."""

    signals.setup_logging.connect(leave_logging_alone)
    signals.task_postrun.connect(deliveries.on_postrun)
    try:
        with celery_broker(url) as app, start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=WAIT
        ):
            yield deliveries
    finally:
        signals.task_postrun.disconnect(deliveries.on_postrun)
        signals.setup_logging.disconnect(leave_logging_alone)


def test_a_worker_delivers_the_council_notice_from_redis_once(
    redis_db, reference_data, make_case, senior_manager, officer, adults, mailoutbox
):
    case = make_case("designated")
    with worker_consuming(redis_db) as deliveries:
        # Commits for real; the commit publishes outbox.deliver to Redis for the worker.
        notice = case_inform_council(actor=senior_manager, case=case, staff=[officer])
        assert deliveries.wait_for(1) == [True]

        message = OutboxMessage.objects.get()
        assert message.sent_at is not None
        assert CouncilNotice.objects.get(pk=notice.pk).emailed_at is not None
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [officer.email, adults.assistant_director_email, adults.service_manager_email]
        )

        # The same message queued again (a relay that raced the commit, a redelivery after
        # a worker crash): the worker finds it sent and sends nothing.
        from outbox.tasks import deliver

        deliver.delay(message.pk)
        assert deliveries.wait_for(2) == [True, False]
    assert relay(older_than_seconds=0) == 0
    assert len(mailoutbox) == 3
