"""The Celery app: `celery -A ucp worker` / `celery -A ucp beat`.

With no REDIS_URL, tasks run eagerly in the web process (settings say so once at start-up),
so `make run` needs no broker.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucp.settings")

app = Celery("ucp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule(entries: dict[str, dict]) -> dict[str, dict]:
    """settings.CELERY_BEAT_SCHEDULE with each `{"crontab": {...}}` schedule made a crontab:
    the settings describe the times in plain values so that loading them (in every web
    worker) does not import Celery."""
    return {
        name: {**entry, "schedule": crontab(**entry["schedule"]["crontab"])}
        if isinstance(entry.get("schedule"), dict) else entry
        for name, entry in entries.items()
    }


app.conf.beat_schedule = beat_schedule(settings.CELERY_BEAT_SCHEDULE)
