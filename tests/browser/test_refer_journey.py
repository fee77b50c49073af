"""An officer's journey in a real browser: sign in, find the customer, log a call with an
indicator, see it on the timeline, refer the customer, land on the case page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import CaseState, Contact, DesignationCase
from tests.factories import PASSWORD, some_indicators

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_officer_logs_a_call_and_refers_the_customer(live_server, page: Page, officer, customer):
    indicator = some_indicators(3)[2]
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Olivia Officer")

    page.goto(f"{live_server.url}/customers/")
    page.fill("input[name=q]", "hartley")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 customer found")).to_be_visible()
    page.get_by_role("link", name="Morgan Hartley-Evans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Morgan Hartley-Evans")

    page.get_by_role("button", name="Log a contact").click()
    page.locator("input[name=channel][value=phone]").check()
    page.fill("input[name=duration_minutes]", "25")
    page.fill("textarea[name=summary]", "Rang five times before nine, shouting about the bins.")
    # The indicators sit in closed groups; the filter box finds the one meant.
    page.get_by_label("Filter the indicators").fill(indicator.text[:30])
    expect(page.locator(".ucp-choice-filter__status")).to_have_text("1 option matches.")
    page.locator(f"input[name=indicators][value='{indicator.pk}']").check()
    page.get_by_role("button", name="Save contact").click()

    expect(page).to_have_url(re.compile(rf"/customers/{customer.reference}/$"))
    expect(page.get_by_text("Contact logged.")).to_be_visible()
    timeline = page.locator(".ucp-timeline").first
    expect(timeline).to_contain_text("Rang five times before nine, shouting about the bins.")
    expect(timeline).to_contain_text(indicator.text)
    expect(timeline).to_contain_text("25 minutes")

    page.get_by_role("button", name="Refer this customer").click()
    page.fill("textarea[name=reason]", "Daily calls for a month despite an informal warning.")
    page.locator(f"input[name=indicators][value='{indicator.pk}']").check()
    page.locator("input[name=evidence_contacts]").first.check()
    page.get_by_role("button", name="Refer to a manager").click()

    expect(page).to_have_url(re.compile(r"/cases/UCP-[A-Z0-9]{6}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referred")

    contact = Contact.objects.get()
    assert (contact.channel, contact.duration_minutes, contact.logged_by) == ("phone", 25, officer)
    assert list(contact.indicators.all()) == [indicator]
    case = DesignationCase.objects.get()
    assert (case.state, case.referred_by, case.customer) == (CaseState.REFERRED, officer, customer)
    assert list(case.evidence_contacts.all()) == [contact]
    assert page.url.endswith(case.get_absolute_url())


def test_signing_in_with_a_wrong_password_shows_the_error_summary(live_server, page: Page,
                                                                  officer):
    page.goto(f"{live_server.url}/customers/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/customers/$"))
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
