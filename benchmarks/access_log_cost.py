"""What the access log costs a page: a benchmark, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a copy of a seeded database> \\
        .venv/bin/python benchmarks/access_log_cost.py [--rounds 7] [--requests 30] \\
        [--user officer]

"Logging must not slow a page by more than a few per cent" (issue 11). Against a database
seeded with `seed_demo` and `seed_volume` (it writes access-log rows: use a copy, never a
shared database), it signs in a caseworker (`--user`, the demo officer by default) through
Django's test client and times a customer's page and a search page listing a full page of
customers, with the access log on (the settings' middleware) and off (the same middleware
list without `cases.access_log.AccessLogMiddleware`; the selectors then collect nothing).
Rounds interleave the two, alternating which goes first; each round takes the median of
`--requests` requests per page and mode, and the figure is the median of the rounds. DEBUG
is off, as in production.
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
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases import selectors  # noqa: E402
from cases.models import RecordView  # noqa: E402

MIDDLEWARE = "cases.access_log.AccessLogMiddleware"
STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def client_for(user, *, logging: bool) -> Client:
    client = Client()
    client.force_login(user)
    middleware = [m for m in settings.MIDDLEWARE if logging or m != MIDDLEWARE]
    # The test client builds its middleware chain once, from the settings of the moment.
    with override_settings(MIDDLEWARE=middleware):
        client.handler.load_middleware()
    return client


def timed(client: Client, path: str, params: dict, n: int) -> float:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, params, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--user", default="officer")
    args = parser.parse_args()
    user = get_user_model().objects.get(username=args.user)
    customer = selectors.customers_for(user).order_by("pk").first()
    # A surname shared by many of the user's customers: a full page of results.
    surname = (selectors.customers_for(user).values("full_name")
               .annotate(n=Count("id")).order_by("-n").first()["full_name"].split()[-1])
    pages = {
        "customer page": (f"/customers/{customer.reference}/", {}),
        f"search “{surname}”": ("/customers/", {"q": surname}),
    }
    print(f"database {settings.DATABASES['default']['NAME']}: "
          f"{RecordView.objects.count()} access-log rows; user {user.username}, "
          f"customer {customer.reference}", flush=True)
    clients = {"on": client_for(user, logging=True), "off": client_for(user, logging=False)}
    results: dict[tuple[str, str], list[float]] = {}
    with override_settings(STORAGES=STATIC, DEBUG=False):
        for label, (path, params) in pages.items():
            for mode, client in clients.items():
                timed(client, path, params, 3)  # warm up
                before = RecordView.objects.count()
                with CaptureQueriesContext(connection) as queries:
                    client.get(path, params, secure=True)
                print(f"  {label}, logging {mode}: {len(queries)} queries, "
                      f"{RecordView.objects.count() - before} access-log rows a request",
                      flush=True)
        for r in range(args.rounds):
            order = ("on", "off") if r % 2 == 0 else ("off", "on")
            for label, (path, params) in pages.items():
                for mode in order:
                    results.setdefault((label, mode), []).append(
                        timed(clients[mode], path, params, args.requests))
    # The write alone, without the page around it: what the middleware adds, less noisy
    # than the difference of two page timings on a shared machine.
    customers = list(selectors.customer_search(user, surname)[:25])
    writes: dict[int, list[float]] = {1: [], len(customers): []}
    for _ in range(args.rounds * args.requests):
        for n in writes:
            rows = [RecordView(user=user, customer=c, path="/customers/", kind="search")
                    for c in customers[:n]]
            started = time.perf_counter()
            RecordView.objects.bulk_create(rows)
            writes[n].append((time.perf_counter() - started) * 1000)
    print(f"\n{args.rounds} rounds of {args.requests} requests; median of the rounds' medians")
    for n, timings in writes.items():
        print(f"the write alone, {n:2} row{'s' if n != 1 else ' '}: median "
              f"{statistics.median(timings):.2f} ms (BEGIN, one INSERT, COMMIT)")
    for label in pages:
        on = statistics.median(results[(label, "on")])
        off = statistics.median(results[(label, "off")])
        spread = max(results[(label, "off")]) - min(results[(label, "off")])
        print(f"{label:34} on {on:7.2f} ms   off {off:7.2f} ms   "
              f"cost {on - off:+6.2f} ms ({(on - off) / off * 100:+5.1f} %)   "
              f"(off varies by {spread:.1f} ms between rounds)", flush=True)


if __name__ == "__main__":
    main()
