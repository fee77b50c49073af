"""What the serving process says once at start-up: how tasks will run.

Apart from `ucp.celery` so that a web worker need not import Celery to say it (Celery and
kombu are about 15 MB of every worker; a web worker loads them when it first queues a
message, `outbox.services._publish`).
"""

from __future__ import annotations

import logging
import os
import sys

from django.conf import settings

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
