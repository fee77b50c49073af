"""Issue 13: the front-desk check, the API's restriction check, the policy report and its
case list cost the same whatever the data: at most 12 queries, no query shape twice, under
100 KB, rendered with 30 rows of every kind and with 90 (`grow`, as for the home pages).

The customer checked is one with a designation in force; the larger world gives them no
more restrictions, but the council many more customers, cases, challenges and contacts.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from tests import factories
from tests.perf.bounds import assert_bounded, page_cost
from tests.perf.test_home_deadlines import LARGE, SMALL, grow
from tests.reviews.conftest import put_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_force(make_case, senior_manager):
    return put_in_force(make_case("designated"), senior_manager)


@pytest.fixture
def world(in_force, officer, senior_manager, reviewer):
    return lambda n: grow(n, in_force, officer=officer, reviewer=reviewer,
                          recorded_by=senior_manager)


@pytest.fixture
def lead_all(adults):
    return factories.UserFactory(username="lead-all", roles=[Role.DIRECTORATE_LEAD],
                                 directorates__council_wide=True)


def _bounded(client, world, url: str, **kwargs) -> None:
    world(SMALL)
    small = page_cost(client, url)
    world(LARGE - SMALL)
    large = page_cost(client, url)
    assert_bounded(small, large, **kwargs)


@pytest.mark.parametrize("checked", [False, True], ids=["right-now", "a-contact-checked"])
def test_the_front_desk_check_does_not_grow(checked, world, in_force, officer, client):
    client.force_login(officer)
    query = {"customer": in_force.customer.reference}
    if checked:
        query.update(check="", channel="phone", duration_minutes=20,
                     at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    url = f"/front-desk/?{urlencode(query)}"
    assert ("data-verdict=" in client.get(url).content.decode()) == checked
    _bounded(client, world, url)


def test_the_api_restriction_check_does_not_grow(world, in_force, officer, client):
    token = Token.objects.create(user=officer)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    at = timezone.localtime().replace(microsecond=0).isoformat()
    url = (f"/api/v1/restriction-check/?{urlencode({'customer': in_force.customer.reference})}"
           f"&channel=phone&{urlencode({'at': at})}&duration_minutes=20")
    _bounded(client, world, url)


def test_the_customer_restrictions_api_does_not_grow(world, in_force, officer, client):
    token = Token.objects.create(user=officer)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    _bounded(client, world, f"/api/v1/customers/{in_force.customer.reference}/restrictions/")


@pytest.mark.parametrize("who", ["lead", "lead_all"])
def test_the_policy_report_does_not_grow(who, world, request, client):
    client.force_login(request.getfixturevalue(who))
    # The session, the user, their directorates, then the summary's counts and the names
    # of indicators and directorates (reports/summary.py): 6, at any volume.
    _bounded(client, world, "/reports/", max_queries=6)


@pytest.mark.parametrize("figure", ["invocations", "standing"])
def test_the_reports_case_list_does_not_grow(figure, world, senior_manager, client):
    client.force_login(senior_manager)
    # A page of 50 at most: the larger world fills it, the smaller nearly.
    _bounded(client, world, f"/reports/cases/?figure={figure}", byte_slack=20_000)
