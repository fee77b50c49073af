"""Issue 5 in a real browser: a directorate lead opens the report from the menu, changes
the period, and downloads a table as CSV. Numbers only: no customer's name anywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import CaseState, Indicator
from tests.factories import PASSWORD
from tests.reports.conftest import NAMES, Builder

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_a_lead_opens_the_report_changes_the_period_and_downloads_the_csv(
    live_server, page: Page, adults, lead, senior_manager
):
    # Real dates (the browser's clock cannot be frozen with the server's): three
    # designations, today, yesterday and 400 days ago.
    today = timezone.localdate()
    reason = Indicator.objects.filter(group="persistence").order_by("order").first()
    builder = Builder(senior_manager, [reason])
    days = [today, today - dt.timedelta(days=1), today - dt.timedelta(days=400)]
    for key, day in zip(("A1", "A2", "A3"), days, strict=True):
        builder.case(key, adults, state=CaseState.DESIGNATED, designated_on=day,
                     reasons=[reason], review_due_on=day + dt.timedelta(days=180))
    this_year = sum(1 for day in days if day.year == today.year)

    base = live_server.url
    page.set_default_timeout(20_000)
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", lead.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # From the menu: this calendar year to date.
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How often the policy was used, and why"
    )
    expect(page.locator("[data-period-label]")).to_have_text(f"Calendar year {today.year}")
    expect(page.locator("[data-invocations]")).to_have_text(str(this_year))
    expect(page.locator("#chart-reasons")).to_be_visible()

    # Change the period to the last 500 days.
    page.get_by_label("Dates you choose").check()
    page.fill("#id_start", (today - dt.timedelta(days=500)).isoformat())
    page.fill("#id_end", today.isoformat())
    page.get_by_role("button", name="Show the figures").click()
    expect(page.locator("[data-period-label]")).to_contain_text(f"{today.year}")
    expect(page.locator("[data-invocations]")).to_have_text("3")
    table = page.locator("table[data-table=reasons]")
    expect(table).to_contain_text(reason.text)
    expect(table.locator("tbody td:not([class])")).to_have_text(["3"])

    # Download that table.
    with page.expect_download() as download:
        page.locator("a[data-csv=reasons]").click()
    start = (today - dt.timedelta(days=500)).isoformat()
    assert download.value.suggested_filename == (
        f"ucp-reasons-adults-{start}-to-{today.isoformat()}.csv"
    )
    with open(download.value.path(), encoding="utf-8", newline="") as saved:
        assert saved.read() == (
            "Reason (section 2.1),List in section 2.1,Adults\r\n"
            f"{reason.text},Unreasonable or unreasonably persistent,3\r\n"
        )

    content = page.content()
    for name in NAMES.values():
        assert name not in content
