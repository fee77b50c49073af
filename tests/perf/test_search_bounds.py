"""Issue 12: search, the duplicate check on the add page and the browse list (each of its
sorts, "last contact" included) cost the same queries whatever the number of customers.

Each page is measured with its lists filled (more rows than a page, more candidates than
are shown) and again with three times as many, written straight to the tables (`grow`).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Contact, Customer
from cases.services.contacts import note_last_contact
from sanctions.models import SanctionKind
from tests.perf.bounds import _BOOKKEEPING, PageCost, assert_bounded, page_cost, with_session
from tests.sanctions import restrictions
from tests.sanctions.restrictions import add_sanction

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case

pytestmark = pytest.mark.django_db

_serial = itertools.count()
SMALL, LARGE = 40, 120
IAN = {"full_name": "Ian Sewell", "address": "7 Penrith Road\nKeswick",
       "postcode": "CA12 4HF", "email": "ian.sewell@example.com", "phone": "017687 72645"}


def grow(n: int, directorate, officer) -> None:
    """`n` more customers like Ian Sewell (the same postcode, a name alike: every one a
    likely match, and found by "sewell" and "CA12"), each with three contacts."""
    customers = []
    for _ in range(n):
        i = next(_serial)
        c = Customer(reference=f"C-S{i:06d}", full_name=f"Ian Sewell{i}",
                     address=f"{i} Penrith Road\nKeswick", postcode="CA12 4HF",
                     email=f"sewell{i}@example.net")
        c.set_keys()
        customers.append(c)
    customers = Customer.objects.bulk_create(customers)
    Customer.directorates.through.objects.bulk_create([
        Customer.directorates.through(customer_id=c.pk, directorate_id=directorate.pk)
        for c in customers])
    now = timezone.now()
    Contact.objects.bulk_create([
        Contact(customer=c, directorate=directorate, channel="email",
                occurred_at=now - dt.timedelta(hours=k * 30 + j), handled_by=officer,
                logged_by=officer, summary="Another email.")
        for k, c in enumerate(customers) for j in range(3)])
    note_last_contact([c.pk for c in customers])


def post_cost(client, url: str, data: dict) -> PageCost:
    """What `page_cost` measures, for a form posted (the add page's duplicate check)."""
    client.post(url, data)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    queries = [q["sql"] for q in ctx.captured_queries if not _BOOKKEEPING.match(q["sql"])]
    return PageCost(url, response.status_code, len(response.content), queries)


@pytest.fixture
def world(adults, officer, restricted_case):
    """A restricted Ian Sewell, and `grow(n)` more of him."""
    customer = restricted_case.customer
    for name, value in IAN.items():
        setattr(customer, name, value)
    customer.save()
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15,
                 starts_on=restrictions.JAN_1, ends_on=dt.date(2099, 1, 1))
    return lambda n: grow(n, adults, officer)


@pytest.mark.parametrize("query", ["sewell", "Sewell Ian", "CA12", "ca12 4hf"])
def test_search_costs_the_same_at_two_sizes(login, officer, world, query):
    client = login(officer)
    url = reverse("customers:search") + f"?q={query}"
    world(SMALL)
    small = page_cost(client, url)
    world(LARGE - SMALL)
    large = page_cost(client, url)
    assert_bounded(small, large)
    # The session, the user, the page of results with its count, their directorates, which
    # are restricted, and the access log's write: an outward code's two parts are one query.
    assert large.count == with_session(6), large
    response = client.get(url)
    assert len(response.context["results"]) == 25
    assert response.context["page"].paginator.count == LARGE + 1
    assert "Restricted" in response.content.decode()


def test_the_duplicate_check_on_the_add_page_costs_the_same_at_two_sizes(
    login, officer, adults, world
):
    client = login(officer)
    url = reverse("customers:create")
    data = {**IAN, "full_name": "ian sewell", "address": "7 Penrith Rd",
            "directorate": adults.pk, "preferred_contact_method": ""}
    world(SMALL)
    small = post_cost(client, url, data)
    world(LARGE - SMALL)
    large = post_cost(client, url, data)
    assert_bounded(small, large)
    page = client.post(url, data).content.decode()
    assert "Possible duplicate" in page and "is restricted" in page
    assert Customer.objects.count() == LARGE + 1  # nothing was added


@pytest.mark.parametrize("order", ["name", "reference", "contact"])
def test_browse_costs_the_same_at_two_sizes_in_every_order(login, officer, world, order):
    client = login(officer)
    url = reverse("customers:browse") + f"?order={order}"
    world(SMALL)
    small = page_cost(client, url)
    world(LARGE - SMALL)
    large = page_cost(client, url)
    assert_bounded(small, large)
    results = client.get(url).context["results"]
    assert len(results) == 25
    if order == "contact":
        latest = [c.last_contact for c in results]
        assert latest == sorted(latest, reverse=True) and latest[0] is not None
