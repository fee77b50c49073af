"""Time the duplicate check and the customer search at volume: a benchmark, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vol20k \\
        .venv/bin/python benchmarks/search.py [--repeat 30] [--user officer] [--explain]

The database must already be seeded (`manage.py seed_demo`, then `manage.py seed_volume`);
this script only reads: its connection is put in read-only mode before the first query, so
it can be pointed at a shared volume database. It does not migrate nor seed.

From the customers the user may see it picks (deterministically, `--seed`) people to type:

- the duplicate check (`cases.matching.likely_matches`, as the add-customer page calls it)
  for incoming customers that are variants of existing ones (a nickname or initial, names
  swapped, the email in capitals, the phone typed another way, a near spelling, the address
  written differently) and for new people (a new name at a known postcode, a name seen in
  the county at a new address, someone with no match at all);
- the search (`cases.views.search_results`, what `/customers/` runs: the page's count and
  its first 25 rows, their directorates, which are restricted, what matched) for what
  staff type: a common surname, "Surname Firstname", a misspelt name, an
  outward code ("CA12", "ca1"), a full postcode, part of an email, a phone number in
  another format, a reference.

- the browse list (`cases.views.browse_results`) by name, reference and last contact, its
  first page and its 200th.

Each runs `--repeat` times (cycling over `--variants` different people) after a warm-up.
It prints a table of the median and 95th percentile in milliseconds, the queries a call
runs, and the rows found. `--explain` then prints `EXPLAIN (ANALYZE, BUFFERS)` of the main
queries of each search (the page's count and its rows) and of the duplicate check's
candidate query. Targets: the duplicate check under 50 ms at the median, search under 100.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.django_setup import setup_django  # noqa: E402

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases import matching, people, selectors  # noqa: E402
from cases.models import Customer  # noqa: E402
from cases.views import browse_results, search_results  # noqa: E402
from ucp import phones  # noqa: E402

NEW_FIRST = ["Xanthe", "Ottoline", "Peregrine", "Isolde", "Lysander", "Tamsin", "Caspian"]
NEW_LAST = ["Quillfeather", "Ravenscroft", "Wetherall", "Blencowe", "Ainsworth-Pike"]


# --- what the pages do --------------------------------------------------------------------------


def search_page(user, query: str) -> int:
    """The first page of `/customers/` (`cases.views.search_results`: the count, the 25
    rows, their directorates, which are restricted, what matched), less the template and
    the access log's write. Returns the number found."""
    page, _results = search_results(user, query, 1)
    return page.paginator.count


def browse_page(user, given: tuple[str, int]) -> int:
    """A page of `/customers/browse/` in one order (`cases.views.browse_results`)."""
    order, number = given
    page, _results = browse_results(user, order, number)
    return page.paginator.count


def duplicate_check(user, details: dict) -> int:
    matches = matching.likely_matches(user, **details)
    return len(matches.every)


# --- what staff type ---------------------------------------------------------------------------


def _other_format(e164: str) -> str:
    """"+441632960348" as staff might type it: "01632 960348" or "+44 7700 900231"."""
    national = phones.display(e164)
    if national and national != e164:
        return national
    return "+44 " + e164[3:] if e164.startswith("+44") else e164


def _misspell(word: str) -> str:
    """Drop one letter from the middle: "Tinkler" is "Tinkler" less its 'k'."""
    if len(word) < 5:
        return word + word[-1]
    middle = len(word) // 2
    return word[:middle] + word[middle + 1:]


def _variant_name(first: str, last: str, how: str) -> str:
    nick = {v: k for k, v in people.NICKNAMES.items() if k != v}
    if how == "nickname":
        return f"{nick.get(first.lower(), first[:1]).title()} {last}"
    if how == "initial":
        return f"{first[:1]} {last}"
    if how == "swapped":
        return f"{last.upper()}, {first}"
    if how == "misspelt":
        return f"{first} {_misspell(last)}"
    return f"{first} {last}"


