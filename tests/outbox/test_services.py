"""The outbox: a message exists only if its change committed, and is sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from outbox import services
from outbox.models import OutboxMessage
from outbox.services import UnknownHandler, deliver, enqueue, relay

pytestmark = pytest.mark.django_db

RECORD = "tests.outbox.handlers.record"
FLAKY = "tests.outbox.handlers.flaky"


def later(time_machine, **delta) -> None:
    time_machine.move_to(timezone.now() + dt.timedelta(**delta))


def test_a_message_queued_by_a_change_that_rolls_back_is_neither_kept_nor_sent(
    test_handlers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue(handler=RECORD, args=[1])
            raise RuntimeError("the save failed after queueing")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert relay(older_than_seconds=0) == 0
    assert test_handlers.CALLS == []


def test_a_committed_message_is_sent_after_the_commit_and_marked_sent(
    test_handlers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message = enqueue(handler=RECORD, args=[7, "x"])
            assert test_handlers.CALLS == []  # nothing before the commit
    assert len(callbacks) == 1
    assert test_handlers.CALLS == [(7, "x")]
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 1
    # The relay finds nothing left to do.
    assert relay(older_than_seconds=0) == 0
    assert test_handlers.CALLS == [(7, "x")]


def test_delivering_twice_sends_once(test_handlers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = enqueue(handler=RECORD, args=[1])
    assert deliver(message_id=message.pk) is True
    assert deliver(message_id=message.pk) is False
    assert test_handlers.CALLS == [(1,)]


def test_the_same_key_twice_makes_one_message(test_handlers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = enqueue(handler=RECORD, args=[1], key="notice:1")
        second = enqueue(handler=RECORD, args=[1], key="notice:1")
    assert first is not None and second is None
    assert len(callbacks) == 1
    assert OutboxMessage.objects.count() == 1
    # Still refused once the first has been sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue(handler=RECORD, args=[1], key="notice:1") is None
    assert test_handlers.CALLS == [(1,)]


def test_messages_without_a_key_are_not_deduplicated(
    test_handlers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(handler=RECORD, args=[1])
        enqueue(handler=RECORD, args=[1])
    assert test_handlers.CALLS == [(1,), (1,)]


def test_a_failing_handler_is_recorded_then_retried_by_the_relay_and_sent_once(
    test_handlers, django_capture_on_commit_callbacks, time_machine, caplog
):
    test_handlers.FAILURES_LEFT[0] = 2
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(handler=FLAKY, args=[5])  # the on-commit delivery fails...
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error == "ConnectionRefusedError: the mail server is not answering"
    assert message.last_attempt_at is not None
    assert "outbox: message" in caplog.text  # ...and is logged, not raised

    # The relay leaves it alone until its back-off has passed.
    later(time_machine, seconds=30)
    assert relay() == 0
    later(time_machine, seconds=31)
    assert relay() == 0  # fails again; now waits two minutes
    message.refresh_from_db()
    assert message.attempts == 2 and message.sent_at is None
    later(time_machine, seconds=90)
    assert relay() == 0
    assert test_handlers.CALLS == []
    later(time_machine, seconds=31)
    assert relay() == 1
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 3
    assert test_handlers.CALLS == [(5,)]
    later(time_machine, hours=2)
    assert relay() == 0
    assert test_handlers.CALLS == [(5,)]


def test_a_message_that_keeps_failing_does_not_hold_up_the_others(
    test_handlers, django_capture_on_commit_callbacks, time_machine
):
    test_handlers.FAILURES_LEFT[0] = 100
    with django_capture_on_commit_callbacks(execute=False):
        poison = enqueue(handler=FLAKY, args=["poison"])
    later(time_machine, seconds=1)
    with django_capture_on_commit_callbacks(execute=False):
        enqueue(handler=RECORD, args=["fine"])
    later(time_machine, minutes=1)
    assert relay() == 1
    assert test_handlers.CALLS == [("fine",)]
    for _ in range(180):  # three hours of relays, once a minute
        later(time_machine, minutes=1)
        relay()
    poison.refresh_from_db()
    # Waits of 1, 2, 4 ... 32 minutes, then hourly: 9 attempts in three hours, not 180.
    assert poison.attempts <= 10 and poison.sent_at is None
    assert poison.next_attempt_at - poison.last_attempt_at == services.RETRY_MAX_DELAY


def test_a_failed_delivery_keeps_none_of_the_handlers_writes(
    test_handlers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(handler="tests.outbox.handlers.half_done", args=["Half done"])
    assert not Group.objects.filter(name="Half done").exists()
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert message.last_error == "RuntimeError: failed after writing"


def test_the_relay_leaves_messages_just_queued_to_their_own_task(
    test_handlers, django_capture_on_commit_callbacks, time_machine
):
    with django_capture_on_commit_callbacks(execute=False):
        enqueue(handler=RECORD, args=[1])
    assert relay() == 0
    later(time_machine, seconds=services.RELAY_GRACE_SECONDS + 1)
    assert relay() == 1
    assert test_handlers.CALLS == [(1,)]


def test_the_relay_sends_the_oldest_first_up_to_its_limit(
    test_handlers, django_capture_on_commit_callbacks, time_machine
):
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=False):
            enqueue(handler=RECORD, args=[n])
        later(time_machine, seconds=1)
    assert relay(limit=3, older_than_seconds=0) == 3
    assert test_handlers.CALLS == [(0,), (1,), (2,)]
    assert relay(older_than_seconds=0) == 2
    assert test_handlers.CALLS == [(0,), (1,), (2,), (3,), (4,)]


def test_an_unknown_handler_is_refused_and_never_imported(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(UnknownHandler):
            enqueue(handler="os.system", args=["echo nope"])
    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_a_stored_message_whose_handler_is_no_longer_allowed_fails_without_running(
    django_capture_on_commit_callbacks,
):
    message = OutboxMessage.objects.create(handler="os.system", args=["echo nope"])
    assert deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.last_error.startswith("UnknownHandler: 'os.system' is not an outbox handler")


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused(test_handlers):
    with pytest.raises(transaction.TransactionManagementError):
        enqueue(handler=RECORD, args=[1])
    assert not OutboxMessage.objects.exists()


def test_the_beat_runs_the_relay_every_minute(settings):
    from ucp.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["outbox-relay"]
    assert entry == {"task": "outbox.relay", "schedule": 60.0}
    assert {"outbox.relay", "outbox.deliver"} <= set(app.tasks)


def test_the_relay_task_sends_what_is_due(test_handlers, django_capture_on_commit_callbacks):
    from outbox.tasks import relay as relay_task

    with django_capture_on_commit_callbacks(execute=False):
        message = enqueue(handler=RECORD, args=[1])
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert relay_task.delay().get() == 1
    assert test_handlers.CALLS == [(1,)]
