"""Step 11 end to end in a real browser: an officer records the customer's written request
for a review; a senior manager gives it to an independent reviewer from another directorate;
the reviewer finds it on their home page, reads the case, varies the sanctions, and the
outcome letter is issued and listed on the case with its PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from letters.models import Letter, LetterKind
from reviews.models import Challenge, ChallengeStatus
from sanctions.models import SanctionStatus
from tests.factories import PASSWORD, make_case
from tests.reviews.conftest import put_in_force

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SCREENSHOTS = "/tmp/ucp-challenge-{}.png"


@pytest.fixture(autouse=True)
def _letters_in_test_storage_and_eager(letter_storage, eager_celery, settings):
    """Outcome letters in the per-test folder; the live server's tasks run in-process."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))


def test_a_written_request_is_decided_by_the_independent_reviewer(
    live_server, page: Page, adults, officer, service_manager, senior_manager, reviewer,
    customer,
):
    base = live_server.url
    page.set_default_timeout(20_000)
    case = make_case(
        "designated", directorate=adults, customer=customer, officer=officer,
        service_manager=service_manager, senior_manager=senior_manager,
    )
    case = put_in_force(case, senior_manager)
    # The case's challenges and reviews tab (cases.sections).
    case_url = f"{base}{case.get_absolute_url()}reviews/"

    # Officer: the customer's letter arrived today; record it.
    sign_in(page, base, officer)
    page.goto(case_url)
    expect(page.locator("[data-challenge-window]")).to_contain_text("14 days left")
    page.locator("a[data-action=challenge_record]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a request for a review")
    page.get_by_label("Letter", exact=True).check()
    # Forgetting the grounds: told so, and the choice made is kept.
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the customer's grounds for asking for a review")
    expect(page.get_by_label("Letter", exact=True)).to_be_checked()
    page.screenshot(path=SCREENSHOTS.format("0-record-error"), full_page=True)
    page.fill("textarea[name=grounds]",
              "The 15-minute limit means I can never finish explaining my housing problem.")
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator("main")).to_contain_text("Request for a review recorded")
    challenge = Challenge.objects.get(case=case)
    card = page.locator(f"#challenge-{challenge.pk}")
    expect(card).to_contain_text("Awaiting an independent reviewer")
    expect(card).to_contain_text("28 days left")
    sign_out(page)

    # Senior manager: give it to the independent reviewer.
    sign_in(page, base, senior_manager)
    page.goto(case_url)
    page.locator(f"#challenge-{challenge.pk}").get_by_role(
        "button", name="Assign an independent reviewer").click()
    page.get_by_label(re.compile(r"^Rory Reviewer")).check()
    page.get_by_role("button", name="Assign the reviewer").click()
    expect(page.locator("main")).to_contain_text("Rory Reviewer is the independent reviewer")
    sign_out(page)

    # Reviewer (Resources): it is on their home page.
    sign_in(page, base, reviewer)
    panel = page.locator("[data-panel=to-review]")
    expect(panel).to_contain_text(case.reference)
    expect(panel).to_contain_text("28 days left")
    page.screenshot(path=SCREENSHOTS.format("1-reviewer-home"), full_page=True)
    panel.get_by_role("link", name=re.compile(case.reference)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide the challenge")
    expect(page.locator("[data-grounds]")).to_contain_text("never finish explaining")
    expect(page.locator("[data-decision-reasons]")).to_contain_text(
        "Persistent and unreasonable contact with staff")
    expect(page.locator("[data-current-restrictions]")).to_contain_text("15 minutes")
    page.screenshot(path=SCREENSHOTS.format("2-decide"), full_page=True)

    # Vary: a 30-minute limit instead.
    page.get_by_label("Vary the sanctions").check()
    page.fill("textarea[name=reasons]",
              "Fifteen minutes is too short for the customer to explain a complex matter.")
    page.get_by_label("Time limit on telephone calls and personal contacts").check()
    page.fill("input[name='time_limit-max_minutes']", "30")
    page.fill("textarea[name='time_limit-reasons']", "Calls still run long; 30 minutes is fair.")
    page.get_by_role("button", name="Check the letter to the customer").click()
    # The letter first: nothing is decided until the reviewer confirms what they read.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Decide the challenge: check the letter"
    )
    expect(page.locator("[data-decision-summary]")).to_contain_text("Vary the sanctions")
    frame = page.frame_locator("iframe.ucp-letter-preview")
    expect(frame.locator("body")).to_contain_text("The outcome of your request for a review")
    with page.expect_response(lambda r: r.url.endswith("/decide/"), timeout=60_000) as sent:
        page.get_by_role("button", name="Decide and send the letter").click()
    assert sent.value.status == 302
    expect(page.locator("main")).to_contain_text(
        "Challenge decided: vary the sanctions. Challenge outcome letter issued (version 1)."
    )
    # Back on the case's challenges tab, the challenge decided; the letter is on its own tab.
    expect(page.locator(f"#challenge-{challenge.pk}")).to_contain_text("Decided")
    page.locator(f"#challenge-{challenge.pk}").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS.format("3-case-after"), full_page=True)
    page.get_by_role("link", name="Letters and notices").click()
    row = page.locator("[data-letter='challenge_outcome-v1']")
    expect(row).to_contain_text("Challenge outcome letter")

    pdf_href = row.get_by_role("link", name=re.compile("Download PDF")).get_attribute("href")
    pdf = page.request.get(f"{base}{pdf_href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:4] == b"%PDF"

    # The deadline dashboard has it under "recently decided", on time.
    page.get_by_role("link", name="Deadlines").click()
    decided = page.locator(f"[data-row='decided-{case.reference}']")
    expect(decided).to_contain_text("Challenge decided by Rory Reviewer")
    expect(decided).to_contain_text("On time")
    page.screenshot(path=SCREENSHOTS.format("4-deadlines"), full_page=True)

    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DECIDED and challenge.outcome == "vary"
    assert Letter.objects.filter(case=case, kind=LetterKind.CHALLENGE_OUTCOME).count() == 1
    assert case.sanctions.get(status=SanctionStatus.ACTIVE).max_minutes == 30
