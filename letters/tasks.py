"""Thin tasks: load by id, send, done.

The services no longer queue these: they queue the same functions through the outbox
(`outbox.services.enqueue`), which sends each once even when Redis was away. The tasks stay
for messages already in a broker's queue when this version is deployed.
"""

from __future__ import annotations

from celery import shared_task

from letters import notifications


@shared_task(name="letters.send_council_notice")
def send_council_notice(notice_id: int) -> int:
    return notifications.send_council_notice(notice_id)


@shared_task(name="letters.send_letter_copies")
def send_letter_copies(letter_id: int) -> int:
    return notifications.send_letter_copies(letter_id)
