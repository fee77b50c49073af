"""Shared fixtures: directorates, the named personas, `make_case`, and the PostgreSQL rule.

Personas (all in `adults` except the outsider and the reviewer):
    officer, service_manager, senior_manager, reviewer (independent reviewer and senior
    manager in `resources`),
    lead (directorate lead, no casework role), admin_user (Administrator role),
    outsider (officer + service manager + senior manager in `children`).
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

import pytest
from django.test import override_settings

from accounts.roles import Role
from tests import factories

LONDON = zoneinfo.ZoneInfo("Europe/London")

# Named instants (Europe/London). 3 June 2025 is a Tuesday.
TUE_3_JUNE = dt.datetime(2025, 6, 3, 10, 0, tzinfo=LONDON)

REQUIRE_POSTGRES = os.environ.get("UCP_REQUIRE_POSTGRES") == "1"


def db_is_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


# --- PostgreSQL-only tests ------------------------------------------------------------------


POSTGRES_MISSING = (
    "UCP_REQUIRE_POSTGRES=1 but the test database is not PostgreSQL: set "
    "DATABASE_URL=postgres://... (a locking test that silently skips proves nothing)"
)


def pytest_collection_modifyitems(config, items):
    postgres_items = [item for item in items if item.get_closest_marker("postgres")]
    if not postgres_items or db_is_postgres():
        return
    for item in postgres_items:
        # CI sets UCP_REQUIRE_POSTGRES=1: there every postgres test fails (not skips).
        # pytest.fail() in this hook itself would be an INTERNALERROR, so it is raised
        # when each test is set up instead.
        item.add_marker(pytest.mark.ucp_postgres_missing if REQUIRE_POSTGRES else
                        pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://..."))


def pytest_configure(config):
    config.addinivalue_line("markers", "ucp_postgres_missing: internal, see tests/conftest.py")
    # WhiteNoise warns once per request that collectstatic has not run; irrelevant here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    # pytest-base-url (a pytest-playwright dependency), not ours.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


def pytest_runtest_setup(item):
    if item.get_closest_marker("ucp_postgres_missing"):
        pytest.fail(POSTGRES_MISSING, pytrace=False)


# --- speed and isolation ----------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path, monkeypatch):
    """Uploads go to a per-test folder, never into the project.

    `ContactAttachment.file` evaluates its storage callable when the model class is
    loaded, so overriding STORAGES alone would not reach it: the field is pointed at the
    overridden storage too.
    """
    from django.core.files.storage import storages

    from cases.models import ContactAttachment

    location = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "ucp.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    monkeypatch.setattr(ContactAttachment._meta.get_field("file"), "storage", storages["private"])
    return location


@pytest.fixture
def letter_storage(private_media, monkeypatch):
    """Issued letters and policy PDFs go to the per-test folder too (their FileFields took
    their storage when the model was loaded, like `ContactAttachment`'s)."""
    from django.core.files.storage import storages

    from letters.models import Letter, PolicyVersion

    for model in (Letter, PolicyVersion):
        monkeypatch.setattr(model._meta.get_field("pdf"), "storage", storages["private"])
    return private_media


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the test's process, even where REDIS_URL names a broker (as in
    CI, which has no worker for them)."""
    from ucp.celery import app

    wanted = {"task_always_eager": True, "task_eager_propagates": True}
    before = {key: app.conf.get(key) for key in wanted}
    app.conf.update(wanted)
    yield
    app.conf.update(before)


# A Redis database of the tests' own on the machine's Redis (CI's runs use database 15).
TEST_REDIS_URL = "redis://127.0.0.1:6379/14"


def redis_reachable() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_db():
    """The real Redis, database 14, emptied before and after. Skipped where no Redis runs on
    127.0.0.1:6379, except in CI (UCP_REQUIRE_POSTGRES=1), where that fails the test."""
    if not redis_reachable():
        if REQUIRE_POSTGRES:
            pytest.fail("Redis is not reachable on 127.0.0.1:6379 (CI must provide it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield TEST_REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def reference_data(transactional_db):
    """What the data migrations seed (role groups, the 26 indicators, the policy), put back.

    A transactional test (live_server, PostgreSQL threads) ends with a flush that empties
    every table, seeded ones included. `serialized_rollback` cannot be relied on to restore
    them: once Playwright's event loop is running, Django hands the test a different
    connection object, one without the serialized copy. Re-running the (idempotent) seed
    functions is simple and certain.
    """
    import importlib

    from django.apps import apps as django_apps

    importlib.import_module("accounts.migrations.0002_role_groups").create_groups(
        django_apps, None
    )
    importlib.import_module("cases.migrations.0002_seed_indicators").seed(django_apps, None)
    importlib.import_module("letters.migrations.0002_seed_policy_v5").seed(django_apps, None)


# --- directorates and personas ---------------------------------------------------------------


@pytest.fixture
def adults(db):
    return factories.DirectorateFactory(name="Adults", short_name="adults")


@pytest.fixture
def children(db):
    return factories.DirectorateFactory(name="Children", short_name="children")


# role name -> (username, first name, last name, roles, home directorate, extra fields)
PERSONA_SPECS = {
    "officer": ("olivia", "Olivia", "Officer", [Role.OFFICER], "adults", {}),
    "service_manager": ("sam", "Sam", "Servicemanager", [Role.SERVICE_MANAGER], "adults", {}),
    "senior_manager": ("sian", "Sian", "Senior", [Role.SENIOR_MANAGER], "adults", {}),
    # An independent reviewer is a senior manager from another directorate (Resources):
    # they see a case only once a challenge to it is theirs to decide.
    "reviewer": (
        "rory", "Rory", "Reviewer", [Role.INDEPENDENT_REVIEWER, Role.SENIOR_MANAGER],
        "resources", {},
    ),
    "lead": ("lee", "Lee", "Lead", [Role.DIRECTORATE_LEAD], "adults", {}),
    # The Administrator role manages reference data and accounts: no casework access.
    "admin": ("ada", "Ada", "Admin", [Role.ADMINISTRATOR], "adults", {"is_staff": True}),
    # Holds every managing role, but in another directorate.
    "outsider": (
        "oscar", "Oscar", "Outsider",
        [Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER], "children", {},
    ),
}


def create_persona(role: str, directorates: dict):
    username, first, last, roles, home, extra = PERSONA_SPECS[role]
    return factories.UserFactory(
        username=username, first_name=first, last_name=last, roles=roles,
        directorates=[directorates[home]], **extra,
    )


@pytest.fixture
def officer(adults):
    return create_persona("officer", {"adults": adults})


@pytest.fixture
def service_manager(adults):
    return create_persona("service_manager", {"adults": adults})


@pytest.fixture
def senior_manager(adults):
    return create_persona("senior_manager", {"adults": adults})


@pytest.fixture
def resources(db):
    return factories.DirectorateFactory(name="Resources", short_name="resources")


@pytest.fixture
def reviewer(resources):
    return create_persona("reviewer", {"resources": resources})


@pytest.fixture
def lead(adults):
    return create_persona("lead", {"adults": adults})


@pytest.fixture
def admin_user(adults):
    """Overrides pytest-django's superuser fixture of the same name."""
    return create_persona("admin", {"adults": adults})


