"""Time the access-log pages and the subject access export at volume: a benchmark, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucp_gov_dev \\
        .venv/bin/python benchmarks/governance.py [--customers 20000] [--views 1000000] \\
        [--requests 30] [--exports 5]

Migrates the database DATABASE_URL names (PostgreSQL only: the access log is bulk-inserted
in SQL), tops it up with `manage.py seed_volume --customers` until it holds at least
`--customers` customers (an already seeded database is used as it is: a copy of the
shared `vol100k`, say, with `--customers 100000`; it refuses to write to `vol20k` or
`vol100k` themselves), then adds what the issue asks to measure, reusing what an earlier
run left (a second run starts timing at once):

- one customer with 300 contacts (with history rows, as the services would write them) and
  50 small attachments: the subject access export's subject;
- access-log rows until the log holds `--views` (1,000,000 by default), spread over every
  customer and every member of staff seed_volume made, over two years; the subject gets
  2,000 of them.

It then signs in an information governance user through Django's test client and times
`--requests` requests of each access-log page (the subject's "who has looked", the busiest
member of staff's "what have they looked at") and of each CSV export, after a warm-up, and
`--exports` runs of producing the subject access disclosure (the internal copy ZIP: index
HTML, its tagged PDF through WeasyPrint, 50 attachments; the release copy is the same work
with the redactions applied) and `--requests` downloads of it. It prints the
median and the 95th percentile, and the plans of the access log's two queries (EXPLAIN
ANALYZE). DEBUG is off, as in production. Use a database of its own.
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
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from accounts.models import Directorate, StaffProfile  # noqa: E402
from accounts.roles import GROUP_NAMES, Role  # noqa: E402
from cases.models import (  # noqa: E402
    Channel,
    Contact,
    ContactAttachment,
    Customer,
    RecordView,
)
from governance import selectors, services  # noqa: E402
from governance.models import SubjectAccessRequest  # noqa: E402

STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SUBJECT_NAME = "Benchmark Subject-Access"
SUBJECT_POSTCODE = "CA1 1BM"
SUBJECT_CONTACTS = 300
SUBJECT_ATTACHMENTS = 50
SUBJECT_VIEWS = 2000
# The seeded databases others read: never written to.
SHARED = {"vol20k", "vol100k"}


def seed(target: int) -> int:
    round_ = 0
    while (have := Customer.objects.count()) < target:
        print(f"seeding: {have} customers, adding {target - have} …", flush=True)
        call_command("seed_volume", customers=target - have, seed=2027 + round_)
        round_ += 1
    return Customer.objects.count()


def ig_user():
    user, created = get_user_model().objects.get_or_create(
        username="benchmark-ig", defaults={"first_name": "Benchmark", "last_name": "DPO"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.INFORMATION_GOVERNANCE]))
        StaffProfile.objects.create(user=user, council_wide=True)
    return user


@transaction.atomic
def subject(staff) -> Customer:
    """The customer with 300 contacts and 50 attachments (made once, then reused)."""
    found = Customer.objects.filter(full_name=SUBJECT_NAME, postcode=SUBJECT_POSTCODE).first()
    if found is not None:
        return found
    directorate = Directorate.objects.order_by("pk").first()
    customer = Customer(full_name=SUBJECT_NAME, postcode=SUBJECT_POSTCODE,
                        address="1 Benchmark Row\nCarlisle")
    customer._history_user = staff
    customer.save()
    customer.directorates.add(directorate)
    now = timezone.now()
    contacts = [
        Contact(customer=customer, directorate=directorate, channel=Channel.PHONE,
                direction="inbound", occurred_at=now - dt.timedelta(hours=7 * i + 1),
                duration_minutes=10, handled_by=staff, logged_by=staff,
                summary=f"Call {i}: rang again about the same complaint, and said a "
                "neighbour had told her the council was ignoring her. " * 2)
        for i in range(SUBJECT_CONTACTS)
    ]
    contacts = bulk_create_with_history(contacts, Contact, default_user=staff)
    contacts = list(customer.contacts.order_by("pk"))
    for i in range(SUBJECT_ATTACHMENTS):
        body = (f"Letter {i} from the customer.\n" * 200).encode()  # about 6 KB
        a = ContactAttachment(contact=contacts[i * 6], original_name=f"letter-{i}.txt",
                              content_type="text/plain", size=len(body), uploaded_by=staff)
        a.file.save(f"letter-{i}.txt", ContentFile(body), save=False)
        a._history_user = staff
        a.save()
    return customer


def top_up_access_log(target: int, customer: Customer) -> int:
    """Bulk-insert access-log rows in SQL until there are `target`: random customers and
    staff over two years; the subject's own rows first."""
    have = RecordView.objects.count()
    staff = list(get_user_model().objects.filter(staff_profile__isnull=False)
                 .exclude(username="benchmark-ig").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if not RecordView.objects.filter(customer=customer).exists():
            cursor.execute(
                "INSERT INTO cases_recordview (user_id, customer_id, at, path, kind) "
                "SELECT (%s::int[])[1 + floor(random() * %s)::int], %s, "
                "now() - random() * interval '730 days', %s, 'page' "
                "FROM generate_series(1, %s)",
                [staff, len(staff), customer.pk, f"/customers/{customer.reference}/",
                 SUBJECT_VIEWS],
            )
            have += SUBJECT_VIEWS
        missing = target - have
        if missing > 0:
            print(f"access log: {have} rows, adding {missing} …", flush=True)
            started = time.monotonic()
            cursor.execute("SELECT min(id), max(id) FROM cases_customer")
            low, high = cursor.fetchone()
            # Customer ids are dense from seed_volume; a gap just means fewer customers hit.
            cursor.execute(
                "INSERT INTO cases_recordview (user_id, customer_id, at, path, kind) "
                "SELECT (%s::int[])[1 + floor(random() * %s)::int], c.id, "
                "now() - random() * interval '730 days', '/customers/x/', "
                "(ARRAY['page','page','page','search','download'])[1 + floor(random() * 5)::int] "
                "FROM generate_series(1, %s) g "
                "JOIN cases_customer c ON c.id = %s + (g::bigint * 7919) %% (%s - %s + 1)",
                [staff, len(staff), missing, low, high, low],
            )
            cursor.execute("ANALYZE cases_recordview")
            print(f"  added in {time.monotonic() - started:.1f}s", flush=True)
    return RecordView.objects.count()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def report(label: str, timings: list[float], extra: str = "") -> None:
    print(f"{label:52} median {statistics.median(timings):7.1f} ms   "
          f"p95 {p95(timings):7.1f} ms   ({len(timings)} runs{extra})", flush=True)


def time_get(client: Client, path: str, params: dict, n: int) -> list[float]:
    for _ in range(2):
        response = client.get(path, params, secure=True)
        assert response.status_code == 200, (path, response.status_code, response.get("Location"))
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, params, secure=True)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def explain(label: str, qs) -> None:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    print(f"\nEXPLAIN ANALYZE, {label}:")
    for line in plan:
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--views", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--exports", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at PostgreSQL: this benchmark bulk-loads in SQL.")
    if settings.DATABASES["default"]["NAME"] in SHARED:
        sys.exit("This benchmark writes (the subject, access-log rows, the ZIPs): run it on a "
                 "copy, e.g. CREATE DATABASE sar_copy TEMPLATE vol100k, and drop it after.")

    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0)
    total = seed(args.customers)
    ig = ig_user()
    staff = get_user_model().objects.filter(staff_profile__isnull=False).exclude(pk=ig.pk)
    customer = subject(staff.order_by("pk").first())
    views = top_up_access_log(args.views, customer)
    busiest = (RecordView.objects.values("user").annotate(n=Count("id")).order_by("-n").first())
    person = get_user_model().objects.get(pk=busiest["user"])
    print(f"{total} customers, {Contact.objects.count()} contacts, {views} access-log rows; "
          f"subject {customer.reference}: {customer.contacts.count()} contacts, "
          f"{ContactAttachment.objects.filter(contact__customer=customer).count()} "
          f"attachments, {RecordView.objects.filter(customer=customer).count()} views; "
          f"busiest member of staff {person.username}: {busiest['n']} views", flush=True)

    today = timezone.localdate()
    since = today - dt.timedelta(days=90)
    month_end = today - dt.timedelta(days=180)
    month_start = month_end - dt.timedelta(days=30)
    client = Client()
    client.force_login(ig)
    pages = [
        ("who has looked at the subject (page 1)", "/governance/access-log/customer/",
         {"customer": customer.reference}),
        ("who has looked, CSV export", "/governance/access-log/customer/",
         {"customer": customer.reference, "format": "csv"}),
        ("what the busiest staff member looked at (page 1)", "/governance/access-log/staff/",
         {"person": person.username}),
        ("what they looked at, last page", "/governance/access-log/staff/",
         {"person": person.username, "page": str(-(-busiest["n"] // 50))}),
        ("what they looked at, CSV export (first 20,000)", "/governance/access-log/staff/",
         {"person": person.username, "format": "csv"}),
        # Filtered: a date range and a kind, as the information governance role narrows.
        ("who has looked, last 90 days, pages only", "/governance/access-log/customer/",
         {"customer": customer.reference, "from_date": since.isoformat(),
          "to_date": today.isoformat(), "kind": "page"}),
        ("what they looked at, one month, downloads", "/governance/access-log/staff/",
         {"person": person.username, "from_date": month_start.isoformat(),
          "to_date": month_end.isoformat(), "kind": "download"}),
        ("the same as CSV", "/governance/access-log/staff/",
         {"person": person.username, "from_date": month_start.isoformat(),
          "to_date": month_end.isoformat(), "kind": "download", "format": "csv"}),
    ]
    with override_settings(STORAGES=STATIC):
        for label, path, params in pages:
            report(label, time_get(client, path, params, args.requests))

    sar = (SubjectAccessRequest.objects.filter(customer=customer, status="open").first()
           or services.sar_record(actor=ig, customer=customer,
                                  received_on=timezone.localdate()))
    if sar.identity_checked_on is None:
        services.sar_check_identity(actor=ig, sar=sar, checked_on=timezone.localdate(),
                                    how="Benchmark.")
    produce, sizes = [], []
    for _ in range(args.exports):
        started = time.perf_counter()
        sar = services.sar_produce(actor=ig, sar=sar)
        produce.append((time.perf_counter() - started) * 1000)
        sizes.append(sar.internal_copy.size)
    report("subject access: produce the internal copy (ZIP)", produce,
           f", {max(sizes) / 1e6:.1f} MB")
    download = time_get(client, f"/governance/subject-access/{sar.pk}/download/internal/", {},
                        args.requests)
    report("subject access: download the ZIP", download)

    explain("who has looked at the subject, page 1",
            selectors.access_log(customer=customer)[:50])
    explain("what the busiest staff member looked at, page 1",
            selectors.access_log(user=person)[:50])
    explain("what they looked at in one month, downloads, page 1",
            selectors.access_log(user=person, from_date=month_start, to_date=month_end,
                                 kind="download")[:50])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM cases_recordview "
                       "WHERE user_id = %s", [person.pk])
        print("\nEXPLAIN ANALYZE, the page count for the busiest staff member:")
        for (line,) in cursor.fetchall():
            print(f"  {line}")


if __name__ == "__main__":
    main()
