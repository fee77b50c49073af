"""Every page's <title> names its subject: the person, the case or the report's period and
directorate, so a screen reader user (who hears the title first) and anyone with several
tabs open knows which record the page is about."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.factories import MatterFactory

pytestmark = pytest.mark.django_db


def _title(response) -> str:
    assert response.status_code == 200
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return html.unescape(" ".join(match.group(1).split()))


@pytest.mark.parametrize("name", [
    "customers:detail", "customers:edit", "customers:contact_create", "customers:matter_create",
    "customers:warning_create", "customers:refer",
])
def test_customer_pages_name_the_customer(name, login, officer, customer):
    title = _title(login(officer).get(reverse(name, args=[customer.reference])))
    assert customer.full_name in title


def test_editing_a_matter_names_the_matter_and_the_customer(login, officer, customer, adults):
    matter = MatterFactory(customer=customer, directorate=adults)
    title = _title(login(officer).get(
        reverse("customers:matter_edit", args=[customer.reference, matter.reference])
    ))
    assert matter.reference in title and customer.full_name in title


def test_the_case_page_names_the_case_and_the_customer(login, service_manager, make_case):
    case = make_case("assessment")
    title = _title(login(service_manager).get(case.get_absolute_url()))
    assert case.reference in title and case.customer.full_name in title


def test_the_policy_report_names_its_period_and_directorate(login, lead, adults):
    title = _title(login(lead).get(reverse("reports:report"), {"period": "year", "year": "2026"}))
    assert title.startswith("Policy report, Calendar year 2026, Adults"), title
