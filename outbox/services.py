"""Queue a side effect with the change that causes it; send it once, whatever the broker does.

`enqueue` writes an `OutboxMessage` in the caller's transaction and, once that commits, asks
Celery to run `outbox.deliver` for it. If Redis is away the ask fails within
`BROKER_TIMEOUT` seconds and is only logged: the save has already succeeded, and the row
waits for `relay`, which the beat runs every minute (and `manage.py run_sweeps` runs too).
`deliver` locks the row, calls the handler and marks the row sent in one transaction, so
the on-commit task, the relay and a task redelivered after a worker crash cannot send the
same message twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

# The only functions the outbox will call. A handler takes the message's `args` (ids, not
# objects: it loads what it needs, so it sees the committed state) and must be safe to call
# again after a failure part-way through, since a failed delivery is retried.
HANDLERS: frozenset[str] = frozenset(
    {
        "letters.notifications.send_council_notice",
        "letters.notifications.send_letter_copies",
        "sanctions.notifications.send_filed_item_alert",
        "reviews.notifications.send_deadline_alert",
        "governance.notifications.send_sar_alert",
    }
)

# The task `outbox.tasks.deliver` is registered under this name; the services publish by
# name, so they need not import the tasks (which import them).
DELIVER_TASK = "outbox.deliver"

# The relay leaves messages this young to the task their commit published: it is probably
# running now, and sending it twice would be harmless but wasteful.
RELAY_GRACE_SECONDS = 10

# After a failed delivery: wait a minute, then twice as long after each further failure,
# never more than an hour (a mail server down overnight is retried hourly, not every minute).
RETRY_FIRST_DELAY = dt.timedelta(minutes=1)
RETRY_MAX_DELAY = dt.timedelta(hours=1)

# After a publish fails, this process leaves new messages to the relay for this long.
PUBLISH_PAUSE_SECONDS = 15.0
_publish_paused_until = 0.0  # time.monotonic(); per process, reset by a restart


class UnknownHandler(ValueError):
    """The handler is not in `HANDLERS`: the outbox never imports a path it was not given."""


def _handler(path: str) -> Callable[..., object]:
    if path not in HANDLERS:
        raise UnknownHandler(f"{path!r} is not an outbox handler (see outbox.services.HANDLERS)")
    return import_string(path)


def enqueue(
    *, handler: str, args: Sequence = (), key: str | None = None
) -> OutboxMessage | None:
    """Queue `handler(*args)` to run once the current transaction commits.

    Returns the new message, or None if a message with this `key` already exists (queued
    earlier, sent or not). Must be called inside `transaction.atomic`: the message belongs
    to the change that causes it, and goes, or does not, with it.
    """
    _handler(handler)
    if isinstance(args, str | bytes):
        raise TypeError("args is a list of arguments, not a string")
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "outbox.enqueue() must be called inside transaction.atomic()"
        )
    if key is not None and OutboxMessage.objects.filter(key=key).exists():
        return None
    try:
        # A savepoint: a concurrent transaction may insert the same key after the check
        # above, and the caller's transaction must survive the IntegrityError.
        with transaction.atomic():
            message = OutboxMessage.objects.create(handler=handler, args=list(args), key=key)
    except IntegrityError:
        if key is not None and OutboxMessage.objects.filter(key=key).exists():
            return None
        raise
    transaction.on_commit(partial(_publish, message.pk))
    return message


def _publish(message_id: int) -> None:
    """Ask a worker to deliver the message now; never raises.

    Runs after the commit, in the request that saved: it must neither fail nor hold the
    user up. `retry=False` makes one attempt, bounded by the broker timeouts in settings
    (about two seconds whether Redis refuses, does not answer or hangs); a failure leaves
    the row unsent for the relay. After a failure this process stops trying for
    `PUBLISH_PAUSE_SECONDS`, so a request that queues several messages waits once, not
    once per message.
    """
    global _publish_paused_until
    from ucp.celery import app as celery_app  # noqa: PLC0415 - Celery loads on first use

    # Eager (no REDIS_URL) there is no broker to be away: the task runs here and now.
    eager = celery_app.conf.task_always_eager
    if not eager and time.monotonic() < _publish_paused_until:
        logger.info("outbox: broker recently unreachable; message %s left to the relay",
                    message_id)
        return
    try:
        if eager:
            deliver(message_id=message_id)
        else:
            celery_app.send_task(DELIVER_TASK, (message_id,), retry=False)
    except Exception as exc:  # any broker failure: the relay sends it instead
        if not eager:
            _publish_paused_until = time.monotonic() + PUBLISH_PAUSE_SECONDS
        logger.warning(
            "outbox: could not queue message %s (%s: %s); the relay will send it",
            message_id, type(exc).__name__, exc,
        )


def deliver(*, message_id: int) -> bool:
    """Send one message if it is still unsent; True if this call sent it.

    False if it was already sent, or is being sent right now by another process (its row is
    locked: `skip_locked` moves on rather than wait and then send it again). A handler that
    raises is logged and recorded on the row (attempts, last error, when to try next) and
    the row stays unsent; the exception does not reach the caller, so one bad message
    cannot stop a relay. On SQLite `select_for_update` does nothing; SQLite serialises
    writers instead.
    """
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, sent_at__isnull=True)
                .first()
            )
            if message is None:
                return False
            _handler(message.handler)(*message.args)
            now = timezone.now()
            OutboxMessage.objects.filter(pk=message.pk).update(
                sent_at=now, last_attempt_at=now, attempts=F("attempts") + 1,
                next_attempt_at=None,
            )
        return True
    except Exception as exc:  # the handler's failure is recorded, not raised
        logger.exception("outbox: message %s failed", message_id)
        _record_failure(message_id=message_id, error=exc)
        return False


def _record_failure(*, message_id: int, error: Exception) -> None:
    """In a transaction of its own: the delivery's was rolled back, handler's writes and all."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return
        now = timezone.now()
        failures = message.attempts + 1
        delay = min(RETRY_FIRST_DELAY * 2 ** min(failures - 1, 16), RETRY_MAX_DELAY)
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=failures,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            last_attempt_at=now,
            next_attempt_at=now + delay,
        )


def relay(*, limit: int = 500, older_than_seconds: float = RELAY_GRACE_SECONDS) -> int:
    """Deliver, in this process, up to `limit` unsent messages that are due; how many went.

    What the beat's `outbox.relay` task and `manage.py run_sweeps` call. Messages younger
    than `older_than_seconds` are left to the task their commit published, and messages
    that failed recently wait for their `next_attempt_at`. Safe to run twice at once and
    alongside the workers: `deliver` sends each message once.
    """
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(
            sent_at__isnull=True,
            created_at__lte=now - dt.timedelta(seconds=older_than_seconds),
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    sent = 0
    for message_id in list(due[:limit]):
        if deliver(message_id=message_id):
            sent += 1
    if sent:
        logger.info("outbox: relay sent %s message%s", sent, "" if sent == 1 else "s")
    return sent
