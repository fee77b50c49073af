"""Time the directorate report page at 20,000 cases: a benchmark, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucp_reports_dev \\
        .venv/bin/python benchmarks/report_page.py [--cases 20000] [--requests 50]

Migrates the database DATABASE_URL names, tops it up with `manage.py seed_volume` until it
holds at least `--cases` cases (what is already there is reused, so a second run starts
timing at once), signs in a directorate lead and a council-wide lead through Django's test
client, and times `--requests` requests of the report page for each, after a warm-up. It
prints the median and the 95th percentile. The target is 300 ms at the median on this
machine. It runs with DEBUG off, as in production (SECRET_KEY and ALLOWED_HOSTS get
benchmark-only values unless set); static files are served unhashed, as `collectstatic` has
not run. Use a database of its own: it adds thousands of fictional customers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.django_setup import setup_django  # noqa: E402

setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Directorate, StaffProfile  # noqa: E402
from accounts.roles import GROUP_NAMES, Role  # noqa: E402
from cases.models import DesignationCase  # noqa: E402

STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def seed(target: int) -> int:
    round_ = 0
    while (have := DesignationCase.objects.count()) < target:
        customers = max(1, int((target - have) / 1.04))
        print(f"seeding: {have} cases, adding about {customers} customers …", flush=True)
        call_command("seed_volume", customers=customers, seed=2026 + round_)
        round_ += 1
    return DesignationCase.objects.count()


def lead_user(username: str, *, directorate=None, council_wide: bool = False):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Benchmark", "last_name": "Lead"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.DIRECTORATE_LEAD]))
        profile = StaffProfile.objects.create(user=user, council_wide=council_wide)
        if directorate is not None:
            profile.directorates.add(directorate)
    return user


def time_requests(user, path: str, params: dict, n: int) -> tuple[list[float], int]:
    client = Client()
    client.force_login(user)
    for _ in range(3):  # warm-up: templates compiled, connection open
        assert client.get(path, params).status_code == 200
    reset_queries()  # each request resets the log; count from empty
    with CaptureQueriesContext(connection) as queries:
        client.get(path, params)
    count = len(queries)  # now: the next request empties the log it reads
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return timings, count


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0)
    total = seed(args.cases)
    busiest = (
        DesignationCase.objects.values("lead_directorate")
        .annotate(n=Count("id")).order_by("-n").first()
    )
    directorate = Directorate.objects.get(pk=busiest["lead_directorate"])
    print(f"{total} cases; {directorate.name} leads {busiest['n']}")

    lead = lead_user("benchmark-lead", directorate=directorate)
    everyone = lead_user("benchmark-lead-all", council_wide=True)
    today = timezone.localdate()
    two_years = {"period": "custom", "start": (today - dt.timedelta(days=730)).isoformat(),
                 "end": today.isoformat()}
    runs = [
        ("lead, this year to date (the default page)", lead, {}),
        ("lead, the last two years", lead, two_years),
        ("council-wide lead, side by side", everyone, {}),
        ("lead, one table as CSV", lead, {"format": "csv", "table": "reasons"}),
    ]

    with override_settings(STORAGES=STATIC):
        for label, user, params in runs:
            timings, queries = time_requests(user, "/reports/", params, args.requests)
            print(
                f"{label:45} median {statistics.median(timings):6.1f} ms   "
                f"p95 {p95(timings):6.1f} ms   ({args.requests} requests, {queries} queries)"
            )


if __name__ == "__main__":
    main()
