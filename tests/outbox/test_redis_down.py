"""Redis unreachable, then reachable: the save is quick and kept, and the mail goes once.

Celery is not eager here: the services publish for real to a broker URL that fails (see
`tests.outbox.brokers` for the three ways). Time is not frozen while publishing: kombu
measures its connection timeout with the wall clock, which a frozen clock never lets run
out.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from letters.models import CouncilNotice
from letters.services import case_inform_council
from outbox.models import OutboxMessage
from outbox.services import enqueue, relay
from tests.outbox.brokers import UNREACHABLE, celery_broker, unreachable_redis

pytestmark = pytest.mark.django_db

# The publish timeout is two seconds (BROKER_TIMEOUT); a save may take a little longer.
QUICK = 3.0


@pytest.fixture(params=UNREACHABLE)
def redis_down(request):
    with unreachable_redis(request.param) as url, celery_broker(url):
        yield request.param


def test_informing_the_council_with_redis_down_saves_quickly_and_mails_once_it_is_back(
    redis_down, make_case, senior_manager, officer, adults, mailoutbox,
    django_capture_on_commit_callbacks, time_machine, caplog,
):
    case = make_case("designated")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = case_inform_council(actor=senior_manager, case=case, staff=[officer])
    took = time.monotonic() - started

    assert took < QUICK, f"the save took {took:.1f}s with Redis {redis_down}"
    assert len(callbacks) == 1
    assert "could not queue message" in caplog.text  # the publish failed, and was only logged
    assert CouncilNotice.objects.filter(pk=notice.pk, emailed_at__isnull=True).exists()
    case.refresh_from_db()
    assert case.council_informed_at == notice.sent_at
    message = OutboxMessage.objects.get()
    assert (message.handler, message.args) == (
        "letters.notifications.send_council_notice", [notice.pk]
    )
    assert message.sent_at is None and message.attempts == 0
    assert mailoutbox == []

    # Redis is back. Within a minute the beat runs the relay, which sends the mail once.
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=1))
    assert relay() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [officer.email, adults.assistant_director_email, adults.service_manager_email]
    )
    message.refresh_from_db()
    notice.refresh_from_db()
    assert message.sent_at is not None and notice.emailed_at is not None
    # A second relay, and a late deliver task for the same message, send nothing more.
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=1))
    assert relay() == 0
    from outbox.tasks import deliver

    assert deliver(message.pk) is False
    assert len(mailoutbox) == 3


def test_a_save_that_queues_several_messages_waits_for_redis_once(
    test_handlers, django_capture_on_commit_callbacks, caplog
):
    """The slow cases (no answer, hung) cost the timeout once per request, not per message."""
    with unreachable_redis("no_answer") as url, celery_broker(url):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            for n in range(3):
                enqueue(handler="tests.outbox.handlers.record", args=[n])
        took = time.monotonic() - started
    assert took < QUICK
    assert caplog.text.count("could not queue message") == 1
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 3
    assert test_handlers.CALLS == []
    assert relay(older_than_seconds=0) == 3
    assert test_handlers.CALLS == [(0,), (1,), (2,)]
