"""Long records stay usable: the customer's contact timeline is paged and filtered at a fixed
cost, and "Contacts you logged recently" is in time order."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo

import pytest
from django.urls import reverse

from cases.models import Contact
from tests.factories import ContactFactory, CustomerFactory

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
