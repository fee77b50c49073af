"""The JSON API for telephony and CRM: the right verdict, and the right access.

Contract: GET /api/v1/restriction-check/?customer=...&channel=... (or POST the same as
JSON), GET /api/v1/customers/<ref>/restrictions/, and the schema at /api/schema/.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from cases.models import AccessKind, Contact, RecordView
from sanctions.models import SanctionKind
from tests.factories import MatterFactory, UserFactory
from tests.sanctions import restrictions
from tests.sanctions.restrictions import add_sanction, london

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case

pytestmark = pytest.mark.django_db

CHECK = "/api/v1/restriction-check/"


def restrictions_url(reference: str) -> str:
    return f"/api/v1/customers/{reference}/restrictions/"


@pytest.fixture
def now_tuesday(time_machine):
    time_machine.move_to(london(2025, 6, 3, 10, 0), tick=False)


@pytest.fixture
def rules(restricted_case, now_tuesday):
    """Tuesday mornings only, at most 15 minutes; a refused matter."""
    add_sanction(restricted_case, SanctionKind.CALL_LIMIT, calls_per_week=1,
                 call_weekdays="1", call_period="morning")
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    return restricted_case


@pytest.fixture
def api(client):
    """`api(user)` -> a client sending that user's token."""

    def as_user(user):
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        return client

    return as_user


def get_check(client, case, **params):
    return client.get(CHECK, {"customer": case.customer.reference, **params})


# --- verdicts ---------------------------------------------------------------------------------


def test_a_call_outside_the_restrictions_is_reported_with_each_breach(api, officer, rules):
    response = get_check(api(officer), rules, channel="phone", at="2025-06-03T14:00:00+01:00",
                         duration_minutes=20)
    assert response.status_code == 200
    body = response.json()
    assert body["customer"] == rules.customer.reference
    assert body["within_restrictions"] is False
    assert sorted(b["sanction"] for b in body["breaches"]) == ["call_limit", "time_limit"]
    assert any("not at 14:00" in b["message"] for b in body["breaches"])
    assert body["restrictions"][0] == (
        "Phone: Tuesday mornings only, at most one call a week, at most 15 minutes"
    )
    assert body["at"] == "2025-06-03T14:00:00+01:00"
    assert body["checked_at"] == "2025-06-03T10:00:00+01:00"


def test_a_call_within_the_restrictions_is_allowed(api, officer, rules):
    body = get_check(api(officer), rules, channel="phone", at="2025-06-03T11:59",
                     duration_minutes=15).json()
    assert (body["within_restrictions"], body["breaches"]) == (True, [])
    # A time without an offset is UK local time.
    assert body["at"] == "2025-06-03T11:59:00+01:00"


def test_the_time_defaults_to_now(api, officer, rules):
    body = get_check(api(officer), rules, channel="phone").json()
    assert body["within_restrictions"] is True
    assert body["at"] == "2025-06-03T10:00:00+01:00"


