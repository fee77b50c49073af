"""Thin tasks: load by id, send, done. Queued only after the transaction commits."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="letters.send_council_notice")
def send_council_notice(notice_id: int) -> int:
    from letters.notifications import send_council_notice as send

    return send(notice_id)


@shared_task(name="letters.send_letter_copies")
def send_letter_copies(letter_id: int) -> int:
    from letters.notifications import send_letter_copies as send

    return send(letter_id)
