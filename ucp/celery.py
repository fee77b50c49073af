"""The Celery app: `celery -A ucp worker` / `celery -A ucp beat`.

With no REDIS_URL, tasks run eagerly in the web process (settings say so once at start-up),
so `make run` needs no broker.
"""

from __future__ import annotations

import logging
import os
import sys

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucp.settings")

app = Celery("ucp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_announced = False


def _is_serving_process() -> bool:
    """True for the process that serves or works: not migrate, seed_demo or the reloader."""
    argv = [os.path.basename(a) for a in sys.argv[:2]]
    if argv and argv[0] == "manage.py":
        if argv[1:] != ["runserver"]:
            return False
        # runserver's autoreloader forks: announce in the child that serves requests.
        return os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv
    return True


def announce_mode() -> None:
    """Say once, at start-up of the serving process, how tasks will run."""
    global _announced
    if _announced or not _is_serving_process():
        return
    _announced = True
    if settings.CELERY_TASK_ALWAYS_EAGER:
        logging.getLogger("ucp").warning(
            "REDIS_URL is not set: Celery tasks run eagerly in this process (no worker, no beat)."
        )
