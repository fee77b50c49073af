"""A web worker that serves pages does not load Celery or drf-spectacular's schema tools.

Celery and kombu are about 15 MB of a worker and drf-spectacular's `utils` brought PyYAML
and more; issue 13 caps a worker's peak memory at 1.5 times a bare Django view's. Celery
loads when a worker first queues a message (`outbox.services._publish`), the schema tools
when `/api/schema/` is first asked for. Run in a fresh interpreter: the test process itself
has imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from celery.schedules import crontab

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("celery", "kombu", "drf_spectacular.utils", "drf_spectacular.views")

PROBE = f"""
HEAVY = {HEAVY!r}
import json, sys
import django
django.setup()
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

get_wsgi_application()
get_resolver().url_patterns  # every view module, as the first request loads them
import ucp, api.views, outbox.services, cases.views, reviews.views, letters.views  # noqa
print(json.dumps({{m: m in sys.modules for m in HEAVY}}))
"""


def test_page_workers_do_not_load_celery_nor_the_schema_tools():
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DJANGO_SETTINGS_MODULE="ucp.settings", DEBUG="1", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    assert json.loads(out.strip().splitlines()[-1]) == dict.fromkeys(HEAVY, False)


def test_the_celery_app_is_found_and_its_beat_reads_crontabs(settings):
    """`celery -A ucp` finds `ucp.celery.app`; the settings' plain crontab fields are made
    crontabs for the beat."""
    from celery.app.utils import find_app

    import ucp
    from ucp.celery import app

    assert find_app("ucp") is app is ucp.celery_app
    sweep = app.conf.beat_schedule["reviews-sweep"]
    assert sweep["task"] == "reviews.sweep"
    assert sweep["schedule"] == crontab(hour=settings.SWEEP_HOUR, minute=30)
    assert app.conf.beat_schedule["heartbeat"]["schedule"] == crontab(minute="*/15")
    assert app.conf.beat_schedule["outbox-relay"]["schedule"] == 60.0


def test_the_schema_is_served_with_its_descriptions(client, officer):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=officer)
    response = client.get("/api/schema/?format=json", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    check = paths["/api/v1/restriction-check/"]
    assert check["get"]["operationId"] == "restriction_check"
    assert check["post"]["operationId"] == "restriction_check_post"
    assert set(check["get"]["responses"]) == {"200", "400", "401", "403", "404"}