@pytest.fixture
def outsider(children):
    return create_persona("outsider", {"children": children})


# Matrix role names -> persona fixtures.
PERSONAS = {
    "officer": "officer",
    "service_manager": "service_manager",
    "senior_manager": "senior_manager",
    "reviewer": "reviewer",
    "lead": "lead",
    "admin": "admin_user",
    "outsider": "outsider",
}


@pytest.fixture
def persona(request):
    """`persona("lead")` -> the lead user (for parametrised role names)."""

    def get(role: str):
        return request.getfixturevalue(PERSONAS[role])

    return get


# --- records ----------------------------------------------------------------------------------


@pytest.fixture
def indicators(db):
    return factories.some_indicators(3)


@pytest.fixture
def customer(adults):
    return factories.CustomerFactory(
        full_name="Morgan Hartley-Evans",
        address="14 Warwick Road\nCarlisle",
        postcode="CA1 2BS",
        email="morgan.he@example.org",
        phone="01228 606 060",
        directorates=[adults],
    )


@pytest.fixture
def make_case(adults, officer, service_manager, senior_manager):
    """`make_case("awaiting_decision", ...)`: a case in `adults` driven there by the personas."""

    def make(state: str, **kwargs):
        if kwargs.get("directorate", adults) == adults:
            kwargs.setdefault("officer", officer)
            kwargs.setdefault("service_manager", service_manager)
            kwargs.setdefault("senior_manager", senior_manager)
        kwargs.setdefault("directorate", adults)
        return factories.make_case(state, **kwargs)

    return make


@pytest.fixture
def login(client):
    """`login(user)` -> the test client, signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
