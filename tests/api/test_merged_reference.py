"""A reference merged away into another record (issue 12): the API answers for the surviving
record and says so (`merged_from`), so a merged-away reference of a restricted person is
never "not restricted"; the phone or email the merged-away record had still finds them."""

from __future__ import annotations

import pytest

from cases.models import RecordView
from cases.services.merge import customer_merge, customer_merge_undo
from tests.api.test_api import (  # noqa: F401 - fixtures
    CHECK,
    api,
    now_tuesday,
    restrictions_url,
    rules,
)
from tests.factories import CustomerFactory
from tests.sanctions import restrictions

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case

pytestmark = pytest.mark.django_db

REASON = "The same person: date of birth and address confirmed on the phone."
# A call on Tuesday afternoon, 20 minutes: outside "Tuesday mornings, at most 15 minutes".
AFTERNOON_CALL = {"channel": "phone", "at": "2025-06-03T14:00", "duration_minutes": 20}


@pytest.fixture
def merged_away(rules, adults, service_manager):  # noqa: F811 - the imported fixture
    """The restricted record merged into a newer, unrestricted record of the same person
    (the survivor keeps its own phone and email): its case and sanctions follow it."""
    restricted = rules.customer
    restricted.phone, restricted.email = "01228 606 060", "pat.doe@example.org"
    restricted.save()
    survivor = CustomerFactory(full_name="Pat Doe", phone="07700 900123",
                               email="pdoe@example.net", directorates=[adults])
    customer_merge(actor=service_manager, survivor=survivor, merged=restricted, reason=REASON)
    restricted.refresh_from_db()
    assert restricted.merged_into_id == survivor.pk
    return restricted, survivor


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_check_answers_a_merged_reference_for_the_survivor_and_says_so(
    api, officer, merged_away, method  # noqa: F811
):
    old, survivor = merged_away
    client = api(officer)
    given = {"customer": old.reference.lower(), **AFTERNOON_CALL}
    if method == "get":
        response = client.get(CHECK, given)
    else:
        response = client.post(CHECK, given, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["customer"] == survivor.reference
    assert body["merged_from"] == old.reference
    assert body["any_restricted"] is True
    assert body["matches"] == [{"customer": survivor.reference, "restricted": True}]
    assert body["within_restrictions"] is False
    assert {b["sanction"] for b in body["breaches"]} == {"call_limit", "time_limit"}
    # The survivor's record was shown, in the access log.
    assert RecordView.objects.filter(user=officer, customer=survivor).exists()


def test_the_restrictions_of_a_merged_reference_are_the_survivors(
    api, officer, merged_away  # noqa: F811
):
    old, survivor = merged_away
    response = api(officer).get(restrictions_url(old.reference))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["customer"] == survivor.reference
    assert body["merged_from"] == old.reference
    assert body["restricted"] is True and body["restrictions"]
    assert response["Content-Location"] == restrictions_url(survivor.reference)
    # Asked by its own reference, the survivor's answer is the same, without merged_from.
    same = api(officer).get(restrictions_url(survivor.reference))
    assert {**same.json(), "merged_from": old.reference} == body
    assert same.json()["merged_from"] is None
    assert "Content-Location" not in same


@pytest.mark.parametrize("given", [{"phone": "01228606060"}, {"email": "Pat.Doe@Example.org"}])
def test_the_merged_away_records_phone_or_email_still_finds_the_restricted_person(
    api, officer, merged_away, given  # noqa: F811
):
    _old, survivor = merged_away
    response = api(officer).get(CHECK, {**AFTERNOON_CALL, **given})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["matches"] == [{"customer": survivor.reference, "restricted": True}]
    assert body["any_restricted"] is True and body["within_restrictions"] is False
    assert body["merged_from"] is None


def test_a_merged_reference_is_still_a_404_to_whoever_may_not_see_the_survivor(
    api, outsider, merged_away  # noqa: F811
):
    old, survivor = merged_away
    for response in (api(outsider).get(CHECK, {"customer": old.reference, **AFTERNOON_CALL}),
                     api(outsider).get(restrictions_url(old.reference))):
        assert response.status_code == 404
        assert survivor.reference not in response.content.decode()


def test_after_an_undo_the_reference_is_answered_for_itself_again(
    api, officer, service_manager, merged_away  # noqa: F811
):
    old, survivor = merged_away
    customer_merge_undo(actor=service_manager, merge=old.merges_out.get())
    body = api(officer).get(CHECK, {"customer": old.reference, **AFTERNOON_CALL}).json()
    assert body["customer"] == old.reference and body["merged_from"] is None
    assert body["any_restricted"] is True


def test_the_schema_states_merged_from(api, officer):  # noqa: F811
    schema = api(officer).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    outputs = schema["components"]["schemas"]
    for name in ("RestrictionCheckOutput", "RestrictionsOutput"):
        field = outputs[name]["properties"]["merged_from"]
        assert field.get("nullable") is True
        assert "merged into another" in field["description"]
