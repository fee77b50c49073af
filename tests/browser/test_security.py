"""In Chromium: representative pages load under the Content Security Policy with no
violation and their JavaScript still runs; the session timeout warning appears, "Stay signed
in" extends the session, another tab's use is noticed, and a timeout sends the user to sign
in and back."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import Indicator
from letters import services as letter_services
from letters.models import LetterKind
from tests.factories import PASSWORD, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# Every frame (the letter preview's srcdoc too) reports what its policy refused.
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  (window.top.__cspViolations || window.__cspViolations).push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def watch(page: Page) -> list[str]:
    """What Chromium refused on `page`, from the console and the violation events."""
    refused: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: refused.append(f"script error: {error}"))
    return refused


def visit(page: Page, url: str, refused: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    refused += page.evaluate("window.__cspViolations")
    # GOV.UK Frontend ran (started from ucp.js, not an inline script) ...
    assert page.evaluate("document.body.classList.contains('js-enabled')"), url
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), url
    expect(page.locator("[data-module='govuk-button']").first).to_have_attribute(
        "data-govuk-button-init", "")


def test_representative_pages_raise_no_policy_violation_and_their_scripts_run(
    live_server, page: Page, browser, adults, officer, service_manager, senior_manager,
    admin_user, customer,
):
    page.set_default_timeout(20_000)
    base = live_server.url
    designated = make_case("designated", directorate=adults, customer=customer, officer=officer,
                           service_manager=service_manager, senior_manager=senior_manager)
    refused = watch(page)
    sign_in(page, base, senior_manager)

    for path in (
        reverse("home"),
        customer.get_absolute_url(),
        designated.get_absolute_url(),
        reverse("reports:report"),
        # The letter in a frame: its own <style> is allowed by hash, nothing else.
        reverse("letters:preview", args=[designated.reference, "designation"]),
    ):
        visit(page, base + path, refused)
        if path == reverse("reports:report"):
            assert page.locator("svg.ucp-chart").count() >= 1
            box = page.locator("svg.ucp-chart").first.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 50  # drawn at its size
        if "preview" in path:
            letter = page.frame_locator("iframe.ucp-letter-preview")
            expect(letter.locator("body")).to_contain_text(customer.full_name)
            # The letter's CSS applied inside the frame (its body is the letter class).
            assert page.frames[1].evaluate(
                "getComputedStyle(document.querySelector('.letterhead')).display") != ""

    # The contact form: the indicator picker's filter box and the witness toggle are ucp.js.
    visit(page, base + reverse("customers:contact_create", args=[customer.reference]), refused)
    page.get_by_label("Filter the indicators").fill("bullying")
    expect(page.locator(".ucp-choice-filter__status")).to_have_text("1 option matches.")
    witness = page.locator("#id_witness_present")
    expect(witness).to_be_hidden()
    page.locator("input[name=channel][value=in_person]").check()
    expect(witness).to_be_visible()

    # The quarterly report: a printable document with its own inline stylesheet.
    page.goto(f"{base}{reverse('reports:quarterly')}?year=2025&quarter=2")
    refused += page.evaluate("window.__cspViolations")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"

    # An issued letter, on its own page under its own stricter policy.
    letter = letter_services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION,
                                          case=designated)
    page.goto(base + reverse("letters:html", args=[designated.reference, letter.pk]))
    refused += page.evaluate("window.__cspViolations")
    assert page.evaluate("getComputedStyle(document.querySelector('.letterhead')).display")

    # Django's admin (as a superuser: what the admin shows is not this test's business).
    admin_user.is_superuser = True
    admin_user.save()
    admin = browser.new_context().new_page()
    admin.set_default_timeout(20_000)
    admin_refused = watch(admin)
    sign_in(admin, base, admin_user)
    indicator = Indicator.objects.order_by("pk").first()
    for path in ("/admin/", "/admin/cases/indicator/",
                 f"/admin/cases/indicator/{indicator.pk}/change/"):
        admin.goto(base + path)
        admin.wait_for_load_state("networkidle")
        expect(admin.locator("#content")).to_be_visible()
        admin_refused += admin.evaluate("window.__cspViolations")
    # The admin's own scripts run: its navigation sidebar folds away when asked.
    main = admin.locator("#main")
    shifted = "shifted" in (main.get_attribute("class") or "")
    admin.locator("#toggle-nav-sidebar").click()
    assert ("shifted" in (main.get_attribute("class") or "")) != shifted
    admin.close()

    assert refused == []
    assert admin_refused == []


@pytest.fixture
def short_sessions(settings):
    """A 40-second idle limit with a 20-second warning, so the dialog comes quickly."""
    settings.SESSION_IDLE_MINUTES = 40 / 60
    settings.SESSION_WARNING_SECONDS = 20


def seconds_left(page: Page) -> float:
    return page.evaluate("""async () => (await (await fetch('/session/',
        {headers: {Accept: 'application/json'}})).json()).expires_in""")


@pytest.mark.usefixtures("short_sessions")
def test_the_timeout_warning_opens_and_stay_signed_in_extends_the_session(
    live_server, page: Page, context, officer, customer
):
    page.set_default_timeout(30_000)
    base = live_server.url
    sign_in(page, base, officer)
    page.goto(base + customer.get_absolute_url())
    opened_at = time.monotonic()

    # A second tab used a few seconds later keeps the session alive: this tab, asking the
    # server before it warns, waits for the new time rather than warning at its own.
    time.sleep(6)
    other = context.new_page()
    other.goto(base + reverse("home"))
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    time.sleep(max(0, 23 - (time.monotonic() - opened_at)))
    expect(dialog).to_be_hidden()
    other.close()

    expect(dialog).to_be_visible()
    # Focus is in the dialog, and it says when, to the eye and (sparingly) to screen readers.
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    expect(dialog).to_contain_text("we will sign you out in")
    expect(dialog.locator("[data-timeout-announce]")).to_contain_text("We will sign you out in")
    assert seconds_left(page) <= 21

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert seconds_left(page) > 35
    expect(page.get_by_role("heading", level=1)).to_contain_text(customer.full_name)


@pytest.fixture
def very_short_sessions(settings):
    settings.SESSION_IDLE_MINUTES = 12 / 60
    settings.SESSION_WARNING_SECONDS = 8


@pytest.mark.usefixtures("very_short_sessions")
def test_when_nobody_answers_the_warning_the_user_signs_in_again_and_is_back_on_the_page(
    live_server, page: Page, officer, customer
):
    page.set_default_timeout(30_000)
    base = live_server.url
    sign_in(page, base, officer)
    path = customer.get_absolute_url()
    page.goto(base + path)
    expect(page.get_by_role("dialog")).to_be_visible()
    page.wait_for_url(f"{base}{reverse('login')}?next={quote(path, safe='')}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you had not used the system for 0.2 minutes")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(customer.full_name)
