"""Settings of the bare reference view: Django's default middleware, a database session,
`login_required`, one primary-key query, a small template. The same database, the same
users and the same gunicorn as the app; nothing of the app is installed."""

from __future__ import annotations

import os

import dj_database_url

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "benchmarks.bare.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {
            "bare.html": (
                "<!doctype html><html lang=\"en\"><head><title>{{ row.1 }}</title></head>"
                "<body><main data-bench=\"bare\"><h1>{{ row.1 }}</h1><p>Reference "
                "{{ row.2 }}, for {{ user.get_username }}.</p></main></body></html>"
            ),
        })]},
    }
]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600"))
    )
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_SECURE = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING = {"version": 1, "root": {"level": "WARNING"}}
