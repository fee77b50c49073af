"""The whole of steps 2 to 8 in a real browser, as three people would do it: an officer
refers, a service manager warns, records the checklist and submits, a senior manager
designates. Nothing but the pages is used, so this is what "a demo user can carry a case
from referral to a decision" means."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Alternative, CaseEvent, CaseState, DesignationCase, Precondition
from sanctions.models import Sanction
from tests.factories import PASSWORD, ContactFactory, some_indicators

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


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))


def take_step(page: Page, action: str) -> None:
    page.locator(f"a[data-action={action}]").click()


def test_referral_warning_checklist_and_designation_in_the_browser(
    live_server, page: Page, officer, service_manager, senior_manager, customer
):
    base = live_server.url
    page.set_default_timeout(15_000)
    indicator = some_indicators(1)[0]
    ContactFactory(customer=customer, handled_by=officer, indicators=[indicator])

    # Officer: refer.
    sign_in(page, base, officer)
    page.goto(f"{base}{customer.get_absolute_url()}")
    page.get_by_role("button", name="Refer this customer").click()
    page.fill("textarea[name=reason]", "Calls every morning about a closed complaint.")
    page.locator(f"input[name=indicators][value='{indicator.pk}']").check()
    page.get_by_role("button", name="Refer to a manager").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referred")
    case_url = page.url
    # An officer sees the case but has no step to take on it: the task list says whose it is.
    expect(page.locator("[data-next-steps]")).to_contain_text(
        "Waiting for a service manager of Adults"
    )
    expect(page.locator("[data-next-steps] a")).to_have_count(0)
    sign_out(page)

    # Service manager: formal warning, then behaviour continued.
    sign_in(page, base, service_manager)
    page.goto(case_url)
    take_step(page, "issue_formal_warning")
    page.locator("input[name=method][value=letter]").check()
    page.locator(f"input[name=behaviours][value='{indicator.pk}']").check()
    page.fill("textarea[name=summary]", "Your calls must stop; write to us instead.")
    page.get_by_role("button", name="Issue a formal written warning").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Warned")

    take_step(page, "behaviour_continued")
    page.fill("textarea[name=note]", "Three more calls this week.")
    page.get_by_role("button", name="Behaviour continued").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Assessment")
    # Not ready: the submit button is not offered, and the page says why.
    expect(page.locator("a[data-action=submit_for_decision]")).to_have_count(0)
    expect(page.get_by_text("Before the case can go to a senior manager")).to_be_visible()

    # The checklist is on the case's referral tab.
    page.get_by_role("link", name="Referral and checklist").click()
    for code in Precondition.values:
        item = page.locator(f"#precondition-{code}")
        item.locator("summary").click()
        item.locator(f"input[name={code}-met][value=yes]").check()
        item.locator(f"textarea[name={code}-note]").fill(f"Checked: {code}.")
        item.get_by_role("button", name=re.compile("^Save")).click()
        expect(page.locator(f"#precondition-{code}")).to_contain_text("Confirmed")
    for code in Alternative.values:
        item = page.locator(f"#alternative-{code}")
        item.locator("summary").click()
        item.locator(f"input[name={code}-outcome][value=offered]").check()
        item.locator(f"textarea[name={code}-reason]").fill(f"Offered: {code}.")
        item.get_by_role("button", name=re.compile("^Save")).click()
        expect(page.locator(f"#alternative-{code}")).to_contain_text("Offered")

    page.get_by_role("link", name="Summary").click()
    take_step(page, "submit_for_decision")
    page.get_by_role("button", name="Submit for a senior manager's decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awaiting decision")
    sign_out(page)

    # Senior manager: the case is on their home page; designate it.
    sign_in(page, base, senior_manager)
    page.get_by_role("link", name=re.compile(r"UCP-")).first.click()
    take_step(page, "designate")
    # The evidence is beside the choices.
    expect(page.locator("#evidence")).to_contain_text("Formal written warning")
    # Each sanction's parameters are revealed only once it is ticked.
    minutes = page.locator("input[name='time_limit-max_minutes']")
    expect(minutes).to_be_hidden()
    page.get_by_role("button", name="Designate the customer").click()
    # The error shows twice: in the summary at the top and beside the field.
    expect(page.get_by_text("Enter the reasons for designating")).to_have_count(2)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one sanction")
    page.fill("textarea[name=reasons]", "Daily calls continued after a written warning.")
    page.get_by_label("Time limit on telephone calls and personal contacts").check()
    expect(minutes).to_be_visible()
    minutes.fill("15")
    page.fill("textarea[name='time_limit-reasons']", "Calls run past an hour.")
    page.get_by_role("button", name="Designate the customer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Designated")
    expect(page.locator(".ucp-chronology")).to_contain_text("Awaiting decision → Designated")

    case = DesignationCase.objects.get()
    assert case.state == CaseState.DESIGNATED
    assert case.decided_by == senior_manager
    assert list(case.decision_indicators.all()) == [indicator]
    sanction = Sanction.objects.get(case=case)
    assert (sanction.kind, sanction.max_minutes) == ("time_limit", 15)
    assert list(sanction.directorates.all()) == [case.lead_directorate]
    assert (sanction.starts_on, sanction.ends_on) == (case.designated_on, case.review_due_on)
    actors = set(CaseEvent.objects.filter(case=case).values_list("actor__username", flat=True))
    assert actors == {officer.username, service_manager.username, senior_manager.username}
