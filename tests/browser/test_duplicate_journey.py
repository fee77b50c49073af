"""Issue 12 in a real browser: an officer adding a person who is already restricted, under
a variant of their name, is stopped before anything is saved, shown the existing record
with its Restricted tag, and uses it; no second record is made."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Customer
from sanctions.models import SanctionKind
from tests.factories import PASSWORD
from tests.sanctions import restrictions
from tests.sanctions.restrictions import add_sanction

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def restricted_ian(restricted_case):
    customer = restricted_case.customer
    customer.full_name, customer.address = "Ian Sewell", "7 Penrith Road\nKeswick"
    customer.postcode, customer.email = "CA12 4HF", "ian.sewell@example.com"
    customer.phone = "017687 72645"
    customer.save()
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15,
                 starts_on=restrictions.JAN_1, ends_on=dt.date(2099, 1, 1))
    return customer


def test_adding_a_restricted_person_again_is_stopped_and_the_officer_uses_the_record(
    live_server, page: Page, officer, restricted_ian
):
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    page.goto(f"{live_server.url}/customers/new/")
    page.get_by_label("Full name").fill("SEWEL, Iain")
    page.get_by_label("Address", exact=True).fill("7 Penrith Rd, Keswick")
    page.get_by_label("Postcode").fill("ca12 4hf")
    page.get_by_label("Email").fill("Ian.Sewell@Example.com")
    page.get_by_role("button", name="Add customer").click()

    banner = page.locator("#matches")
    expect(banner.get_by_role("heading", name="Possible duplicate")).to_be_visible()
    expect(banner).to_contain_text("A record that may be this person is restricted")
    expect(banner).to_contain_text("Nothing has been saved yet")
    row = banner.get_by_role("row").filter(has_text=restricted_ian.reference)
    expect(row).to_contain_text("Ian Sewell")
    expect(row).to_contain_text("Similar name, same email, same postcode, similar address")
    expect(row.locator(".govuk-tag--red")).to_have_text("Restricted")
    # What was typed is kept, should the officer go on instead.
    expect(page.get_by_label("Full name")).to_have_value("SEWEL, Iain")
    assert Customer.objects.count() == 1

    row.get_by_role("link", name=re.compile("Use this record")).click()
    expect(page).to_have_url(re.compile(rf"/customers/{restricted_ian.reference}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ian Sewell")
    expect(page.get_by_text("Contact restrictions in force")).to_be_visible()
    assert list(Customer.objects.values_list("pk", flat=True)) == [restricted_ian.pk]
