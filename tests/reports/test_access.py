"""Who sees the report, and what: leads see numbers for their own directorates and never a
customer; a lead of another directorate sees nothing of this one; only casework roles follow
a number through to its cases, and then only to cases they could open anyway."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from reports.report import TABLE_KEYS
from tests.reports.conftest import NAMES, Q1
from tests.reports.helpers import tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

CASES_Q1 = {**Q1, "figure": "invocations"}


@pytest.mark.parametrize(
    ("role", "report", "cases"),
    [
        ("lead", 200, 403),
        ("senior_manager", 200, 200),
        ("reviewer", 200, 200),  # a senior manager too, in Resources
        ("outsider", 200, 200),  # a senior manager in Children
        ("officer", 403, 403),
        ("service_manager", 403, 403),
        ("admin", 403, 403),
    ],
)
def test_who_may_see_the_report_and_the_cases_behind_it(persona, login, quarter, role,
                                                         report, cases):
    client = login(persona(role))
    assert client.get("/reports/", Q1).status_code == report
    assert client.get("/reports/", {**Q1, "format": "csv", "table": "reasons"}).status_code \
        == report
    assert client.get("/reports/quarterly/", {"year": 2026, "quarter": 1}).status_code == report
    assert client.get("/reports/cases/", CASES_Q1).status_code == cases


def test_signed_out_visitors_are_sent_to_sign_in(client, quarter):
    response = client.get("/reports/", Q1)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def _lead_outputs(client) -> list[str]:
    """Everything a lead can get from the report for the fixture's periods, as text."""
    out = []
    for params in (Q1, {"period": "year", "year": "2025"}, {"period": "year", "year": "2026"},
                   {"period": "financial_year", "year": "2025"},
                   {"period": "custom", "start": "2025-01-01", "end": "2026-05-15"}):
        out.append(client.get("/reports/", params).content.decode())
        for table in TABLE_KEYS:
            out.append(client.get("/reports/", {**params, "format": "csv", "table": table})
                       .content.decode())
    out.append(client.get("/reports/quarterly/", {"year": 2026, "quarter": 1}).content.decode())
    pdf = client.get("/reports/quarterly.pdf", {"year": 2026, "quarter": 1})
    assert pdf.status_code == 200
    out.append("\n".join(page.extract_text() for page in PdfReader(_bytes(pdf)).pages))
    return out


def _bytes(response):
    import io

    return io.BytesIO(response.content)


@pytest.mark.real_pdf
def test_a_lead_never_sees_a_customer_name_or_a_case_reference(quarter, lead, login):
    from cases.models import Customer, DesignationCase

    outputs = _lead_outputs(login(lead))
    assert "Invocations: designations decided" in outputs[0]  # the page did render
    references = list(DesignationCase.objects.values_list("reference", flat=True))
    references += list(Customer.objects.values_list("reference", flat=True))
    for text in outputs:
        for name in NAMES.values():
            assert name not in text
            assert name.split()[-1] not in text
        for reference in references:
            assert reference not in text


def test_a_lead_gets_plain_numbers_with_no_link_to_cases(quarter, lead, login):
    page = login(lead).get("/reports/", Q1).content.decode()
    assert "/reports/cases/" not in page


def test_a_senior_manager_follows_a_number_to_the_cases_they_may_open(
    quarter, senior_manager, login
):
    client = login(senior_manager)
    response = client.get("/reports/", Q1)
    invocations = tables(response)["invocations"]
    link = invocations.rows[0].cells[0].url
    assert link.startswith("/reports/cases/?")
    assert f'href="{link.replace("&", "&amp;")}"' in response.content.decode()
    listed = client.get(link)
    assert listed.status_code == 200
    page = listed.content.decode()
    for case in (quarter.a1, quarter.a2, quarter.a3):
        assert case.reference in page
    for case in (quarter.a4, quarter.k1):  # outside the period; another directorate
        assert case.reference not in page
    assert "3 cases" in page


def test_a_reason_links_to_the_cases_that_cited_it(quarter, senior_manager, login):
    client = login(senior_manager)
    reasons = tables(client.get("/reports/", Q1))["reasons"]
    page = client.get(reasons.rows[0].cells[0].url).content.decode()  # i1: A1 and A2
    assert quarter.a1.reference in page and quarter.a2.reference in page
    assert quarter.a3.reference not in page


def test_a_zero_is_never_a_link(quarter, senior_manager, login):
    figures = tables(login(senior_manager).get("/reports/", Q1))
    lifted = figures["invocations"].rows[2]
    assert lifted.cells[0].value == 0 and lifted.cells[0].url == ""


@pytest.mark.parametrize("path", ["/reports/", "/reports/quarterly/", "/reports/quarterly.pdf",
                                  "/reports/cases/"])
def test_another_directorate_cannot_be_forged_into_the_address(quarter, outsider, children_lead,
                                                              login, path):
    params = {**Q1, "year": 2026, "quarter": 1, "figure": "invocations",
              "directorate": "adults"}
    assert login(outsider).get(path, params).status_code == 404
    if path != "/reports/cases/":
        assert login(children_lead).get(path, params).status_code == 404
    assert login(children_lead).get(path, {**params, "format": "csv", "table": "reasons"}) \
        .status_code in (403, 404)


def test_a_lead_of_another_directorate_sees_nothing_of_this_one(quarter, children_lead, login):
    response = login(children_lead).get("/reports/", Q1)
    figures = tables(response)
    for table in figures.values():
        assert "Adults" not in table.columns
    # Adults' three invocations, its reasons and its reviews are nowhere: only Children's.
    assert [r.cells[0].value for r in figures["invocations"].rows] == [1, 0, 0, 0, 0]
    assert [(r.label, r.cells[0].value) for r in figures["reasons"].rows] == [
        (quarter.i2.text, 1)
    ]
    assert figures["reviews"].rows[0].cells[0].value == 0
    assert figures["closures"].rows[-1].cells[0].value == 0
    # The one mention of Adults: the cross-directorate case it leads, listed for Children.
    page = response.content.decode()
    assert re.findall(r"Adults", page) == ["Adults"]
    assert "Led by Adults" in page
    csv = login(children_lead).get("/reports/", {**Q1, "format": "csv", "table": "closures"})
    assert csv.content.decode().splitlines()[0] == "Why it closed,Children"


def test_the_menu_has_reports_for_leads_and_senior_managers_only(quarter, login, lead,
                                                                 senior_manager, officer):
    assert 'href="/reports/"' in login(lead).get("/").content.decode()
    assert 'href="/reports/"' in login(senior_manager).get("/").content.decode()
    assert 'href="/reports/"' not in login(officer).get("/").content.decode()


def test_the_lead_home_page_links_to_the_report(quarter, lead, login):
    assert "data-report-link" in login(lead).get("/").content.decode()


def test_a_lead_with_no_directorate_yet_is_told_so(quarter, login):
    from accounts.roles import Role
    from tests.factories import UserFactory

    newcomer = UserFactory(roles=[Role.DIRECTORATE_LEAD], directorates=[])
    response = login(newcomer).get("/reports/", Q1)
    assert response.status_code == 200
    assert "No directorate has been given to you yet" in response.content.decode()
    assert login(newcomer).get("/reports/", {**Q1, "format": "csv", "table": "reasons"}) \
        .status_code == 404
