"""Settings for the Unreasonable Customer Policy case system.

Everything that differs between a laptop and production comes from the environment;
see the configuration table in README.md. With no environment at all the project runs on
an SQLite file with Celery tasks executed eagerly, which is what `make run` uses.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ucp.csp import JS_ENABLED_SCRIPT_HASH

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The embedded demo (`make run` sets DEMO=1): a laptop, not production, but with DEBUG off,
# so staff see the app's own error pages (not Django's technical 404, which lists every
# URL), static files come from WhiteNoise and mail is one line per message on the console.
DEMO = env_bool("DEMO", False)
LOCAL = DEBUG or DEMO
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

# Commands that only read the code (no sessions, no signing) may run without a key, so a
# developer can check migrations or print the API schema without setting one.
CODE_ONLY_COMMAND = len(sys.argv) > 1 and sys.argv[1] in {
    "makemigrations", "spectacular", "workflow_diagram"
}

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if LOCAL or TESTING or CODE_ONLY_COMMAND:
        SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG and DEMO are off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if LOCAL or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "csp",
    "ucp",
    "accounts",
    "cases",
    "sanctions",
    "reviews",
    "letters",
    "outbox",
    "reports",
    "api",
    "sso",
    "governance",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, above the headers below: they keep their long caching.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "ucp.middleware.PrivateResponseHeadersMiddleware",
    # Before the session is looked up or any view runs: NUL and control characters in the
    # path, query, form, cookies, headers or a JSON body are a 400 (ucp/input.py).
    "ucp.input.RefuseControlCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the idle timeout, which tells the user why they were signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "ucp.sessions.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The personal data access log: what the scoped selectors handed out, in one INSERT
    # once the view has answered (cases/access_log.py).
    "cases.access_log.AccessLogMiddleware",
    # A merged-away customer reference redirects to the surviving record (cases.merge_views).
    "cases.merge_views.MergedReferenceMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ucp.urls"
WSGI_APPLICATION = "ucp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ucp.context_processors.council",
                "ucp.context_processors.session_timeout",
            ],
            # `person` and the state tags, in every template without a {% load %}.
            "builtins": ["ucp.templatetags.ucp_tags"],
        },
    },
]
# GOV.UK markup for {{ form }} and {{ field.as_field_group }}: templates/govuk/.
FORM_RENDERER = "ucp.forms.GovukFormRenderer"

# --- JSON API for telephony and CRM systems (api/) ----------------------------------------
# Systems authenticate with a token (`manage.py drf_create_token USERNAME`); staff signed in
# to the site may also use it from the browser. Access is scoped like the pages.
REST_FRAMEWORK = {
    # Token first, so that a request without credentials gets 401 with a Token challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ScopedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Unreasonable Customer Policy – restriction check API",
    "DESCRIPTION": (
        "Read-only checks for the council's telephony and CRM systems: is a contact with a "
        "customer within the restrictions in force, and what are they? Token authentication "
        "(`Authorization: Token <key>`); a token's user sees only the customers of their "
        "directorates."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The operations' descriptions live in api/schema.py, applied when a schema is made.
    "PREPROCESSING_HOOKS": ["api.schema.annotate"],
}

# --- Database ---------------------------------------------------------------------------
# CONN_MAX_AGE keeps connections open between requests: a new connection per request was
# measured on this project's hardware to cost 3.6x throughput.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")


def _server_setting(setting: str) -> None:
    """A PostgreSQL setting for every connection, as a libpq option (`-c name=value`)."""
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c {setting}".strip()


if DATABASE_IS_POSTGRES and os.environ.get("PG_JIT", "0") != "1":
    # PostgreSQL's JIT compiles any query its planner costs high, and a page's scoped
    # queries are costed high (subplans over the council's cases) while running in
    # milliseconds: at 20,000 cases the home page's scan spent 3 s compiling, 0.1 s running.
    _server_setting("jit=off")
if DATABASE_IS_POSTGRES:
    # pg_trgm's `%` (the duplicate check's similar names, search's near spellings) at 0.5,
    # not its 0.3: the GIN index then finds 358 names like "nixon zach" among 100,000 in
    # 15 ms, where at 0.3 it fetched 6,000 rows to recheck (70 ms). Not higher: "John
    # Smyth" is 0.57 like "John Smith", and the duplicate check must still find him.
    # Search asks for 0.6 in SQL (cases.people.SEARCH_SIMILARITY). A libpq option, so it
    # holds for every connection; behind PgBouncer set it with ALTER DATABASE ... SET.
    _server_setting("pg_trgm.similarity_threshold=0.5")
if DATABASE_IS_POSTGRES:
    # No parallel workers for a page's query unless PG_PARALLEL_WORKERS says how many: with
    # every core already serving requests, a search that fanned out to two more processes
    # cost more in all (100,000 customers, under load: search 24 req/s with them, 37
    # without; the other pages the same either way).
    _server_setting("max_parallel_workers_per_gather="
                    f"{int(os.environ.get('PG_PARALLEL_WORKERS') or 0)}")
PG_PREPARE_THRESHOLD = os.environ.get("PG_PREPARE_THRESHOLD", "2").strip().lower()
if DATABASE_IS_POSTGRES and PG_PREPARE_THRESHOLD != "off":
    # Parameters bound by the server, and a statement a connection has run twice prepared
    # at its next run (psycopg's automatic preparation): a page's scoped queries took
    # PostgreSQL longer to plan than to run (the senior manager's home page: 10.6 ms of
    # planning a request against 2 ms of execution), and a prepared statement is planned
    # once for its connection, which CONN_MAX_AGE keeps. Django's default is the opposite,
    # for transaction-mode poolers: behind PgBouncer before 1.21 (or without its
    # max_prepared_statements), set PG_PREPARE_THRESHOLD=off.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["server_side_binding"] = True
    _options["prepare_threshold"] = int(PG_PREPARE_THRESHOLD)
# The access log's rows commit without waiting for the disk (cases.access_log.write): a
# crash of the database server itself could lose the last fraction of a second of them.
# 1 makes them wait for the flush like every other write.
ACCESS_LOG_SYNCHRONOUS_COMMIT = os.environ.get("ACCESS_LOG_SYNCHRONOUS_COMMIT", "0") == "1"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite connections are per thread and cheap; keeping them open only adds lock waits.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local passwords (the embedded demo and break-glass accounts; staff use single sign-on
# where it is configured): 12 characters or more, and nothing an attacker tries first.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Seasons, months, "password", the council's name, the roles: with digits added.
    {"NAME": "accounts.passwords.GuessablePasswordValidator"},
]

# --- Sign-in lockout (django-axes) ------------------------------------------------------
# Axes' backend comes before the password backend in AUTHENTICATION_BACKENDS (set with single
# sign-on's settings, below): it refuses a locked-out account or address before any password
# is checked.
# Axes only counts authenticate() calls that carry a request and a username.
# Locked per account (whatever address the guesses come from) and per address (one
# address trying many accounts), after AXES_FAILURE_LIMIT failures within the cool-off,
# for AXES_COOLOFF_MINUTES after the last failure; a failure while locked starts it again.
# A successful sign-in does not wipe the count: with per-address counting it would let
# someone with one account of their own reset the count between guesses at others.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "30"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
# Every failure is kept (AccessFailureLog) as well as the running count (AccessAttempt),
# both read-only lists in /admin/; deleting an attempt there unlocks.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.signin.client_ip"
# Reverse proxies in front of the app whose X-Forwarded-For is believed: behind one (the
# usual TLS proxy) set 1, or every failure counts against the proxy's own address.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Time -------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# `npm run build` writes GOV.UK Frontend's assets and the council stylesheet here.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Correspondence uploads: outside any web root, no base URL, served only through a view
    # that checks the user may see the customer.
    "private": {
        "BACKEND": "ucp.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")),
        },
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not LOCAL and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only. Behind a proxy that terminates TLS and sends X-Forwarded-Proto (above)
    # this redirects only what came in over plain HTTP; SECURE_SSL_REDIRECT=0 where the
    # proxy does the redirecting itself (or cannot send the header, which would loop).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The health check is asked over plain HTTP from inside the network (Docker, a load
    # balancer's probe): a redirect to HTTPS there would fail the probe, never loop.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is the owner of the council's domain's decision, for all its subdomains,
    # not this service's: off unless asked for, and then `check --deploy` need not say so.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content Security Policy (django-csp): nothing inline runs or styles a page. The one inline
# script, GOV.UK Frontend's js-enabled snippet, is allowed by its hash, as are the <style>
# blocks of a letter or the quarterly report on the responses that show one (ucp/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", JS_ENABLED_SCRIPT_HASH],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Powerful browser features no page here uses; none may be used by anything on them either.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
    "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
    "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
    "usb", "xr-spatial-tracking",
))

# --- Sessions ---------------------------------------------------------------------------
# Signed out after SESSION_IDLE_MINUTES without a request (the timeout warning's own polling
# does not count), and SESSION_MAX_HOURS after signing in whatever happens (ucp/sessions.py).
# The page warns SESSION_WARNING_SECONDS before the idle timeout and offers to stay signed in.
SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = float(os.environ.get("SESSION_MAX_HOURS", "10"))
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
# The session row and cookie outlive neither: each request that counts saves the session,
# which moves its expiry on; the middleware enforces the idle and absolute limits.
SESSION_COOKIE_AGE = int(SESSION_MAX_HOURS * 60 * 60)

# --- Email ------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    # One line per message (to, subject, attachments), not the whole MIME text with
    # base64 PDFs; EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend for that.
    "ucp.mail.OneLineConsoleBackend"
    if LOCAL
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ucp-no-reply@council.example")

# --- Celery -----------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A save must never wait long on Redis: what it queues is in the outbox table (outbox/), so
# a publish that fails is retried by the relay, not by the user. These bound one publish to
# about BROKER_TIMEOUT seconds whether Redis refuses, never answers the connection, or
# hangs once connected: the connect timeout, the read/write timeout, and (max_retries) one
# more connection attempt rather than retrying until the timeout. The worker's own
# reconnecting is set apart (broker_connection_max_retries) and is not shortened by this.
BROKER_TIMEOUT = float(os.environ.get("BROKER_TIMEOUT", "2"))
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT,
    "socket_timeout": BROKER_TIMEOUT,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
# --- Cache and sessions -------------------------------------------------------------------
# With Redis, the cache is Redis (its own key prefix beside Celery's keys, the same short
# timeouts as the broker) and each request's session is read from it instead of a query
# (ucp/session_store.py: the database stays the record, and Redis away is not an outage).
# Without Redis the cache is per process, so sessions stay in the database: another
# worker's copy of a session would outlive signing out.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ucp",
            "OPTIONS": {
                "socket_connect_timeout": BROKER_TIMEOUT,
                "socket_timeout": BROKER_TIMEOUT,
            },
        }
    }
    SESSION_ENGINE = "ucp.session_store"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Named tasks only; the sweeps themselves live in the apps (issue 4 adds them).
    # A crontab's fields as plain values ({"crontab": {...}}), made a crontab by ucp.celery:
    # importing Celery here would load it into every web worker.
    "heartbeat": {"task": "ucp.tasks.heartbeat", "schedule": {"crontab": {"minute": "*/15"}}},
    # Sends what a save queued while Redis was away (outbox/); each message goes once.
    "outbox-relay": {"task": "outbox.relay", "schedule": 60.0},
}

# --- Council branding -------------------------------------------------------------------
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Cumbria County Council")
SERVICE_NAME = "Unreasonable Customer Policy"
# Where staff reach this system: links in reminder and escalation emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Letters (letters/) -----------------------------------------------------------------
# The council's postal address, one line per comma, printed on every letter; and where a
# customer sends a written request for a review of a designation (section 2.4).
COUNCIL_ADDRESS = env_list(
    "COUNCIL_ADDRESS", "Cumbria House, 117 Botchergate, Carlisle, CA1 1RD"
)
REVIEW_REQUESTS_TEAM = os.environ.get("REVIEW_REQUESTS_TEAM", "Complaints and Reviews Team")
REVIEW_REQUESTS_EMAIL = os.environ.get("REVIEW_REQUESTS_EMAIL", "reviews@council.example")
REVIEW_REQUESTS_URL = os.environ.get("REVIEW_REQUESTS_URL", "")

# --- Challenges, reviews and deadlines (reviews/) ------------------------------------------
# Reminders go this many days before each due date (a challenge decision, a six-month review);
# the six-month review record opens this many days before it is due.
REMINDER_DAYS_BEFORE = [int(d) for d in env_list("REMINDER_DAYS_BEFORE", "7,2")]
REVIEW_OPEN_DAYS_BEFORE = int(os.environ.get("REVIEW_OPEN_DAYS_BEFORE", "28"))
# Days after a designation by which the customer's letter and the council's notice should
# have gone; after that the sweep reminds the senior managers, once.
NOTIFY_WITHIN_DAYS = int(os.environ.get("NOTIFY_WITHIN_DAYS", "5"))
# The daily sweep (reviews.sweep): windows closed, reminders, overdue escalations, lapses,
# reviews opened. Europe/London time (CELERY_TIMEZONE), so 06:30 is 06:30 all year round.
# The earliest date a contact, warning, matter or decision may carry (ucp/dates.py): a
# "1899" or a "0001" is a typing slip. The day the council's records of this kind begin.
RECORDS_START = dt.date.fromisoformat(os.environ.get("RECORDS_START", "2000-01-01"))

SWEEP_HOUR = int(os.environ.get("SWEEP_HOUR", "6"))

# Retention (governance/retention.py): a customer's records are due for disposal this many
# years after their last case closed, or, if never referred, after their last contact or
# warning. Never while a case is open, a sanction runs or a legal hold is in place; the
# daily sweep proposes, the information governance role approves.
RETENTION_YEARS_AFTER_CASE_CLOSED = int(os.environ.get("RETENTION_YEARS_AFTER_CASE_CLOSED", "6"))
RETENTION_YEARS_AFTER_LAST_CONTACT = int(
    os.environ.get("RETENTION_YEARS_AFTER_LAST_CONTACT", "6")
)
CELERY_BEAT_SCHEDULE["reviews-sweep"] = {
    "task": "reviews.sweep",
    "schedule": {"crontab": {"hour": SWEEP_HOUR, "minute": 30}},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own console handler would print every request error twice beside root's.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# --- Single sign-on (sso/) ------------------------------------------------------------------
# On when an OpenID Connect client is configured. Then local passwords are for break-glass
# accounts only, and the admin cannot set other people's passwords. mozilla-django-oidc
# reads the OIDC_* names below; sso.config gives it the provider's endpoints, from these
# settings or, when they are empty, from OIDC_OP_ISSUER's discovery document (fetched on
# first use, never at import, and cached).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
# The claim that carries the values the mapping table maps (Entra: `groups`, object ids, or
# `roles`, app roles), and the one that names the person for good (Entra: `oid` or `sub`).
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_SUBJECT_CLAIM = os.environ.get("OIDC_SUBJECT_CLAIM", "sub")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "Microsoft")
# Seconds to wait on the provider (discovery, token, keys, userinfo); the library's default
# is to wait for ever, which would hold a web worker.
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_USE_PKCE = True
# Kept in the session for the provider's sign-out (id_token_hint).
OIDC_STORE_ID_TOKEN = True
# The local accounts that may still sign in with a password once single sign-on is on.
BREAK_GLASS_ACCOUNTS = env_list("BREAK_GLASS_ACCOUNTS", "")
if OIDC_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured("OIDC_RP_CLIENT_ID is set: set OIDC_RP_CLIENT_SECRET too.")
if OIDC_ENABLED and not OIDC_OP_ISSUER and not (
    OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT
):
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set: set OIDC_OP_ISSUER (its discovery document gives the "
        "endpoints), or OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT and "
        "OIDC_OP_JWKS_ENDPOINT."
    )
# Passwords first (break-glass accounts only, once single sign-on is on), then the provider.
# Both are always listed: each asks settings.OIDC_ENABLED when it is used.
# Single sign-on first: it answers only the provider's callback (a code it exchanges), so a
# network address locked out for wrong passwords (a council office behind one address)
# does not stop its staff signing in through the provider, whose own MFA and lockout guard
# that route. Then axes, before any password is checked; then the passwords.
AUTHENTICATION_BACKENDS = [
    "sso.backends.OIDCBackend",
    "axes.backends.AxesStandaloneBackend",
    "sso.backends.LocalPasswordBackend",
]
# Signing out after single sign-on is a form POST that redirects to the provider's end-session
# endpoint; browsers apply the page's form-action to that redirect too. Entra's endpoints
# share the issuer's origin (login.microsoftonline.com).
if OIDC_ENABLED:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += sorted({
        "{0.scheme}://{0.netloc}".format(urlsplit(url))
        for url in (OIDC_OP_ISSUER, OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_LOGOUT_ENDPOINT)
        if url
    })
