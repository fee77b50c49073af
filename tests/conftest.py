"""Shared fixtures: directorates, the named personas, `make_case`; the rules for tests that
need PostgreSQL, Redis or a browser; and the stand-in for WeasyPrint (`real_pdf`).

Personas (all in `adults` except the outsider and the reviewer):
    officer, service_manager, senior_manager, reviewer (independent reviewer and senior
    manager in `resources`),
    lead (directorate lead, no casework role), admin_user (Administrator role),
    outsider (officer + service manager + senior manager in `children`).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import zoneinfo
from urllib.parse import urlsplit, urlunsplit

import pypdf
import pytest
from django.test import override_settings

from accounts.roles import Role
from governance import disclosure
from letters import rendering
from tests import factories, pdfstub

# The local OpenID Connect provider's fixtures (single sign-on; the browser tests use them too).
pytest_plugins = ["tests.sso.oidc"]

LONDON = zoneinfo.ZoneInfo("Europe/London")

# Named instants (Europe/London). 3 June 2025 is a Tuesday.
TUE_3_JUNE = dt.datetime(2025, 6, 3, 10, 0, tzinfo=LONDON)

# CI (.ci/run) sets UCP_REQUIRE_POSTGRES=1, DATABASE_URL and REDIS_URL: there every test that
# needs a service must run, and one that would skip fails instead (a locking test that
# silently skips proves nothing). The name is older than the Redis rule; it means "CI".
REQUIRE_SERVICES = os.environ.get("UCP_REQUIRE_POSTGRES") == "1"

# Markers that say a test needs something a developer's machine may not have.
SERVICE_MARKERS = ("postgres", "redis", "browser")


def db_is_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


# --- tests that need a service: PostgreSQL, Redis ----------------------------------------------


POSTGRES_MISSING = (
    "UCP_REQUIRE_POSTGRES=1 but the test database is not PostgreSQL: set "
    "DATABASE_URL=postgres://... (a locking test that silently skips proves nothing)"
)
REDIS_MISSING = (
    "UCP_REQUIRE_POSTGRES=1 (CI) but REDIS_URL is not set: set REDIS_URL=redis://..."
)
# Each test process gets Redis databases of its own, counted down from REDIS_URL's.
REDIS_DATABASES = 16


def redis_configured() -> str:
    """REDIS_URL, or "" when it is not set (the embedded default: Celery eager, no Redis)."""
    return os.environ.get("REDIS_URL", "")


def redis_test_url() -> str:
    """The Redis database this test process's `redis_db` tests may empty and consume from.

    Never REDIS_URL's own database, where the rest of the suite publishes what it queues
    (nothing consumes it there), and one per pytest-xdist worker, so that two workers'
    Celery workers never take each other's tasks: with REDIS_URL=redis://host/15 (CI) the
    worker gw0 (or a run without xdist) gets /14, gw1 /13, and so on.
    """
    url = urlsplit(redis_configured())
    base = int(url.path.strip("/") or 0)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if worker >= REDIS_DATABASES - 1:
        raise pytest.UsageError(f"too many xdist workers for {REDIS_DATABASES} Redis databases")
    return urlunsplit(url._replace(path=f"/{(base - 1 - worker) % REDIS_DATABASES}"))


_redis_answers: dict[str, bool] = {}


def redis_reachable(url: str | None = None) -> bool:
    """Whether the Redis of `url` (REDIS_URL by default) accepts a connection; asked once."""
    url = url or redis_configured()
    if url not in _redis_answers:
        parts = urlsplit(url)
        try:
            with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
                _redis_answers[url] = True
        except OSError:
            _redis_answers[url] = False
    return _redis_answers[url]


def pytest_collection_modifyitems(config, items):
    on_postgres = db_is_postgres()
    grouping = config.pluginmanager.hasplugin("xdist")
    for item in items:
        missing = []
        if item.get_closest_marker("postgres") and not on_postgres:
            missing.append(("ucp_postgres_missing", "PostgreSQL: set DATABASE_URL=postgres://..."))
        if item.get_closest_marker("redis") and not redis_configured():
            missing.append(("ucp_redis_missing", "Redis: set REDIS_URL=redis://..."))
        if missing and REQUIRE_SERVICES:
            # pytest.fail() in this hook itself would be an INTERNALERROR, so in CI the test
            # fails when it is set up instead.
            for marker, _ in missing:
                item.add_marker(getattr(pytest.mark, marker))
        elif missing:
            # Outside CI (a developer's embedded default) the service is simply not there:
            # the test says which one and how to provide it. In CI the branch above fails it.
            item.add_marker(pytest.mark.skip(
                reason="needs " + " and ".join(need for _, need in missing)))
        callspec = getattr(item, "callspec", None)
        if (callspec and "browser_name" in callspec.params
                and not item.get_closest_marker("browser")):
            # A parameter named like one of Playwright's fixtures (`page`, `context`) pulls
            # its browser in: the test ran as a browser test, outside the browser group, and
            # the flush after it emptied the seeded tables under every later test there.
            raise pytest.UsageError(
                f"{item.nodeid}: asks for a Playwright fixture but is not a browser test "
                "(rename a parameter called page, context or browser)"
            )
        if item.get_closest_marker("browser"):
            db = item.get_closest_marker("django_db")
            if db is None or not db.kwargs.get("transaction"):
                # The group is scheduled where its first test falls in pytest-django's
                # order; one plain django_db test in it sends the transactional ones (whose
                # flush empties the seeded tables) ahead of other workers' plain tests.
                raise pytest.UsageError(
                    f"{item.nodeid}: a browser test is django_db(transaction=True)"
                )
        if grouping and item.get_closest_marker("browser"):
            # One Chromium for all the browser tests, in one xdist worker (--dist loadgroup).
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_configure(config):
    config.addinivalue_line("markers", "ucp_postgres_missing: internal, see tests/conftest.py")
    config.addinivalue_line("markers", "ucp_redis_missing: internal, see tests/conftest.py")
    # WhiteNoise warns once per request that collectstatic has not run; irrelevant here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    # pytest-base-url (a pytest-playwright dependency), not ours.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


def pytest_runtest_setup(item):
    if item.get_closest_marker("ucp_postgres_missing"):
        pytest.fail(POSTGRES_MISSING, pytrace=False)
    if item.get_closest_marker("ucp_redis_missing"):
        pytest.fail(REDIS_MISSING, pytrace=False)
    if item.get_closest_marker("redis") and not redis_reachable():
        message = f"REDIS_URL is set but nothing answers there: {redis_configured()}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (CI must provide Redis)", pytrace=False)
        # A developer set REDIS_URL but stopped Redis: say so rather than fail on a socket.
        pytest.skip(message)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI, a test that needs a service and skipped anyway (whatever skipped it) fails."""
    report = yield
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        needs = [name for name in SERVICE_MARKERS if item.get_closest_marker(name)]
        if needs:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
            report.outcome = "failed"
            report.longrepr = (
                f"UCP_REQUIRE_POSTGRES=1 (CI): this test needs {', '.join(needs)} and may not "
                f"skip, but it skipped: {reason}"
            )
    return report


