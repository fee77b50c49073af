"""Two deliveries of one message at the same moment: the row lock lets one send it.

On PostgreSQL the second `deliver` finds the row locked and returns at once
(`skip_locked`), rather than waiting for the first to commit and then sending it again.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from outbox.models import OutboxMessage
from outbox.services import deliver, relay

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_message_being_delivered_is_skipped_by_a_second_delivery_and_the_relay(
    test_handlers,
):
    # Written directly: `enqueue` would deliver it on commit, in this thread (eager Celery).
    message = OutboxMessage.objects.create(handler="tests.outbox.handlers.blocking", args=[1])
    results: dict[str, bool] = {}

    def first() -> None:
        try:
            results["first"] = deliver(message_id=message.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert test_handlers.ENTERED.wait(timeout=10)  # the first holds the row lock now
        assert deliver(message_id=message.pk) is False
        assert relay(older_than_seconds=0) == 0
    finally:
        test_handlers.RELEASE.set()
        thread.join(timeout=20)
    assert results == {"first": True}
    assert test_handlers.CALLS == [(1,)]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1
