"""Thin tasks the beat schedule names (ucp/settings.py CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from reviews.sweeps import run_sweep


@shared_task(name="reviews.sweep")
def sweep() -> dict:
    return run_sweep().as_dict()