def test_post_with_a_json_body_gives_the_same_verdict(api, officer, rules):
    jo = UserFactory(username="jo.smith", first_name="Jo", last_name="Smith")
    add_sanction(rules, SanctionKind.NAMED_OFFICER, named_officer=jo)
    response = api(officer).post(
        CHECK,
        json.dumps({"customer": rules.customer.reference, "channel": "phone",
                    "at": "2025-06-03T09:00:00+01:00", "officer": "olivia"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [b["sanction"] for b in response.json()["breaches"]] == ["named_officer"]
    body = get_check(api(officer), rules, channel="phone", at="2025-06-03T09:00",
                     officer="jo.smith").json()
    assert body["within_restrictions"] is True


def test_witness_and_matter_are_checked(api, officer, restricted_case, now_tuesday):
    refused = MatterFactory(customer=restricted_case.customer,
                            directorate=restricted_case.lead_directorate, created_by=officer)
    add_sanction(restricted_case, SanctionKind.WITNESS)
    add_sanction(restricted_case, SanctionKind.REFUSE_COMPLAINTS, matters=[refused])
    client = api(officer)
    assert get_check(client, restricted_case, channel="in_person",
                     witness_present="true").json()["within_restrictions"] is True
    body = get_check(client, restricted_case, channel="in_person").json()
    assert [b["sanction"] for b in body["breaches"]] == ["witness"]
    body = get_check(client, restricted_case, channel="email", matter=refused.reference).json()
    assert body["breaches"] == [
        {"sanction": "refuse_complaints", "filed": True,
         "message": body["breaches"][0]["message"]}
    ]


def test_a_directorate_outside_a_sanctions_scope_is_not_restricted(
    api, officer, restricted_case, now_tuesday, adults, children
):
    restricted_case.involved_directorates.add(children)
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15,
                 directorates=[children])
    client = api(officer)
    assert get_check(client, restricted_case, channel="phone", duration_minutes=30,
                     directorate="adults").json()["within_restrictions"] is True
    assert get_check(client, restricted_case, channel="phone", duration_minutes=30,
                     directorate="children").json()["within_restrictions"] is False


def test_the_check_saves_nothing_but_logs_the_view_as_an_api_call(api, officer, rules):
    before = Contact.objects.count()
    get_check(api(officer), rules, channel="phone", duration_minutes=30)
    assert Contact.objects.count() == before
    # The token user (signed in inside the view), with the query the check was asked with.
    view = RecordView.objects.get(user=officer, customer=rules.customer)
    assert view.kind == AccessKind.API
    assert view.path.startswith(CHECK + "?")


def test_the_restrictions_endpoint_gives_the_banner_lines(api, officer, rules, customer):
    client = api(officer)
    body = client.get(restrictions_url(rules.customer.reference)).json()
    assert body["restricted"] is True
    assert body["on"] == "2025-06-03"
    assert body["restrictions"][-1] == "Until 31 December 2025."
    body = client.get(restrictions_url(customer.reference)).json()
    assert (body["restricted"], body["restrictions"]) == (False, [])
    assert client.get(restrictions_url(rules.customer.reference),
                      {"on": "2026-01-01"}).json()["restricted"] is False


# --- access -------------------------------------------------------------------------------------


def test_no_token_is_401(client, rules):
    response = get_check(client, rules, channel="phone")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_a_wrong_token_is_401(client, rules):
    response = client.get(CHECK, {"customer": rules.customer.reference, "channel": "phone"},
                          HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401


def test_an_outsiders_token_cannot_see_the_customer(api, outsider, rules):
    client = api(outsider)
    assert get_check(client, rules, channel="phone").status_code == 404
    assert client.get(restrictions_url(rules.customer.reference)).status_code == 404


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_roles_without_casework_are_403(api, persona, role, rules):
    response = get_check(api(persona(role)), rules, channel="phone")
    assert response.status_code == 403
    assert "role" in response.json()["detail"]


def test_a_signed_in_member_of_staff_may_use_it_from_the_browser(login, officer, rules):
    response = get_check(login(officer), rules, channel="phone")
    assert response.status_code == 200


# --- bad input is 400 with a message per field, never 500 --------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"channel": ""}, "channel"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"channel": "phone", "at": "yesterday"}, "at"),
        ({"channel": "phone", "at": "2025-03-30T01:30"}, "at"),  # no such time in London
        ({"channel": "phone", "at": "2025-10-26T01:30"}, "at"),  # happens twice
        ({"channel": "phone", "at": "9999-12-31T23:59:59-12:00"}, "at"),
        ({"channel": "phone", "at": "2099-06-03T10:00"}, "at"),
        ({"channel": "phone", "duration_minutes": "-1"}, "duration_minutes"),
        ({"channel": "phone", "duration_minutes": "ten"}, "duration_minutes"),
        ({"channel": "phone", "officer": "nobody"}, "officer"),
        ({"channel": "phone", "directorate": "nowhere"}, "directorate"),
        ({"channel": "phone", "matter": "M-NOPE"}, "matter"),
        ({"channel": "phone", "witness_present": "perhaps"}, "witness_present"),
    ],
)
def test_bad_input_is_400_with_the_field(api, officer, rules, params, field):
    response = get_check(api(officer), rules, **params)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_missing_customer_is_400_and_an_unknown_one_404(api, officer, rules):
    client = api(officer)
    response = client.get(CHECK, {"channel": "phone"})
    assert response.status_code == 400 and "customer" in response.json()
    assert client.get(CHECK, {"customer": "C-NOPE", "channel": "phone"}).status_code == 404


def test_a_malformed_json_body_is_400(api, officer, rules):
    response = api(officer).post(CHECK, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_bad_day_for_the_restrictions_is_400(api, officer, rules):
    response = api(officer).get(restrictions_url(rules.customer.reference), {"on": "soon"})
    assert response.status_code == 400 and "on" in response.json()


# --- schema and management commands -----------------------------------------------------------


def test_the_schema_describes_the_check(api, officer):
    response = api(officer).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert "/api/v1/restriction-check/" in schema["paths"]
    assert "/api/v1/customers/{reference}/restrictions/" in schema["paths"]


def test_the_schema_needs_a_token(client):
    assert client.get("/api/schema/").status_code == 401


def test_manage_py_spectacular_prints_the_schema(db):
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    assert "/api/v1/restriction-check/" in json.loads(out.getvalue())["paths"]


def test_manage_py_drf_create_token_makes_a_working_token(client, officer, rules):
    out = io.StringIO()
    call_command("drf_create_token", officer.username, stdout=out)
    key = Token.objects.get(user=officer).key
    assert key in out.getvalue()
    response = client.get(CHECK, {"customer": rules.customer.reference, "channel": "phone"},
                          HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_an_hour_that_happens_twice_is_checked_with_its_offset(api, officer, rules):
    # 26 October 2025: 01:30 BST (+01:00) comes before 01:30 GMT (+00:00).
    for given, shown in (("2025-10-26T01:30:00+01:00", "2025-10-26T01:30:00+01:00"),
                         ("2025-10-26T01:30:00Z", "2025-10-26T01:30:00Z")):
        response = get_check(api(officer), rules, channel="email", at=given)
        assert response.status_code == 200
        assert response.json()["at"] == shown
