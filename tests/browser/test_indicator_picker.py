"""The indicator picker in Chromium: compact, filterable with JavaScript, whole without it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import Contact, Indicator, IndicatorGroup
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# The contact form with every indicator in one long list was about 4,400 px tall.
MAX_CONTACT_FORM_HEIGHT = 3_000


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_filter_box_narrows_the_indicators_and_the_count_follows_the_ticks(
    live_server, page: Page, officer, customer
):
    page.set_default_timeout(15_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, officer)
    page.goto(live_server.url + reverse("customers:contact_create", args=[customer.reference]))
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < MAX_CONTACT_FORM_HEIGHT, height
    groups = page.locator("details.ucp-choice-filter__group")
    expect(groups).to_have_count(3)
    for n in range(3):
        expect(groups.nth(n)).not_to_have_attribute("open", re.compile(".*"))

    page.get_by_label("Filter the indicators").fill("bullying")
    bullying = Indicator.objects.get(code="bullying-harassment")
    box = page.locator(f"input[name=indicators][value='{bullying.pk}']")
    expect(box).to_be_visible()
    expect(page.locator(".ucp-choice-filter__status")).to_have_text("1 option matches.")
    expect(page.locator(".ucp-choice-filter .govuk-checkboxes__item:visible")).to_have_count(1)
    box.check()
    behaviour = groups.nth(1)
    expect(behaviour.locator("summary")).to_contain_text("(1 of 2 selected)")

    page.get_by_label("Filter the indicators").fill("")
    expect(behaviour).to_have_attribute("open", "")  # it holds a tick: it stays open
    expect(groups.nth(0)).not_to_have_attribute("open", re.compile(".*"))
    page.locator("input[name=channel][value=email]").check()
    page.fill("textarea[name=summary]", "An abusive email to the bins team.")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact logged.")).to_be_visible()
    assert list(Contact.objects.get().indicators.all()) == [bullying]


def test_without_javascript_the_groups_open_and_the_ticks_are_posted(
    live_server, browser, officer, customer
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, officer)
    page.goto(live_server.url + reverse("customers:contact_create", args=[customer.reference]))
    expect(page.get_by_label("Filter the indicators")).to_have_count(0)
    first = Indicator.objects.filter(group=IndicatorGroup.PERSISTENCE).order_by("order").first()
    page.locator("details.ucp-choice-filter__group summary").first.click()
    page.locator(f"input[name=indicators][value='{first.pk}']").check()
    page.locator("input[name=channel][value=letter]").check()
    page.fill("textarea[name=summary]", "A letter about the same bins.")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact logged.")).to_be_visible()
    assert list(Contact.objects.get().indicators.all()) == [first]
    context.close()