@dataclass
class Person:
    reference: str
    first: str
    last: str
    email: str
    phone: str
    postcode: str
    address: str


def sample_people(user, n: int, rng: random.Random) -> list[Person]:
    qs = selectors.customers_for(user).exclude(phone="").exclude(email="").exclude(postcode="")
    ids = list(qs.order_by("id").values_list("id", flat=True))
    if not ids:
        sys.exit("No customers with a phone, an email and a postcode for this user: "
                 "seed the database with seed_volume first.")
    chosen = Customer.objects.filter(pk__in=rng.sample(ids, min(n, len(ids)))).order_by("id")
    found = []
    for c in chosen:
        words = c.full_name.split()
        if len(words) < 2:
            continue
        found.append(Person(c.reference, words[0], words[-1], c.email, c.phone, c.postcode,
                            c.address))
    return found


def duplicate_cases(sample: list[Person], rng: random.Random) -> dict[str, list[dict]]:
    def details(p: Person, **change) -> dict:
        return {"full_name": f"{p.first} {p.last}", "email": p.email, "phone": p.phone,
                "postcode": p.postcode, "address": p.address, **change}

    postcodes = [p.postcode for p in sample]
    return {
        "variant: nickname or initial, same postcode": [
            details(p, full_name=_variant_name(p.first, p.last,
                                               "nickname" if i % 2 else "initial"),
                    email="", phone="")
            for i, p in enumerate(sample)],
        "variant: names swapped, email in capitals": [
            details(p, full_name=_variant_name(p.first, p.last, "swapped"),
                    email=p.email.upper(), phone="") for p in sample],
        "variant: phone typed another way only": [
            {"full_name": _variant_name(p.first, p.last, "initial"),
             "phone": _other_format(p.phone)} for p in sample],
        "variant: misspelt surname, address rewritten": [
            details(p, full_name=_variant_name(p.first, p.last, "misspelt"), email="",
                    phone="", address=p.address.replace("Road", "Rd").replace("\n", ", "))
            for p in sample],
        "new person: new name, known postcode": [
            {"full_name": f"{rng.choice(NEW_FIRST)} {rng.choice(NEW_LAST)}",
             "email": f"new{i}@example.net", "phone": f"07700 9{i:05d}"[:13],
             "postcode": rng.choice(postcodes), "address": f"{i + 1} New Street"}
            for i in range(len(sample))],
        "new person: county's names, new address": [
            {"full_name": f"{p.first} {q.last}", "email": "", "phone": "",
             "postcode": "CA3 9ZZ", "address": "99 Unknown Lane"}
            for p, q in zip(sample, sample[1:] + sample[:1], strict=True)],
    }


def common_surname(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT split_part(full_name, ' ', -1) AS s, count(*) FROM cases_customer "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
            if connection.vendor == "postgresql" else
            "SELECT full_name, 1 FROM cases_customer LIMIT 1")
        name = cursor.fetchone()[0]
    return name.split()[-1]


def search_cases(user, sample: list[Person]) -> dict[str, list[str]]:
    surname = common_surname(user)
    return {
        f"common surname ({surname})": [surname, surname.lower()],
        "Surname Firstname": [f"{p.last} {p.first}" for p in sample],
        "misspelt name": [f"{p.first} {_misspell(p.last)}" for p in sample],
        "outward code (CA12)": [p.postcode.split()[0] for p in sample],
        "short outward code, lower (ca1)": ["ca1", "ca2", "la9"],
        "full postcode, unspaced": [p.postcode.replace(" ", "").lower() for p in sample],
        "part of an email": [p.email.split("@")[0][:-2] for p in sample],
        "phone, other format": [_other_format(p.phone) for p in sample],
        "reference, lower case": [p.reference.lower() for p in sample],
    }


# --- timing --------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    median: float
    p95: float
    queries: int
    found: float


def fresh_user(pk: int):
    """As a request has it: roles and directorates not yet cached on the object."""
    return get_user_model().objects.get(pk=pk)


