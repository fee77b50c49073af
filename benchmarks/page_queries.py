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

`--picked` measures the pages `benchmarks/pages.py` picks from the data instead (the
senior manager's busiest customer, the longest chronology, the commonest surname, ...),
and `--profile N` runs N more requests under cProfile and prints the top functions, and
`--explain` runs every SELECT a page made again under `EXPLAIN (ANALYZE, BUFFERS)` and
prints the slowest one's plan: README's "slowest query on each page". `--query-times N`
prints each query's median wall time as the app waits for it (a statement the connection
has prepared is not planned again, which `EXPLAIN ANALYZE` cannot show) and, on
PostgreSQL, which statements are still planned on every run.
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
from benchmarks.pages import _pick  # noqa: E402

setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
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
    parser.add_argument("--picked", action="store_true",
                        help="the pages benchmarks/pages.py picks from the data")
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE each page's SELECTs; print the slowest's plan")
    parser.add_argument("--profile-out", default="", metavar="FILE",
                        help="with --profile: also write the raw profile to FILE")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile N more requests; print the top functions")
    parser.add_argument("--query-times", type=int, default=0, metavar="N",
                        help="the median wall time of each of the page's queries over N "
                        "more requests, as the app sees it (prepared statements and all)")
    parser.add_argument("--memory", action="store_true",
                        help="the most Python memory a warm request holds at once")
    args = parser.parse_args()
    global PROFILE_OUT
    PROFILE_OUT = args.profile_out
    only = set(filter(None, args.only.split(",")))
    users = {u.username: u for u in get_user_model().objects.all()}
    in_force = (DesignationCase.objects.filter(state=CaseState.ACTIVE)
                .select_related("customer").order_by("pk").first())
    customer = in_force.customer.reference if in_force else "C-NONE"
    chosen = pages(customer)
    if args.picked:
        chosen = [(name, username, url, False) for name, username, url in _pick()["pages"]]
    try:
        with override_settings(STORAGES=STATIC), transaction.atomic():
            for name, username, url, api in chosen:
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
                if args.query_times:
                    query_times(client, url, args.query_times)
                if args.memory:
                    memory(client, url)
                if args.profile:
                    profile(client, url, args.profile)
                if args.sql:
                    for sql in cost.queries:
                        print(f"    {sql[:400]}")
                if args.explain:
                    explain_slowest(cost.queries)
            raise Rollback
    except Rollback:
        pass


def memory(client: Client, url: str) -> None:
    """A worker's peak memory is its peak, not what it keeps: the most Python memory one
    warm request holds at once above what it started with (tracemalloc), and where the
    memory it still held at the end of the request was allocated."""
    import tracemalloc  # noqa: PLC0415 - only with --memory

    tracemalloc.start(25)
    before = tracemalloc.take_snapshot()
    start, _ = tracemalloc.get_traced_memory()
    client.get(url)
    current, peak = tracemalloc.get_traced_memory()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    print(f"    peak +{(peak - start) / 2**20:.1f} MB during the request, "
          f"+{(current - start) / 2**20:.2f} MB kept")
    for stat in after.compare_to(before, "filename")[:5]:
        print(f"      {stat}")


def query_times(client: Client, url: str, n: int) -> None:
    """Each query's median wall time over `n` requests, measured around the driver's
    execute: what the request waits for, planning included unless the connection has the
    statement prepared (`EXPLAIN ANALYZE` plans afresh every time, so it cannot show it)."""
    runs: list[list[tuple[str, float]]] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            runs[-1].append((sql, time.perf_counter() - start))

    with connection.execute_wrapper(timed):
        for _ in range(n):
            runs.append([])
            client.get(url)
    shapes = [sql for sql, _ in runs[0]]
    total = []
    for i, sql in enumerate(shapes):
        times = [run[i][1] for run in runs if len(run) > i and run[i][0] == sql]
        total.append(statistics.median(times))
        print(f"    {total[-1] * 1000:7.2f} ms  {sql[:100]}")
    print(f"    {sum(total) * 1000:7.2f} ms  in all, of "
          f"{statistics.median(_request_times(client, url, n)) * 1000:.1f} ms a request")
    if connection.vendor == "postgresql":
        # A statement planned afresh on every run (custom plans only) pays its planning
        # each time, prepared or not: the page's candidates for writing constants in.
        with connection.cursor() as cursor:
            cursor.execute("SELECT generic_plans, custom_plans, left(statement, 90) "
                           "FROM pg_prepared_statements ORDER BY custom_plans DESC")
            print("    prepared on this connection: generic plans, custom plans")
            for generic, custom, statement in cursor.fetchall():
                print(f"      {generic:>5} {custom:>5}  {statement}")


def _request_times(client: Client, url: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return times


PROFILE_OUT = ""


def profile(client: Client, url: str, n: int) -> None:
    """Where a request's time goes in Python: cProfile over `n` requests, the functions
    with the most time of their own, then the most time in all."""
    import cProfile  # noqa: PLC0415 - only with --profile
    import pstats  # noqa: PLC0415 - only with --profile

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(url)
    profiler.disable()
    if PROFILE_OUT:
        profiler.dump_stats(PROFILE_OUT)  # for pstats' callers and callees
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def explain_slowest(queries: list[str]) -> None:
    """Each SELECT again under EXPLAIN ANALYZE (in this rolled-back transaction); the
    slowest one's SQL, its planning and execution times, and its plan."""
    timed = []
    with connection.cursor() as cursor:
        for sql in queries:
            if not sql.lstrip().lstrip("(").upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            timed.append((plan["Planning Time"] + plan["Execution Time"], sql, plan))
        if not timed:
            return
        for _took, sql, plan in timed:
            print(f"    {plan['Execution Time']:7.2f} + {plan['Planning Time']:5.2f} ms  "
                  f"{' '.join(sql.split())[:110]}")
        total, sql, plan = max(timed, key=lambda t: t[0])
        print(f"    slowest of {len(timed)} SELECTs: {plan['Execution Time']:.2f} ms execution"
              f" + {plan['Planning Time']:.2f} ms planning "
              f"(all SELECTs: {sum(t[0] for t in timed):.2f} ms)")
        print(f"    {sql[:600]}")
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        for (line,) in cursor.fetchall():
            print(f"      {line}")


if __name__ == "__main__":
    main()
