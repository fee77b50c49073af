"""The API's restriction check by the phone number or email a caller presents: every
record with it is found (duplicates included), and whether any of them is restricted."""

from __future__ import annotations

import pytest

from cases.models import RecordView
from tests.api.test_api import CHECK, api, now_tuesday, rules  # noqa: F401 - fixtures
from tests.factories import CustomerFactory
from tests.sanctions import restrictions

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate(rules, adults):  # noqa: F811 - the imported fixture
    """A second, unrestricted record of the restricted customer: same phone and email,
    written differently."""
    restricted = rules.customer
    restricted.phone, restricted.email = "01228 606 060", "Pat.Doe@Example.org"
    restricted.save()
    return CustomerFactory(full_name="P Doe", phone="+44 1228 606060",
                           email="pat.doe@example.org", directorates=[adults])


@pytest.mark.parametrize("given", [{"phone": "(01228) 606060"}, {"phone": "+441228606060"},
                                   {"email": "PAT.DOE@example.org"}])
def test_a_lookup_by_phone_or_email_finds_every_record_and_checks_the_restricted_one(
    api, officer, rules, duplicate, given  # noqa: F811
):
    response = api(officer).get(CHECK, {"channel": "phone", "at": "2025-06-03T14:00",
                                        "duration_minutes": 20, **given})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["any_restricted"] is True
    assert body["customer"] == rules.customer.reference
    assert {m["customer"]: m["restricted"] for m in body["matches"]} == {
        rules.customer.reference: True, duplicate.reference: False}
    assert body["within_restrictions"] is False
    assert set(RecordView.objects.filter(user=officer).values_list(
        "customer_id", flat=True)) == {rules.customer.pk, duplicate.pk}


def test_a_lookup_finding_nobody_is_a_404_and_nothing_given_is_a_400(api, officer, rules):  # noqa: F811
    client = api(officer)
    assert client.get(CHECK, {"channel": "phone", "phone": "07700 900999"}).status_code == 404
    response = client.get(CHECK, {"channel": "phone"})
    assert response.status_code == 400
    assert "phone number or email" in response.content.decode()


def test_a_lookup_never_finds_another_directorates_customer(api, outsider, rules):  # noqa: F811
    response = api(outsider).get(CHECK, {"channel": "phone", "phone": rules.customer.phone})
    assert response.status_code in (403, 404)
    assert rules.customer.reference not in response.content.decode()


def test_by_reference_the_one_record_is_the_match(api, officer, rules):  # noqa: F811
    body = api(officer).get(CHECK, {"channel": "phone",
                                    "customer": rules.customer.reference}).json()
    assert body["matches"] == [{"customer": rules.customer.reference, "restricted": True}]
    assert body["any_restricted"] is True
