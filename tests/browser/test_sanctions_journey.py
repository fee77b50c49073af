"""Issue 3 end to end in a real browser: a senior manager designates with two sanctions,
issues the letter and informs the council; an officer then sees the restriction banner,
logs a call that breaches one sanction, is told so, and the breach shows on the case."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import CaseState, Contact, DesignationCase
from letters.models import Letter
from sanctions.models import ContactBreach, Sanction
from tests.factories import PASSWORD, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_designate_with_two_sanctions_then_a_breaching_call_shows_on_the_case(
    live_server, page: Page, adults, officer, service_manager, senior_manager, customer, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the council notice mail runs in-process
    base = live_server.url
    page.set_default_timeout(20_000)
    case = make_case(
        "awaiting_decision",
        directorate=adults,
        customer=customer,
        officer=officer,
        service_manager=service_manager,
        senior_manager=senior_manager,
    )

    # Senior manager: designate with a time limit and a witness requirement.
    sign_in(page, base, senior_manager)
    page.goto(f"{base}{case.get_absolute_url()}")
    page.locator("a[data-action=designate]").click()
    page.fill("textarea[name=reasons]", "Calls of over an hour, daily, after a written warning.")
    page.get_by_label("Time limit on telephone calls and personal contacts").check()
    page.fill("input[name='time_limit-max_minutes']", "15")
    page.fill("textarea[name='time_limit-reasons']", "Calls run past an hour.")
    page.get_by_label("Personal contacts only with a witness present").check()
    page.fill("textarea[name='witness-reasons']", "Staff were shouted at in reception.")
    page.get_by_role("button", name="Designate the customer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Designated")
    assert Sanction.objects.filter(case=case).count() == 2

    # Not in force yet: the customer has not been told.
    page.goto(f"{base}{customer.get_absolute_url()}")
    expect(page.locator("[data-restriction-banner]")).to_have_count(0)

    # Issue the designation letter, then inform the council: the case's letters tab.
    page.goto(f"{base}{case.get_absolute_url()}letters/")
    page.locator("a[data-action=preview-designation-letter]").click()
    expect(page).to_have_url(re.compile(r"/letters/designation/preview/$"))
    # Rendering and storing the PDF takes a few seconds on a cold start: wait for the POST.
    # (A plain click: an opaque-origin sandboxed preview iframe once made Chromium drop it.)
    with page.expect_response(lambda r: r.url.endswith("/issue/"), timeout=60_000) as issued:
        page.get_by_role("button", name="Issue the letter").click()
    assert issued.value.status == 302
    expect(page.locator("main")).to_contain_text("Designation letter issued (version 1)")
    inform = page.locator("form[action$='/inform-council/']").first
    inform.locator("input[name=staff]").first.check()
    inform.get_by_role("button", name="Inform the council and send copies").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("in force")
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.ACTIVE
    assert Letter.objects.filter(case=case, kind="designation").count() == 1
    page.get_by_role("button", name="Sign out").click()

    # Officer: the banner says what staff may do; a 30-minute call breaches the time limit.
    sign_in(page, base, officer)
    page.goto(f"{base}{customer.get_absolute_url()}")
    banner = page.locator("[data-restriction-banner]")
    expect(banner).to_contain_text("Contact restrictions in force")
    expect(banner).to_contain_text("15 minutes")
    expect(banner).to_contain_text("witness")
    page.get_by_role("button", name="Log a contact").click()
    expect(page.locator("[data-restriction-banner]")).to_be_visible()
    page.locator("input[name=channel][value=phone]").check()
    page.fill("input[name=duration_minutes]", "30")
    page.fill(
        "textarea[name=summary]", "Rang about the same complaint again; call ended at 30 minutes."
    )
    page.get_by_role("button", name="Save contact").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.reference}/$"))
    expect(page.locator("main")).to_contain_text("15 minutes")  # the officer is told
    contact = Contact.objects.get(customer=customer, duration_minutes=30)
    breach = ContactBreach.objects.get(contact=contact)
    assert breach.sanction.kind == "time_limit"

    # The breach shows on the case's monitoring tab.
    page.goto(f"{base}{case.get_absolute_url()}monitoring/")
    expect(page.locator("main")).to_contain_text(breach.message)
