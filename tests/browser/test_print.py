"""The case page printed from the browser (Chromium's print to PDF): the record on A4
pages of a sensible number, without the navigation, the buttons or the forms."""

from __future__ import annotations

import io

import pypdf
import pytest
from playwright.sync_api import Page, expect

from letters import services as letter_services
from letters.models import LetterKind
from reviews import services as review_services
from tests.factories import PASSWORD, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

A4_POINTS = (595, 842)
NOTES = 60


def test_a_long_case_page_prints_on_a_few_a4_pages_without_the_tools(
    live_server, page: Page, adults, officer, service_manager, senior_manager, customer
):
    case = make_case("designated", directorate=adults, customer=customer, officer=officer,
                     service_manager=service_manager, senior_manager=senior_manager)
    letter_services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION, case=case)
    for n in range(NOTES):  # a long chronology
        review_services.challenge_note_phone_request(
            actor=officer, case=case, note=f"Rang asking for a review, call number {n + 1}."
        )
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    closed_before = page.locator("details:not([open])").count()

    reader = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    pages = reader.pages
    text = "\n".join(p.extract_text() for p in pages)
    # Every page is A4 (not one page as tall as the screen's document), and not too many.
    for p in pages:
        size = (float(p.mediabox.width), float(p.mediabox.height))
        assert all(abs(a - b) < 2 for a, b in zip(size, A4_POINTS, strict=True)), size
    # Eight pages in Chromium for 60 notes and the rest of a designated case (fifteen at
    # the screen's type sizes).
    assert 2 <= len(pages) <= 10, len(pages)
    # The record is there: the latest 25 events of the chronology, saying how many there
    # are (the whole chronology is its own paged page, and the Ombudsman bundle)...
    assert case.reference in text and customer.full_name in text
    assert f"call number {NOTES - 24}." in text and f"call number {NOTES}." in text
    assert f"call number {NOTES - 25}." not in text
    assert "Showing the latest 25 of" in " ".join(text.split())
    # ...and the tools are not: navigation, buttons, forms, the bundle's link.
    for tool in ("Front desk", "Deadlines", "Sign out", "Download the Ombudsman bundle",
                 "Record this precondition", "Back to "):
        assert tool not in text, tool
    # Printing opened no toggle for good: they close again afterwards.
    assert page.locator("details:not([open])").count() == closed_before
