"""Issue 11 in a real browser: the data protection officer records a subject access
request, checks identity, produces the disclosure, withholds a neighbour's name, releases
it and downloads the release copy, which no longer names the neighbour."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from governance.models import SarStatus, SubjectAccessRequest
from tests import factories
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

NEIGHBOUR = "Priya Okonkwo-Smith"


def test_the_data_protection_officer_answers_a_subject_access_request_end_to_end(
    live_server, page: Page, customer, officer, adults
):
    ig = factories.UserFactory(username="dpo", first_name="Helen", last_name="Dodd",
                               roles=[Role.INFORMATION_GOVERNANCE],
                               directorates__council_wide=True)
    factories.ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                             summary=f"Says {NEIGHBOUR} next door keeps calling the police.")
    base = live_server.url
    page.set_default_timeout(20_000)
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", ig.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Record the request from the menu: a wrong reference is refused, the date kept.
    page.get_by_role("link", name="Subject access").click()
    page.get_by_role("link", name="Record a request").click()
    today = timezone.localdate()
    page.fill("#id_customer", "C-NOSUCH")
    page.fill("#id_received_on", today.isoformat())
    page.get_by_role("button", name="Record request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("No customer has that reference")
    expect(page.locator("#id_received_on")).to_have_value(today.isoformat())
    page.fill("#id_customer", customer.reference)
    page.get_by_role("button", name="Record request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access request")
    sar = SubjectAccessRequest.objects.get()
    expect(page.locator("[data-due]")).to_have_attribute("data-due", sar.due_on.isoformat())

    # Identity, then the disclosure in one action.
    page.fill("#id_identity-checked_on", today.isoformat())
    page.fill("#id_identity-how", "Passport seen at the front desk")
    page.get_by_role("button", name="Record identity check").click()
    expect(page.locator("[data-identity]")).to_contain_text("Passport seen")
    page.get_by_role("button", name="Produce the disclosure").click()
    expect(page.locator("[data-produced]")).to_contain_text("Internal copy produced")

    # Withhold the neighbour's name from the contact's summary.
    page.get_by_role("link", name="Review passages for redaction").click()
    card = page.locator("[data-passage]", has_text=NEIGHBOUR)
    card.get_by_label("Words to withhold").fill(NEIGHBOUR)
    card.get_by_label("Why").fill("Names a neighbour")
    card.get_by_role("button", name="Withhold").click()
    expect(page.locator("[data-marks]")).to_contain_text(f"“{NEIGHBOUR}”")

    # It is on /deadlines/ while open; then release and download.
    page.get_by_role("link", name="Deadlines").click()
    page.get_by_label("All open deadlines").check()  # a month ahead: beyond the 28 days
    page.get_by_role("button", name="Show deadlines").click()
    expect(page.locator(f'[data-deadline="subject_access-{sar.pk}"]')).to_be_visible()
    page.goto(f"{base}{sar.get_absolute_url()}")
    page.get_by_role("button", name="Release the redacted disclosure").click()
    expect(page.locator("[data-status]")).to_have_text("Disclosure released")
    with page.expect_download() as info:
        page.get_by_role("link", name="download the release copy").click()
    data = Path(info.value.path()).read_bytes()
    html = zipfile.ZipFile(io.BytesIO(data)).read("index.html").decode()
    assert "Says [redacted] next door" in html and NEIGHBOUR not in html
    sar.refresh_from_db()
    assert sar.status == SarStatus.RELEASED and sar.released_by == ig
