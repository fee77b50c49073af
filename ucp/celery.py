"""The Celery app: `celery -A ucp worker` / `celery -A ucp beat`.

With no REDIS_URL, tasks run eagerly in the web process (settings say so once at start-up),
so `make run` needs no broker.
"""

from __future__ import annotations

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucp.settings")

app = Celery("ucp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_announced = False


def announce_mode() -> None:
    """Say once per process how tasks will run."""
    global _announced
    if _announced:
        return
    _announced = True
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        logging.getLogger("ucp").warning(
            "REDIS_URL is not set: Celery tasks run eagerly in this process (no worker, no beat)."
        )
