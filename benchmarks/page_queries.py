"""The SQL each page runs against a seeded database: a measurement, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vol20k \\
        .venv/bin/python benchmarks/page_queries.py [--sql] [--only home-senior,front-desk]

Signs in the demo users (`seed_demo`) through Django's test client and requests each page
twice (a warm-up, then the measured one), all inside one transaction that is rolled back:
the database is left as it was, access-log rows and sessions included, so it can be run
against a shared read-only volume database. It prints, per page, the status, the bytes, the
queries and how many of them repeat a query shape (`tests/perf/bounds.py`'s rule); `--sql`
prints every statement too, `--time N` the median time of N more requests (in this one
process, DEBUG off: a measure of the page's own cost, not a load test). Issue 13's limit
is 12 queries with no repeated shape.
"""

from __future__ import annotations

import argparse
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
from django.db import transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from cases.models import CaseState, DesignationCase  # noqa: E402
from tests.perf.bounds import page_cost  # noqa: E402

# collectstatic has not run: static files unhashed.
STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


class Rollback(Exception):
    pass


def pages(customer: str) -> list[tuple[str, str, str, bool]]:
    """(name, username, url, api)."""
    check = f"customer={customer}&channel=phone&at=2026-06-02T10:00"
    return [
        ("home-officer", "officer", "/", False),
        ("home-manager", "manager", "/", False),
        ("home-senior", "senior", "/", False),
        ("home-reviewer", "reviewer", "/", False),
        ("front-desk", "officer", f"/front-desk/?customer={customer}", False),
        ("front-desk-check", "officer",
         f"/front-desk/?customer={customer}&check=&channel=phone&at=2026-06-02T10:00"
         "&duration_minutes=20", False),
        ("api-check", "officer", f"/api/v1/restriction-check/?{check}", True),
        ("report-lead", "lead", "/reports/", False),
        ("report-lead-all", "lead-all", "/reports/", False),
        ("report-cases", "senior", "/reports/cases/?figure=invocations", False),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sql", action="store_true", help="print every statement")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--time", type=int, default=0, metavar="N",
                        help="also the median milliseconds of N more requests")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    users = {u.username: u for u in get_user_model().objects.all()}
    in_force = (DesignationCase.objects.filter(state=CaseState.ACTIVE)
                .select_related("customer").order_by("pk").first())
    customer = in_force.customer.reference if in_force else "C-NONE"
    try:
        with override_settings(STORAGES=STATIC), transaction.atomic():
            for name, username, url, api in pages(customer):
                if only and name not in only:
                    continue
                client = Client()
                if api:
                    token, _ = Token.objects.get_or_create(user=users[username])
                    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
                else:
                    client.force_login(users[username])
                cost = page_cost(client, url)
                repeated = sum(n - 1 for n in cost.repeated.values())
                timing = ""
                if args.time:
                    times = []
                    for _ in range(args.time):
                        start = time.perf_counter()
                        client.get(url)
                        times.append(time.perf_counter() - start)
                    timing = f" {statistics.median(times) * 1000:>6.0f} ms"
                print(f"{name:18} {cost.status} {cost.bytes:>8} bytes "
                      f"{cost.count:>3} queries {repeated:>2} repeated{timing}")
                if args.sql:
                    for sql in cost.queries:
                        print(f"    {sql[:400]}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
