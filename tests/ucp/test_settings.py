"""Settings that protect personal data and keep time right."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]


def _import_settings(env: dict, show: str = "s.DATABASE_IS_POSTGRES, "
                     "s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG") -> subprocess.CompletedProcess:
    """Import ucp.settings in a clean interpreter (not under pytest) with `env`, printing
    the `show` expressions (of `s`, the settings module)."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import ucp.settings as s; print({show})"],
        cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60,
    )


def test_time_is_london_and_aware():
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True


def test_every_page_needs_sign_in_by_default():
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    assert settings.LOGIN_URL == "login"


def test_cookies_and_framing_are_locked_down():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is True
    assert settings.X_FRAME_OPTIONS == "DENY"
    # The session row and cookie last no longer than the absolute cap (ucp/sessions.py).
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_HOURS * 60 * 60 <= 10 * 60 * 60
    assert settings.SESSION_IDLE_MINUTES == 30


def test_history_records_the_request_user():
    assert "simple_history.middleware.HistoryRequestMiddleware" in settings.MIDDLEWARE


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_a_secret_key_starts_and_reads_the_environment():
    result = _import_settings({
        "DEBUG": "0", "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u:p@db.example:5432/ucp",
        "REDIS_URL": "redis://redis.example:6379/0",
    })
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "False"]


def test_without_redis_tasks_run_eagerly():
    result = _import_settings({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def _demo_settings(env: dict) -> list[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DEBUG", "DEMO", "DATABASE_URL", "REDIS_URL",
                       "EMAIL_BACKEND"}}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "import ucp.settings as s; print(s.DEBUG, s.EMAIL_BACKEND, "
         "','.join(s.ALLOWED_HOSTS), bool(s.SECRET_KEY), "
         "getattr(s, 'SESSION_COOKIE_SECURE', False), sep='|')"],
        cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split('|')


def test_the_demo_runs_with_debug_off_so_staff_see_the_apps_own_error_pages():
    # `make run` sets DEMO=1: no technical 404 listing every URL, mail as one line a message.
    debug, backend, hosts, has_key, secure_cookies = _demo_settings({"DEMO": "1"})
    assert debug == "False"
    assert backend == "ucp.mail.OneLineConsoleBackend"
    assert hosts == "127.0.0.1,localhost"
    assert has_key == "True"
    assert secure_cookies == "False"  # http://127.0.0.1: cookies must still be sent


def test_make_run_uses_the_demo_mode_not_debug():
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "run: export DEMO ?= 1" in makefile
    assert "run: export DEBUG" not in makefile


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_apps_postgresql_sessions_run_without_jit_or_parallel_workers():
    """Set per connection (libpq options): no JIT (a scoped query costed high compiled for
    seconds), no parallel workers (under load a search that fanned out cost more in all),
    and pg_trgm's threshold at 0.5 (cases.matching relies on it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        found = {}
        for name in ("jit", "max_parallel_workers_per_gather", "pg_trgm.similarity_threshold"):
            cursor.execute(f"SHOW {name}")
            found[name] = cursor.fetchone()[0]
    assert found == {"jit": "off", "max_parallel_workers_per_gather": "0",
                     "pg_trgm.similarity_threshold": "0.5"}


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_a_connection_repeats_is_prepared_and_planned_once():
    """The app's connections bind parameters on the server and keep a repeated statement
    prepared (PG_PREPARE_THRESHOLD, 2 runs): a page's scoped queries took PostgreSQL
    longer to plan than to run. Any parameter values: the statement is the same."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    User = get_user_model()

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for username in ("first-probe", "second-probe", "third-probe"):
        list(User.objects.filter(username=username, is_active=True))
    statements = [s for s in prepared() if '"auth_user"."username" = $1' in s]
    assert len(statements) == 1, prepared()


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    """PG_PREPARE_THRESHOLD=off: Django's own default (client-side binding, nothing
    prepared), for PgBouncer in transaction mode without prepared statement support."""
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}
    show = ("s.DATABASES['default']['OPTIONS'].get('server_side_binding'), "
            "s.DATABASES['default']['OPTIONS'].get('prepare_threshold')")
    off = _import_settings({**env, "PG_PREPARE_THRESHOLD": "off"}, show)
    assert off.stdout.split() == ["None", "None"], off.stderr
    assert _import_settings(env, show).stdout.split() == ["True", "2"]
    assert _import_settings({"DEBUG": "1"}, show).stdout.split() == ["None", "None"]
