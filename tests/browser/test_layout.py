"""Issue 9, item 8: the customer and case pages at 320 px (WCAG 1.4.10 reflow: 400% zoom of
a 1280 px screen) and at tablet widths, in Chromium. Nothing makes the page scroll sideways
(wide tables scroll in their own region, so the Edit links stay in reach), no label or key
breaks mid-word, and a date-and-time input shows its whole value."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from letters import services as letter_services
from letters.models import LetterKind
from tests.factories import PASSWORD, MatterFactory, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# Words cut across two lines inside a label, a summary list key or a table header.
BROKEN_WORDS = """() => {
  const out = [];
  const range = document.createRange();
  for (const el of document.querySelectorAll(
      '.govuk-summary-list__key, th, .govuk-label, legend, .govuk-details__summary-text')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                                          .map(r => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
  }
  return out;
}"""


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_the_customer_and_case_pages_reflow_at_320px_and_keep_words_whole(
    live_server, page: Page, adults, officer, service_manager, senior_manager, customer
):
    customer.email = "a.very.long.address.for.testing.reflow@example-council-partner.gov.uk"
    customer.communication_needs = "Prefers letters in plain English."
    customer.save()
    for n in range(3):
        MatterFactory(customer=customer, directorate=adults, summary=f"Missed collection {n}")
    case = make_case("designated", directorate=adults, customer=customer, officer=officer,
                     service_manager=service_manager, senior_manager=senior_manager)
    letter_services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION, case=case)

    base = live_server.url
    page.set_default_timeout(20_000)
    sign_in(page, base, senior_manager)
    pages = {"customer": customer.get_absolute_url(), "case": case.get_absolute_url()}

    page.set_viewport_size({"width": 320, "height": 800})
    for name, path in pages.items():
        page.goto(f"{base}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the {name} page scrolls sideways at 320 px ({width} px wide)"
        # Every table is in a labelled region a keyboard user can scroll.
        regions = page.locator(".ucp-table-scroll")
        assert regions.count() >= 1
        for i in range(regions.count()):
            region = regions.nth(i)
            assert region.get_attribute("tabindex") == "0"
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("aria-label")
    # The matters' Edit links are reachable: inside their region, scrolled to on focus.
    page.goto(f"{base}{customer.get_absolute_url()}")
    edit = page.get_by_role("link", name="Edit").first
    edit.focus()
    box = edit.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 320 + 1

    for width in (768, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        for name, path in pages.items():
            page.goto(f"{base}{path}")
            assert page.evaluate(BROKEN_WORDS) == [], f"{name} page at {width} px"

    # The contact form's date and time: the input is as wide as its value needs.
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{base}{customer.get_absolute_url()}contacts/new/")
    at = page.locator("input[type=datetime-local]")
    shown = at.evaluate("el => el.getBoundingClientRect().width")
    needed = at.evaluate(
        "el => { el.style.maxWidth = 'none'; el.style.width = 'auto';"
        " const w = el.getBoundingClientRect().width; el.style.cssText = ''; return w; }"
    )
    assert shown >= needed, (shown, needed)
