"""Long records stay usable: the customer's contact timeline is paged and filtered at a fixed
cost, and "Contacts you logged recently" is in time order."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Contact, ContactAttachment
from sanctions.models import ContactBreach
from tests.factories import ContactFactory, CustomerFactory, MatterFactory, some_indicators

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def text(response) -> str:
    return html.unescape(response.content.decode())


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 5, day, hour, minute, tzinfo=LONDON)


# --- "Contacts you logged recently" ----------------------------------------------------------


def test_contacts_you_logged_recently_are_in_time_order_not_grouped_by_customer(
    login, officer, adults
):
    ashby = CustomerFactory(full_name="Ashby Customer", directorates=[adults])
    brook = CustomerFactory(full_name="Brook Customer", directorates=[adults])
    # Written up one customer at a time (a day's post): Ashby's two, then Brook's two.
    logged = dt.datetime(2025, 5, 20, 16, 0, tzinfo=LONDON)
    for n, (customer, when) in enumerate(
        [(ashby, at(12, 9)), (ashby, at(12, 11)), (brook, at(12, 10)), (brook, at(12, 12))]
    ):
        contact = ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                                 occurred_at=when)
        Contact.objects.filter(pk=contact.pk).update(created_at=logged + dt.timedelta(minutes=n))
    page = text(login(officer).get(reverse("home")))
    section = page.split("Contacts you logged recently", 1)[1]
    lines = re.findall(r"(Ashby|Brook) Customer</a> – Email, 12 May 2025 (\d\d:\d\d)", section)
    assert lines == [("Brook", "12:00"), ("Ashby", "11:00"), ("Brook", "10:00"),
                     ("Ashby", "09:00")]


# --- the customer's contact timeline ---------------------------------------------------------


def timeline(response) -> list[int]:
    """The contacts the page shows, by id, in order."""
    return [int(pk) for pk in re.findall(r'id="contact-(\d+)"', response.content.decode())]


def bulk_contacts(customer, adults, officer, n: int, *, matter=None, sanction=None):
    """`n` contacts, a day apart, every third a call, every fifth outside a restriction,
    each with two indicators and a file: what the page must fetch without a query each."""
    start = dt.datetime(2024, 1, 1, 9, 0, tzinfo=LONDON)
    contacts = Contact.objects.bulk_create([
        Contact(customer=customer, directorate=adults, handled_by=officer, logged_by=officer,
                channel="phone" if i % 3 == 0 else "email", duration_minutes=10,
                occurred_at=start + dt.timedelta(days=i), matter=matter,
                summary=f"Contact {i} from {customer.full_name}")
        for i in range(n)
    ])
    through = Contact.indicators.through
    indicators = some_indicators(2)
    through.objects.bulk_create([
        through(contact=c, indicator=i) for c in contacts for i in indicators
    ])
    ContactAttachment.objects.bulk_create([
        ContactAttachment(contact=c, file=f"correspondence/{c.pk}.pdf", original_name="a.pdf",
                          content_type="application/pdf", size=10, uploaded_by=officer)
        for c in contacts
    ])
    if sanction is not None:
        ContactBreach.objects.bulk_create([
            ContactBreach(contact=c, sanction=sanction, message="Longer than 15 minutes.")
            for n, c in enumerate(contacts) if n % 5 == 0
        ])
    return contacts


@pytest.fixture
def designated(make_case, adults, officer):
    """Two customers under a designation (so breaches can be recorded): 20 and 300 contacts."""
    out = {}
    for n in (20, 300):
        case = make_case("designated", directorate=adults, officer=officer)
        bulk_contacts(case.customer, adults, officer, n, sanction=case.sanctions.first())
        out[n] = case.customer
    return out


# No filter: a page of 25 of the 300. Calls outside a restriction: every 15th, so 20 of them.
FILTERS = [
    ({}, 25, "of 300 contacts, newest first"),
    ({"channel": "phone", "breach": "yes", "from_date": "2024-01-01", "to_date": "2025-12-31"},
     20, "of 20 contacts that match the filters"),
]


@pytest.mark.parametrize(("params", "shown", "says"), FILTERS)
def test_the_timeline_costs_the_same_for_20_or_300_contacts(
    login, officer, designated, django_assert_max_num_queries, params, shown, says
):
    client = login(officer)
    client.get(designated[20].get_absolute_url(), params)  # the session, the caches
    with CaptureQueriesContext(connection) as few:
        small = client.get(designated[20].get_absolute_url(), params)
    assert small.status_code == 200
    assert len(few.captured_queries) <= 40
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get(designated[300].get_absolute_url(), params)
    assert len(timeline(large)) == shown
    assert says in text(large)


def test_the_timeline_filters_by_channel_matter_breach_and_uk_dates(
    login, officer, adults, make_case
):
    case = make_case("designated", directorate=adults, officer=officer)
    customer = case.customer
    bins = MatterFactory(customer=customer, directorate=adults, created_by=officer)
    # Either side of midnight in London in summer (BST): 31 May 23:30 is 22:30 UTC.
    late_may = ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                              channel="phone", duration_minutes=5, matter=bins,
                              occurred_at=dt.datetime(2025, 5, 31, 23, 30, tzinfo=LONDON))
    early_june = ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                                channel="email",
                                occurred_at=dt.datetime(2025, 6, 1, 0, 30, tzinfo=LONDON))
    mid_may = ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                             channel="email", matter=bins,
                             occurred_at=dt.datetime(2025, 5, 15, 12, 0, tzinfo=LONDON))
    ContactBreach.objects.create(contact=mid_may, sanction=case.sanctions.first(),
                                 message="An email to an address it may not use.")
    client = login(officer)
    url = customer.get_absolute_url()

    def shown(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return timeline(response)

    assert shown() == [early_june.pk, late_may.pk, mid_may.pk]
    assert shown(channel="phone") == [late_may.pk]
    assert shown(channel="email") == [early_june.pk, mid_may.pk]
    assert shown(matter=bins.reference) == [late_may.pk, mid_may.pk]
    assert shown(breach="yes") == [mid_may.pk]
    assert shown(breach="no") == [early_june.pk, late_may.pk]
    assert shown(to_date="2025-05-31") == [late_may.pk, mid_may.pk]
    assert shown(from_date="2025-06-01") == [early_june.pk]
    assert shown(from_date="2025-05-31", to_date="2025-05-31") == [late_may.pk]
    assert shown(from_date="16/05/2025") == [early_june.pk, late_may.pk]
    assert shown(channel="email", breach="no", matter="") == [early_june.pk]


def test_the_timeline_pages_keep_the_filters(login, officer, adults):
    customer = CustomerFactory(directorates=[adults])
    bulk_contacts(customer, adults, officer, 90)
    response = login(officer).get(customer.get_absolute_url(), {"channel": "phone"})
    page = text(response)
    assert "Showing 1 to 25 of 30 contacts that match the filters" in page
    assert 'href="?page=2&channel=phone#contacts"' in page
    second = login(officer).get(customer.get_absolute_url(), {"channel": "phone", "page": 2})
    assert len(timeline(second)) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"channel": "carrier_pigeon"}, "Choose a channel from the list"),
        ({"matter": "M-NOSUCH"}, "Choose one of this customer's matters"),
        ({"breach": "maybe"}, "Choose whether the contact was outside the restrictions"),
        ({"from_date": "2025-02-30"}, "Enter the 'from' date as a real date"),
        ({"to_date": "yesterday"}, "Enter the 'to' date as a real date"),
        ({"from_date": "2025-06-02", "to_date": "2025-06-01"},
         "The 'to' date must be the same as or after the 'from' date"),
    ],
)
def test_a_bad_filter_is_a_message_on_the_form_not_an_error_page(
    login, officer, adults, params, message
):
    customer = CustomerFactory(directorates=[adults])
    bulk_contacts(customer, adults, officer, 3)
    response = login(officer).get(customer.get_absolute_url(), params)
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert message in page
    assert page.count(message) == 2  # in the summary and on the field
    assert "<title>Error: " in page
    assert len(timeline(response)) == 3  # shown unfiltered, and says so
    assert "every contact is shown" in page


def test_another_customers_matter_is_not_a_filter(login, officer, adults):
    customer = CustomerFactory(directorates=[adults])
    other = MatterFactory(customer=CustomerFactory(directorates=[adults]), directorate=adults,
                          created_by=officer)
    bulk_contacts(customer, adults, officer, 2)
    response = login(officer).get(customer.get_absolute_url(), {"matter": other.reference})
    assert "Choose one of this customer's matters" in text(response)


def test_the_contact_table_has_the_indexes_the_timeline_filters_use():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Contact._meta.db_table)
    indexed = [tuple(c["columns"]) for c in constraints.values() if c["index"]]
    assert ("customer_id", "occurred_at") in indexed
    assert ("customer_id", "channel", "occurred_at") in indexed
    assert ("logged_by_id", "occurred_at") in indexed
