"""Every table of the report downloads as CSV: the same numbers, exactly, and a file name
that says the period."""

from __future__ import annotations

import pytest

from cases.models import Indicator
from reports.report import TABLE_KEYS
from tests.reports.conftest import Q1

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def csv(client, table: str, **params):
    response = client.get("/reports/", {**Q1, **params, "format": "csv", "table": table})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response


def test_the_reasons_csv_is_exactly_the_table(quarter, lead, login):
    response = csv(login(lead), "reasons")
    assert response["Content-Disposition"] == (
        'attachment; filename="ucp-reasons-adults-2026-01-01-to-2026-03-31.csv"'
    )
    assert response.content.decode() == (
        "Reason (section 2.1),List in section 2.1,Adults\r\n"
        "Clearly do not have any serious purpose or value,"
        "Unreasonable or unreasonably persistent,2\r\n"
        "Are obviously vexatious in nature,Unreasonable or unreasonably persistent,1\r\n"
        '"Abusive, offensive or threatening behaviour",Unacceptable behaviour,1\r\n'
    )


def test_the_invocations_csv_is_exactly_the_table(quarter, lead, login):
    assert csv(login(lead), "invocations").content.decode() == (
        "Figure,Adults\r\n"
        "Invocations: designations decided,3\r\n"
        "of which since withdrawn on challenge,1\r\n"
        "of which since lifted at a six-month review,0\r\n"
        "of which made without a prior warning,1\r\n"
        "of which involving other directorates,1\r\n"
    )


def test_the_reviews_csv_has_the_percentage_and_the_lapses(quarter, lead, login):
    assert csv(login(lead), "reviews").content.decode() == (
        "Figure,Adults\r\n"
        "Six-month reviews decided,3\r\n"
        "on time (by the review date),2\r\n"
        "late,1\r\n"
        "Decided on time (percentage),67%\r\n"
        "Lifted,1\r\n"
        "Varied,1\r\n"
        "Continued,1\r\n"
        "Lapses: reviews due in the period and not decided by their date,1\r\n"
        "of which still not decided,1\r\n"
    )


def test_a_council_wide_csv_has_a_column_per_directorate_and_a_total(
    quarter, council_wide_lead, login
):
    response = csv(login(council_wide_lead), "warnings")
    assert response["Content-Disposition"] == (
        'attachment; filename="ucp-warnings-all-directorates-2026-01-01-to-2026-03-31.csv"'
    )
    assert response.content.decode() == (
        "Warning,Adults,Children,Resources,Total\r\n"
        "Informal warnings,2,1,0,3\r\n"
        "Formal written warnings,1,0,0,1\r\n"
        "All warnings,3,1,0,4\r\n"
    )


def test_the_sanctions_csv_says_the_day_they_were_counted_on(quarter, lead, login):
    text = csv(login(lead), "standing").content.decode()
    assert text == (
        "Figure,Adults\r\n"
        "Designations standing on 31 March 2026,6\r\n"
        "of which with a sanction in force,4\r\n"
    )


def test_the_trend_csv_has_a_row_per_month(quarter, lead, login):
    lines = csv(login(lead), "trend").content.decode().splitlines()
    assert lines[0] == "Month,Adults"
    assert lines[1:4] == ["April 2025,0", "May 2025,0", "June 2025,1"]
    assert lines[-1] == "March 2026,1"
    assert len(lines) == 13


@pytest.mark.parametrize("table", TABLE_KEYS)
def test_every_table_downloads(quarter, lead, login, table):
    response = csv(login(lead), table)
    assert response["Content-Disposition"].endswith('-adults-2026-01-01-to-2026-03-31.csv"')
    assert response.content.decode().count("\r\n") >= 1


def test_indicator_wording_cannot_become_a_spreadsheet_formula(quarter, lead, login):
    Indicator.objects.filter(pk=quarter.i1.pk).update(text="=HYPERLINK(\"http://x\")")
    text = csv(login(lead), "reasons").content.decode()
    assert "\r\n\"'=HYPERLINK(\"\"http://x\"\")\",Unreasonable" in text


def test_an_unknown_table_is_not_found_and_a_bad_period_is_a_bad_request(quarter, lead, login):
    client = login(lead)
    assert client.get("/reports/", {**Q1, "format": "csv", "table": "names"}).status_code == 404
    bad = client.get("/reports/", {"period": "quarter", "year": "20x6", "quarter": "1",
                                   "format": "csv", "table": "reasons"})
    assert bad.status_code == 400
    assert "Enter the year as a number" in bad.content.decode()
