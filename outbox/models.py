"""The outbox: mail and other side effects, written in the same transaction as the change
that causes them, and sent by `outbox.services.deliver` after the commit.

A row is the promise "this will be sent". It exists only if the change committed, and it is
marked sent in the same transaction as the handler's own writes, so each message goes out
once: neither a broker that is away when the user saves nor a task that runs twice can lose
or repeat it. No simple-history here: it is a queue, not a case record, and its rows are
updated by `QuerySet.update()` when a delivery fails.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    # A dotted path from `outbox.services.HANDLERS`; anything else is refused.
    handler = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    # Set by the caller when the same message must never be queued twice (one notice's
    # emails, one letter's copies): a second `enqueue` with the same key is a no-op.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Deliveries tried, the successful one included; the relay backs off on failures.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Empty until a delivery fails; the relay leaves the message alone until then, so one
    # message that keeps failing neither blocks the rest nor floods the log.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The relay's query: unsent messages, oldest first. Sent rows, the vast
            # majority, are not in this index.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(sent_at__isnull=True),
                name="outbox_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else "unsent"
        return f"{self.handler}{tuple(self.args)!r} ({state})"