# --- speed and isolation ----------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _pdf_stand_in(request, monkeypatch):
    """WeasyPrint only for tests marked `real_pdf`; the others get `tests.pdfstub`'s PDF.

    A real render costs half a second to several seconds, and most tests that issue a
    letter ask only about its record. pypdf is guarded so a test that reads a stand-in
    (and would find nothing in it) fails, saying it needs the mark.
    """
    if request.node.get_closest_marker("real_pdf"):
        return
    monkeypatch.setattr(rendering, "html_to_pdf", pdfstub.stub_pdf)
    monkeypatch.setattr(disclosure, "html_to_tagged_pdf", pdfstub.stub_pdf)

    real_reader = pypdf.PdfReader

    def guarded_reader(stream, *args, **kwargs):
        data = stream.getvalue() if hasattr(stream, "getvalue") else None
        if data is not None and pdfstub.is_stub(data):
            pytest.fail(
                "this test reads a stand-in PDF: mark it @pytest.mark.real_pdf to have "
                "WeasyPrint render it", pytrace=False,
            )
        return real_reader(stream, *args, **kwargs)

    monkeypatch.setattr(pypdf, "PdfReader", guarded_reader)
    module = getattr(request, "module", None)
    if getattr(module, "PdfReader", None) is real_reader:
        monkeypatch.setattr(module, "PdfReader", guarded_reader)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path, monkeypatch):
    """Uploads go to a per-test folder, never into the project.

    `ContactAttachment.file` evaluates its storage callable when the model class is
    loaded, so overriding STORAGES alone would not reach it: the field is pointed at the
    overridden storage too.
    """
    from django.core.files.storage import storages

    from cases.models import ContactAttachment, KeptUpload

    location = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "ucp.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    from governance.models import SubjectAccessRequest

    for model, name in ((ContactAttachment, "file"), (KeptUpload, "file"),
                        (SubjectAccessRequest, "internal_copy"),
                        (SubjectAccessRequest, "release_copy")):
        monkeypatch.setattr(model._meta.get_field(name), "storage", storages["private"])
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


@pytest.fixture
def redis_db(request):
    """A real Redis database of this test process's own (`redis_test_url`), emptied before
    and after; its URL. Only for tests marked `redis`, which run where REDIS_URL is set
    (skipped elsewhere, failed in CI if it is not)."""
    if not request.node.get_closest_marker("redis"):
        pytest.fail("a test that uses redis_db must be marked @pytest.mark.redis", pytrace=False)
    import redis

    url = redis_test_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
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
    importlib.import_module("accounts.migrations.0006_information_governance_group").create_group(
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