def measure(name: str, call: Callable[[object, object], int], inputs: list, user_pk: int,
            repeat: int) -> Result:
    call(fresh_user(user_pk), inputs[0])  # warm-up
    user = fresh_user(user_pk)
    with CaptureQueriesContext(connection) as ctx:
        call(user, inputs[0])
    queries = len(ctx.captured_queries)
    times, found = [], []
    for i in range(repeat):
        user = fresh_user(user_pk)
        given = inputs[i % len(inputs)]
        start = time.perf_counter()
        found.append(call(user, given))
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Result(name, statistics.median(times), p95, queries, statistics.median(found))


def print_table(title: str, results: list[Result], target: float) -> None:
    width = max(len(r.name) for r in results)
    print(f"\n{title} (target: median under {target:.0f} ms)")
    print(f"  {'':{width}}  {'median ms':>9}  {'p95 ms':>7}  {'queries':>7}  {'found':>6}")
    for r in results:
        flag = "" if r.median < target else "  <- over target"
        print(f"  {r.name:{width}}  {r.median:9.1f}  {r.p95:7.1f}  {r.queries:7d}  "
              f"{r.found:6.0f}{flag}")


def explain(title: str, call: Callable[[], object], *, tables=("cases_customer",)) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each query `call` runs that reads the customers (not
    the user's roles nor the prefetch of directorates)."""
    with CaptureQueriesContext(connection) as ctx:
        call()
    main = [q["sql"] for q in ctx.captured_queries
            if any(f'FROM "{t}"' in q["sql"] for t in tables)]
    for sql in main:
        print(f"\n--- {title}\n{sql[:600]}{' …' if len(sql) > 600 else ''}\n")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed calls of each (30)")
    parser.add_argument("--variants", type=int, default=10,
                        help="different people cycled through (10)")
    parser.add_argument("--user", default="officer", help="whose search it is (officer)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN (ANALYZE, BUFFERS) of the main queries")
    args = parser.parse_args()

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Shared volume databases: this script must never write.
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(",")[0]
    else:
        version = "SQLite (the fallback: no trigram similarity)"
    try:
        user = get_user_model().objects.get(username=args.user)
    except get_user_model().DoesNotExist:
        sys.exit(f"No user {args.user!r}: seed the database with seed_demo first.")
    customers = Customer.objects.count()
    visible = selectors.customers_for(user).count()
    contacts = user._meta.apps.get_model("cases", "Contact").objects.count()
    print(f"{connection.settings_dict['NAME']}: {customers} customers ({visible} visible to "
          f"{args.user}), {contacts} contacts; {version}; {os.cpu_count()} cores; "
          f"{args.repeat} calls each")

    rng = random.Random(args.seed)
    sample = sample_people(user, args.variants, rng)
    dup = [measure(name, duplicate_check, inputs, user.pk, args.repeat)
           for name, inputs in duplicate_cases(sample, rng).items()]
    found = [measure(name, search_page, inputs, user.pk, args.repeat)
             for name, inputs in search_cases(user, sample).items()]
    browse = [measure(f"by {order}, page {number}", browse_page, [(order, number)], user.pk,
                      args.repeat)
              for order in ("name", "reference", "contact") for number in (1, 200)]
    print_table("Duplicate check (cases.matching.likely_matches)", dup, 50)
    print_table("Search, first page (cases.views.search_results, as /customers/)",
                found, 100)
    print_table("Browse (cases.views.browse_results, as /customers/browse/)", browse, 100)

    if args.explain:
        explain("browse: by last contact, page 1",
                lambda: browse_page(fresh_user(user.pk), ("contact", 1)))
        for name, inputs in search_cases(user, sample).items():
            explain(f"search: {name}: {inputs[0]!r}",
                    lambda q=inputs[0]: search_page(fresh_user(user.pk), q))
        for name, inputs in duplicate_cases(sample, rng).items():
            explain(f"duplicate check: {name}",
                    lambda d=inputs[0]: duplicate_check(fresh_user(user.pk), d))


if __name__ == "__main__":
    main()
