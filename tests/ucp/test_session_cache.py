"""Sessions read from the cache with Redis (ucp/session_store.py), in the database
without it; and the web process does not load the PDF libraries until a PDF is made."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
CACHED = "ucp.session_store"


def _settings_of(env: dict, expr: str) -> str:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}}
    clean.update({"DEBUG": "1", **env})
    result = subprocess.run(
        [sys.executable, "-c", f"import ucp.settings as s; print({expr})"],
        cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_with_redis_sessions_are_read_from_the_redis_cache():
    got = _settings_of({"REDIS_URL": "redis://redis.example:6379/0"},
                       "s.SESSION_ENGINE, s.CACHES['default']['BACKEND'], "
                       "s.CACHES['default']['OPTIONS']['socket_timeout']")
    assert got == f"{CACHED} django.core.cache.backends.redis.RedisCache 2.0"


def test_without_redis_sessions_stay_in_the_database():
    # A per-process memory cache would let another worker serve a signed-out session.
    got = _settings_of({}, "s.SESSION_ENGINE, s.CACHES['default']['BACKEND']")
    assert got == ("django.contrib.sessions.backends.db "
                   "django.core.cache.backends.locmem.LocMemCache")


def _session_queries(client, url="/"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = CACHED
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "session-cache-test"}}


@pytest.mark.django_db
def test_a_cached_session_costs_no_query_and_signing_out_ends_it(cached_sessions, client,
                                                                 officer):
    client.force_login(officer)
    client.get("/")
    response, queries = _session_queries(client)
    assert response.status_code == 200
    assert queries == []
    client.post("/sign-out/")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


class BrokenCache(BaseCache):
    """A cache whose server is away: every call raises, like Redis refusing a connection."""

    def __init__(self, location, params):
        super().__init__(params)

    def _away(self, *args, **kwargs):
        raise ConnectionError("cache unavailable")

    get = set = add = delete = has_key = touch = clear = incr = _away


@pytest.mark.django_db
def test_the_cache_away_is_not_an_outage(settings, client, officer):
    settings.SESSION_ENGINE = CACHED
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.BrokenCache"}}
    client.force_login(officer)
    response, queries = _session_queries(client)
    assert response.status_code == 200
    assert officer.get_username() in response.content.decode() or \
        officer.get_full_name() in response.content.decode()
    assert queries, "read from the database instead"
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("login"))


HEAVY = ("weasyprint", "pypdf", "pikepdf", "pydyf", "fontTools", "PIL")


def test_the_web_process_does_not_load_pdf_libraries_until_a_pdf_is_made():
    code = (
        "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ucp.settings');"
        "django.setup(); import ucp.urls; from django.urls import get_resolver;"
        "get_resolver().url_patterns;"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR,
                            env={**clean, "DEBUG": "1"}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
