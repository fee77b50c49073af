"""Issue 9: a senior manager follows the task list from the decision to "in force" in a
real browser, clicking only what the screen offers: the home page's "Your next steps", then
the case page's "What happens next" at each stage. No URL is typed after signing in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import CaseState, DesignationCase
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


def task(page: Page, name: str):
    """One task of the case page's task list, by the step's name."""
    return page.locator("[data-next-steps] .govuk-task-list__item").filter(
        has=page.get_by_text(name, exact=True)
    )


def test_a_senior_manager_follows_the_task_list_from_decision_to_in_force(
    live_server, page: Page, adults, officer, service_manager, senior_manager, customer, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the council notice mail runs in-process
    base = live_server.url
    page.set_default_timeout(20_000)
    case = make_case(
        "awaiting_decision", directorate=adults, customer=customer, officer=officer,
        service_manager=service_manager, senior_manager=senior_manager,
    )

    # Home: the case is in "Your next steps", with the step to take.
    sign_in(page, base, senior_manager)
    panel = page.locator("[data-panel=next-steps]")
    expect(panel).to_contain_text("Designate the customer")
    expect(panel).to_contain_text(case.reference)
    panel.get_by_role("link", name="Designate the customer").click()

    # The decision: the page is headed with the step's name.
    expect(page.get_by_role("heading", level=1)).to_have_text("Designate the customer")
    page.fill("textarea[name=reasons]", "Calls of over an hour, daily, after a written warning.")
    page.get_by_label("Time limit on telephone calls and personal contacts").check()
    page.fill("input[name='time_limit-max_minutes']", "15")
    page.fill("textarea[name='time_limit-reasons']", "Calls run past an hour.")
    page.get_by_role("button", name="Designate the customer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Designated")

    # Designated: two steps of the senior manager's put it in force; the review waits.
    tasks = page.locator("[data-next-steps]")
    expect(tasks).not_to_contain_text("nothing")
    expect(tasks).to_contain_text("You can take 2 of these steps now.")
    expect(task(page, "Issue the designation letter")).to_contain_text("Can be done now")
    expect(task(page, "Inform the council")).to_contain_text("Can be done now")
    expect(task(page, "Carry out the six-month review")).to_contain_text("Cannot start yet")
    expect(task(page, "Carry out the six-month review")).to_contain_text(
        "The designation must be in force first"
    )

    # The letter: preview, then issue.
    tasks.get_by_role("link", name="Issue the designation letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue the designation letter")
    with page.expect_response(lambda r: r.url.endswith("/issue/"), timeout=60_000) as issued:
        page.get_by_role("button", name="Issue the letter").click()
    assert issued.value.status == 302
    expect(page.locator("main")).to_contain_text("Designation letter issued (version 1)")

    # One step left; the customer's 14 days have started. (Issuing shows the letters tab;
    # the task list is on the summary.)
    page.get_by_role("link", name="Summary").click()
    expect(task(page, "Issue the designation letter")).to_contain_text("Completed")
    expect(task(page, "Inform the council")).to_contain_text("Can be done now")
    expect(task(page, "Record a request for a review")).to_contain_text(
        "Waiting for the customer"
    )
    expect(tasks).to_contain_text("You can take 1 of these steps now.")

    # The council: the staff to tell, and the copies.
    tasks.get_by_role("link", name="Inform the council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inform the council")
    page.locator("input[name=staff]").first.check()
    page.get_by_role("button", name="Inform the council and send copies").click()

    # In force: what happens next is the customer's 14 days and the review, not yet due.
    expect(page.get_by_role("heading", level=1)).to_contain_text("in force")
    expect(page.locator("main")).to_contain_text("The designation is now in force.")
    page.get_by_role("link", name="Summary").click()
    expect(task(page, "Inform the council")).to_have_count(0)
    expect(task(page, "Record a request for a review")).to_contain_text(
        "Waiting for the customer"
    )
    review = task(page, "Carry out the six-month review")
    expect(review).to_contain_text("Not due yet")
    expect(review.get_by_role("link", name="Carry out the six-month review")).to_have_count(1)
    expect(page.locator("[data-next-steps]")).not_to_contain_text("nothing")
    assert re.search(r"/cases/[^/]+/", page.url)
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.ACTIVE
