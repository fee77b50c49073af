"""Every page beside a bare Django view, on the same stack: a benchmark, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucp_pages \\
        .venv/bin/python benchmarks/pages.py [--seed 20000 [--contacts-per-customer 9]] \\
        [--rounds 3] [--duration 15] [--warmup 5] [--only home,case]

With `--seed N` it (re)creates the database DATABASE_URL names, migrates it, runs
`seed_demo` and `seed_volume --customers N` (which ends with ANALYZE); without it, it uses
the database as it is (already seeded). It then starts two gunicorns, DEBUG off, 2 sync
workers each, with persistent connections and database sessions:

- the app (`ucp.wsgi`, no Redis: Celery runs eagerly), and
- the limit (`benchmarks.bare`): Django's default middleware, a database session,
  `login_required`, one primary-key query and a 300-byte template, on the same database.

It picks its pages from the data (the senior manager's busiest customer and the longest
case chronology in their directorates, the commonest surname, ...), signs in the demo
users, counts each page's SQL queries and bytes through the test client (in a transaction
it rolls back), then runs wrk against each page between two runs of the bare view, round
after round. Each page's figure is its req/s over the mean of the two bare runs around it,
so the machine's load cancels out; an A/A row (bare against itself) shows the noise. It
also reads each worker's CPU time and peak memory from /proc.

Prints a Markdown table; `--json FILE` also writes the raw figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
APP_PORT, BARE_PORT = 8201, 8202
SECRET = "benchmark-not-secret-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"

# Targets from issue 13: req/s as a share of the bare view's.
TARGETS = {
    "case_list": 0.4, "search": 0.4, "customer": 0.3, "home": 0.3, "home_manager": 0.3,
    "home_reviewer": 0.3, "case": 0.2, "deadlines": 0.2, "reports": 0.2,
    "front_desk": 0.5, "api": 0.5,
}


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0", SECRET_KEY=SECRET, ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CONN_MAX_AGE="600", LOG_LEVEL="WARNING", SECURE_COOKIES="0", SECURE_SSL_REDIRECT="0",
        PYTHONPATH=str(ROOT),
    )
    for name in ("REDIS_URL", "DEMO"):
        env.pop(name, None)
    return env


def app_env() -> dict[str, str]:
    return {**base_env(), "DJANGO_SETTINGS_MODULE": "ucp.settings"}


def bare_env() -> dict[str, str]:
    return {**base_env(), "DJANGO_SETTINGS_MODULE": "benchmarks.bare.settings"}


# --- in-process helpers, run as `pages.py _pick` etc. in a child with the right settings ----


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    # Imported here: this runs in a child process, after django.setup() with its settings.
    import django

    django.setup()


def _pick() -> dict:
    """The pages, chosen from the data: the same kinds of page whatever the seed."""
    _setup_django()
    # Imported here: this runs in a child process, after django.setup() with its settings.
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    # (and the app's models too)
    from cases.models import CaseEvent, Contact, Customer, DesignationCase

    users = get_user_model().objects
    senior = users.get(username="senior")
    directorates = list(senior.staff_profile.directorates.values_list("pk", flat=True))
    in_scope = Customer.objects.filter(merged_into__isnull=True)
    if directorates:
        in_scope = in_scope.filter(directorates__in=directorates)
    busiest = (
        Contact.objects.filter(customer__in=in_scope.values("pk"))
        .values("customer").annotate(n=Count("pk")).order_by("-n").first()
    )
    customer = Customer.objects.get(pk=busiest["customer"])
    cases = DesignationCase.objects.filter(customer__in=in_scope.values("pk"))
    longest = (
        CaseEvent.objects.filter(case__in=cases.values("pk"))
        .values("case").annotate(n=Count("pk")).order_by("-n").first()
    )
    case = DesignationCase.objects.get(pk=longest["case"])
    restricted = cases.filter(state="active").select_related("customer").first() or case
    surname = (
        in_scope.values("full_name").order_by().values_list("full_name", flat=True)[:5000]
    )
    counts: dict[str, int] = {}
    for name in surname:
        last = name.split()[-1]
        counts[last] = counts.get(last, 0) + 1
    common = max(counts, key=counts.get)
    officer = users.get(username="officer")
    today = dt.date.today()
    tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    at = f"{tuesday.isoformat()}T10%3A30"
    ref = restricted.customer.reference
    return {
        "pages": [
            ["case_list", "senior", "/reports/cases/?figure=invocations"],
            ["customer", "senior", customer.get_absolute_url()],
            ["case", "senior", case.get_absolute_url()],
            ["home", "senior", "/"],
            ["home_manager", "manager", "/"],
            ["home_reviewer", "reviewer", "/"],
            ["front_desk", "senior",
             f"/front-desk/?customer={ref}&check=1&channel=phone&at={at}"
             f"&duration_minutes=10&officer={officer.pk}"],
            ["api", "senior",
             f"/api/v1/restriction-check/?customer={ref}&channel=phone&at={at}%3A00"
             f"&duration_minutes=10&officer=officer"],
            ["search", "senior", f"/customers/?q={common}"],
            ["deadlines", "senior", "/deadlines/"],
            ["reports", "lead-all", "/reports/"],
            # No target: the app's cheapest signed-in request (the session timeout's JSON,
            # no page, no personal data). Its ratio is the ceiling of every page above: what
            # this stack's middleware, session and user cost before a view does anything.
            ["floor", "senior", "/session/"],
        ],
        "notes": {
            "customer": f"{busiest['n']} contacts",
            "case": f"{longest['n']} chronology events",
            "search": f"q={common}",
        },
        "bare_pk": customer.pk,
        "volume": {
            "customers": Customer.objects.count(),
            "cases": DesignationCase.objects.count(),
            "contacts": Contact.objects.count(),
        },
    }


def _cookie(username: str) -> str:
    """A signed-in session cookie for `username` under the current settings."""
    _setup_django()
    # Imported here: this runs in a child process, after django.setup() with its settings.
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    # As the sign-in page signs a password user in (force_login's default is the first
    # backend listed, single sign-on's, whose libraries a password session never loads).
    client.force_login(get_user_model().objects.get(username=username),
                       backend="sso.backends.LocalPasswordBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _count(pages: list[list[str]]) -> dict:
    """Queries, repeated query shapes and bytes of each page (tests/perf/bounds.py's
    `page_cost`: a warm request through the whole middleware stack), in a transaction
    that is rolled back."""
    _setup_django()
    # Imported here: this runs in a child process, after django.setup() with its settings.
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    # (and the tests' own measure of a page)
    from tests.perf.bounds import page_cost

    out = {}
    clients: dict[str, Client] = {}
    for name, username, url in pages:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(get_user_model().objects.get(username=username))
        with transaction.atomic():
            cost = page_cost(client, url)
            transaction.set_rollback(True)
        out[name] = {
            "status": cost.status,
            "bytes": cost.bytes,
            "queries": cost.count,
            "repeated": sum(cost.repeated.values()),
        }
    return out


# --- the driver ---------------------------------------------------------------------------


def child(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), *args], env=env, cwd=ROOT,
        capture_output=True, text=True, check=False,
    )
    if result.returncode:
        sys.exit(f"pages.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


def manage(*args: str) -> None:
    env = {**app_env(), "DEMO": "1"}
    subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def seed(customers: int, contacts_per_customer: int) -> float:
    # Imported here: the driver itself never sets Django up.
    import dj_database_url

    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    psql = ["psql", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
            "-U", db["USER"] or "postgres", "-d", "postgres", "-qAt", "-c"]
    subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)'], check=True)
    subprocess.run([*psql, f'CREATE DATABASE "{db["NAME"]}"'], check=True)
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo")
    started = time.monotonic()
    manage("seed_volume", "--customers", str(customers),
           "--contacts-per-customer", str(contacts_per_customer))
    return time.monotonic() - started


@dataclass
class Server:
    name: str
    port: int
    env: dict[str, str]
    wsgi: str
    workers: int
    proc: subprocess.Popen | None = None
    log: Path = field(default=Path("/dev/null"))

    def start(self) -> None:
        self.log = Path(f"/tmp/ucp-bench-{self.name}.log")
        self.proc = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "--workers", str(self.workers),
             "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", self.wsgi],
            env=self.env, cwd=ROOT, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/nothing", timeout=2)
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.5)
                if self.proc.poll() is not None:
                    break
        sys.exit(f"{self.name} did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)

    def workers_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True,
                             text=True).stdout
        return [int(p) for p in out.split()]

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.workers_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / ticks

    def peak_rss_mb(self) -> float:
        peaks = []
        for pid in self.workers_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
        return max(peaks, default=0.0)


def wrk(url: str, cookie: str, duration: int, threads: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
         "--timeout", "10s", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50%"), "p99": ms("99%"), "requests": requests,
        "non2xx": int(bad.group(1)) if bad else 0,
        "errors": errors.group(0) if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, metavar="CUSTOMERS",
                        help="re-create the database and seed this many customers first")
    parser.add_argument("--contacts-per-customer", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per page")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="comma-separated page names")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ or not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    seeded = None
    if args.seed:
        seeded = seed(args.seed, args.contacts_per_customer)
        print(f"seeded {args.seed} customers in {seeded:.0f} s", file=sys.stderr)
    manage("collectstatic", "--noinput", "-v0")  # DEBUG off: the manifest storage needs it
    picked = json.loads(child(app_env(), "_pick"))
    pages = picked["pages"]
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p[0] in wanted]
    counts = json.loads(child(app_env(), "_count", json.dumps(pages)))
    for name, cost in counts.items():
        if cost["status"] != 200:
            sys.exit(f"{name} answered {cost['status']} in the test client")
    cookies = {u: child(app_env(), "_cookie", u) for u in {p[1] for p in pages}}
    bare_cookie = child(bare_env(), "_cookie", "senior")
    bare_url = f"http://127.0.0.1:{BARE_PORT}/customer/{picked['bare_pk']}/"

    app = Server("app", APP_PORT, app_env(), "ucp.wsgi", args.workers)
    bare = Server("bare", BARE_PORT, bare_env(), "benchmarks.bare.wsgi", args.workers)
    results: dict[str, dict] = {name: {"runs": []} for name, _, _ in pages}
    results["aa"] = {"runs": []}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    cpu["bare"] = []
    started_at = dt.datetime.now(dt.UTC)
    try:
        app.start()
        bare.start()
        for _name, user, url in pages:  # warm every page (and each worker's caches)
            wrk(f"http://127.0.0.1:{APP_PORT}{url}", cookies[user], args.warmup, 1, 2)
        wrk(bare_url, bare_cookie, args.warmup, 1, 2)

        def measured(server: Server, url: str, cookie: str) -> dict:
            before = server.cpu_seconds()
            run = wrk(url, cookie, args.duration, args.threads, args.connections)
            run["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / max(run["requests"], 1)
            return run

        for round_no in range(args.rounds):
            previous = measured(bare, bare_url, bare_cookie)
            cpu["bare"].append(previous["cpu_ms"])
            for name, user, url in [*pages, ["aa", None, None]]:
                if name == "aa":
                    run = measured(bare, bare_url, bare_cookie)
                else:
                    run = measured(app, f"http://127.0.0.1:{APP_PORT}{url}", cookies[user])
                after = measured(bare, bare_url, bare_cookie)
                cpu["bare"].append(after["cpu_ms"])
                run["bare_rps"] = (previous["rps"] + after["rps"]) / 2
                run["ratio"] = run["rps"] / run["bare_rps"]
                results[name]["runs"].append(run)
                previous = after
                print(f"round {round_no + 1} {name}: {run['rps']:.1f} req/s, "
                      f"ratio {run['ratio']:.3f}", file=sys.stderr)
        memory = {"app": app.peak_rss_mb(), "bare": bare.peak_rss_mb()}
    finally:
        app.stop()
        bare.stop()

    lines = [
        f"Measured {started_at:%Y-%m-%d %H:%M} UTC on {os.uname().nodename} "
        f"({os.cpu_count()} cores), {args.rounds} rounds x {args.duration} s, wrk "
        f"-t{args.threads} -c{args.connections}, gunicorn {args.workers} sync workers each. "
        f"Data: {picked['volume']['customers']:,} customers, {picked['volume']['cases']:,} "
        f"cases, {picked['volume']['contacts']:,} contacts"
        + (f" (seeded in {seeded:.0f} s)" if seeded else "") + ".",
        "",
        "| page | req/s | ratio to bare (min-max) | target | p50 ms | p99 ms | "
        "app CPU ms/req | queries (repeated) | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    bare_runs = [r["bare_rps"] for r in results["aa"]["runs"]]
    lines.append(
        f"| bare view | {statistics.median(bare_runs):.0f} | 1 | | | | "
        f"{statistics.median(cpu['bare']):.1f} | 1 + session, user | |"
    )
    for name in [*(p[0] for p in pages), "aa"]:
        runs = results[name]["runs"]
        ratios = [r["ratio"] for r in runs]
        target = TARGETS.get(name)
        ratio = statistics.median(ratios)
        verdict = "" if target is None else (" ok" if ratio >= target else " **below**")
        cost = counts.get(name)
        label = "A/A control (bare vs bare)" if name == "aa" else name.replace("_", " ")
        note = picked["notes"].get(name)
        if note:
            label += f" ({note})"
        lines.append(
            f"| {label} | {statistics.median(r['rps'] for r in runs):.1f} | "
            f"{ratio:.3f} ({min(ratios):.3f}-{max(ratios):.3f}) | "
            f"{'' if target is None else f'>= {target}'}{verdict} | "
            f"{statistics.median(r['p50'] for r in runs):.0f} | "
            f"{statistics.median(r['p99'] for r in runs):.0f} | "
            f"{statistics.median(r['cpu_ms'] for r in runs):.1f} | "
            + (f"{cost['queries']} ({cost['repeated']}) | {cost['bytes']:,} |" if cost else "| |")
        )
        bad = sum(r["non2xx"] for r in runs)
        errors = "; ".join(r["errors"] for r in runs if r["errors"])
        if bad or errors:
            lines.append(f"|  ^ {bad} non-2xx responses {errors} | | | | | | | | |")
    lines += ["", f"Peak memory per worker: app {memory['app']:.0f} MB, bare "
                  f"{memory['bare']:.0f} MB ({memory['app'] / memory['bare']:.2f}x)."]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(
            {"picked": picked, "counts": counts, "results": results, "memory": memory,
             "started_at": started_at.isoformat()}, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        command, rest = sys.argv[1], sys.argv[2:]
        if command == "_pick":
            print(json.dumps(_pick()))
        elif command == "_cookie":
            print(_cookie(rest[0]))
        elif command == "_count":
            print(json.dumps(_count(json.loads(rest[0]))))
        sys.exit(0)
    main()
