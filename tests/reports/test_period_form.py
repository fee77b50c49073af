"""The period is a GET form: bad input gives the page back with the errors, never a 500."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from reports import periods

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "quarter", "year": "twenty", "quarter": "1"},
         "Enter the year as a number, like 2026"),
        ({"period": "quarter", "year": "2026", "quarter": "5"}, "Choose a quarter"),
        ({"period": "month", "year": "2026", "month": "13"}, "Choose a month"),
        ({"period": "month", "year": "", "month": "1"}, "Enter a year"),
        ({"period": "year", "year": "1999"}, "Enter a year from 2000"),
        ({"period": "fortnight", "year": "2026"}, "Choose a period"),
        ({"period": "custom", "start": "2026-02-30", "end": "2026-03-01"},
         "Enter the first day as a real date"),
        ({"period": "custom", "start": "2026-03-01", "end": "2026-02-01"},
         "The last day must be on or after the first day"),
        ({"period": "custom", "start": "2026-03-01"}, "Enter the last day of the period"),
        ({"period": "custom", "start": "2016-01-01", "end": "2026-01-01"},
         "Choose a period of 5 years or less"),
    ],
)
def test_bad_input_shows_the_form_again_with_the_error(lead, login, params, message):
    response = login(lead).get("/reports/", params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert response.context["builder"] is None
    assert "<title>Error: " in page


def test_no_parameters_show_this_calendar_year_to_date(lead, login):
    response = login(lead).get("/reports/")
    assert response.context["period"] == periods.year_period(2026)
    assert response.context["as_at"] == dt.date(2026, 5, 15)


def test_the_form_keeps_the_period_chosen(lead, login):
    page = login(lead).get("/reports/", {"period": "month", "year": "2025", "month": "11"})
    assert page.context["period"].label == "November 2025"
    html = page.content.decode()
    assert 'value="month" checked' in html
    assert '<option value="11" selected>November</option>' in html


def test_the_quarterly_report_opens_on_the_last_complete_quarter(lead, login):
    response = login(lead).get("/reports/quarterly/")
    assert "Quarter 1 2026 (January to March)" in response.content.decode()


def test_the_quarterly_report_with_a_bad_quarter_says_so(lead, login):
    response = login(lead).get("/reports/quarterly/", {"year": "2026", "quarter": "9"})
    assert response.status_code == 200
    assert "Choose a quarter" in response.content.decode()
    pdf = login(lead).get("/reports/quarterly.pdf", {"year": "x", "quarter": "1"})
    assert pdf.status_code == 400


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (periods.month_period(2024, 2), dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (periods.quarter_period(2026, 3), dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (periods.quarter_period(2026, 4), dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (periods.financial_year_period(2025), dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
    ],
)
def test_periods_have_the_right_first_and_last_days(period, start, end):
    assert (period.start, period.end) == (start, end)


def test_the_trend_shows_at_least_twelve_months_and_stops_at_today():
    today = dt.date(2026, 5, 15)
    assert len(periods.month_period(2026, 3).trend_months(today)) == 12
    months = periods.year_period(2026).trend_months(today)
    assert months[0] == dt.date(2025, 6, 1) and months[-1] == dt.date(2026, 5, 1)
    long = periods.custom_period(dt.date(2023, 1, 10), dt.date(2025, 12, 31))
    assert len(long.trend_months(today)) == 36


def test_a_uk_day_starts_at_uk_midnight_whatever_the_clocks():
    summer = periods.quarter_period(2026, 2)
    assert summer.start_instant.utcoffset() == dt.timedelta(hours=1)  # 1 April is BST
    assert periods.quarter_period(2026, 1).start_instant.utcoffset() == dt.timedelta(0)


def test_a_bad_quarter_is_an_app_page_with_an_error_title_h1_and_linked_summary(lead, login):
    html = login(lead).get("/reports/quarterly/", {"year": "2026", "quarter": "9"}).content.decode()
    assert re.search(r"<title>\s*Error: Quarterly report", html)
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert re.search(r"<h1[^>]*>Quarterly report</h1>", html)
    # GOV.UK's error summary module moves focus to it; its message links to the field.
    assert 'data-module="govuk-error-summary"' in html
    assert re.search(r'<a href="#id_quarter">Choose a quarter</a>', html)
    assert 'id="id_quarter"' in html
