"""Thin tasks: the work, and the reasons it is safe to repeat, are in `outbox.services`."""

from __future__ import annotations

from celery import shared_task

from outbox import services


@shared_task(name=services.DELIVER_TASK, ignore_result=True)
def deliver(message_id: int) -> bool:
    return services.deliver(message_id=message_id)


@shared_task(name="outbox.relay", ignore_result=True)
def relay() -> int:
    return services.relay()
