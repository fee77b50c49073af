"""What the daily sweep costs on an ordinary day: a benchmark, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucp_wt_seed \\
        .venv/bin/python benchmarks/sweep_cost.py [--days 1] [--first]

Against a database seeded with `manage.py seed_volume` (20,000 customers for the figure in
README, "Performance"). `--first` runs (and keeps) today's sweep first, the one that catches
up with everything the seed left due. Then it runs the sweep as it would run `--days` days
later at half past six (the clock moved with time-machine), inside a transaction it rolls
back, so it can be run again; it prints the queries, the seconds and the most repeated
query shapes. Mail goes to Django's in-memory backend.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucp.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import CaseState, DesignationCase  # noqa: E402
from reviews.sweeps import run_sweep  # noqa: E402


def sweep(at: dt.datetime, *, keep: bool) -> None:
    # The log keeps the last 9,000 queries: a big first sweep would fill it, and the next
    # capture would count none.
    connection.queries_log.clear()
    with time_machine.travel(at, tick=True), transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            started = time.monotonic()
            report = run_sweep()
            took = time.monotonic() - started
        if not keep:
            transaction.set_rollback(True)
    shapes = collections.Counter(
        re.sub(r"\b\d+\b", "N", q["sql"])[:100] for q in ctx.captured_queries
    )
    print(f"sweep as of {at:%Y-%m-%d %H:%M}: {len(ctx.captured_queries)} queries, "
          f"{took:.2f} s ({report})")
    for shape, n in shapes.most_common(5):
        print(f"  {n:7d} x {shape}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=1, help="days after today (default 1)")
    parser.add_argument("--first", action="store_true", help="run and keep today's sweep first")
    args = parser.parse_args()
    connection.force_debug_cursor = True
    open_cases = DesignationCase.objects.exclude(state=CaseState.CLOSED).count()
    print(f"{DesignationCase.objects.count()} cases, {open_cases} open")
    if args.first:
        sweep(timezone.now(), keep=True)
    today = timezone.localdate() + dt.timedelta(days=args.days)
    at = timezone.make_aware(dt.datetime.combine(today, dt.time(6, 30)))
    sweep(at, keep=False)


if __name__ == "__main__":
    main()
