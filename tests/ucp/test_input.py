"""The one gate for NUL and control characters (`ucp.input.RefuseControlCharacters`): every
part of a request that reaches a selector, a session lookup or a save is checked before any
of them runs, and the answer is a 400 that says what was refused, never a server error."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from cases.models import Customer
from ucp.input import name_problem, text_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_officer(login, officer, customer):
    return login(officer)


def assert_refused(response, *, queries=None):
    assert response.status_code == 400
    assert "cannot be part of a record" in response.content.decode()
    if queries is not None:
        assert [q["sql"] for q in queries.captured_queries] == [], (
            "a refused request must reach no query, the session's included"
        )


@pytest.mark.parametrize(
    "url",
    [
        "/customers/C-%00/",
        "/customers/C-%00/edit/",
        "/cases/D-%01ABC/",
        "/front-desk/?customer=%00",
        "/front-desk/?customer=C-AB%00C",
        "/front-desk/?q=Smith%00",
        "/customers/?q=%1b[31m",
        "/customers/?page=%00",
        "/reports/?year=2025%00",
        "/customers/%C2%85/",  # U+0085, a C1 control, in the path
    ],
)
def test_a_control_character_in_the_path_or_query_is_a_400_before_any_query(as_officer, url):
    with CaptureQueriesContext(connection) as queries:
        response = as_officer.get(url)
    assert_refused(response, queries=queries)


def test_a_nul_in_a_posted_field_is_refused_and_nothing_is_saved(as_officer, adults):
    before = Customer.objects.count()
    response = as_officer.post("/customers/new/", {
        "directorate": adults.pk, "full_name": "Jo\x00 Bloggs", "postcode": "CA1 1AA",
    })
    assert_refused(response)
    assert "full_name" in response.content.decode()
    assert Customer.objects.count() == before


def test_a_control_character_in_a_posted_field_name_is_refused(as_officer, adults):
    response = as_officer.post("/customers/new/", {"full\x07name": "Jo Bloggs"})
    assert_refused(response)


def test_tab_and_line_breaks_in_multi_line_text_are_allowed(as_officer, customer):
    response = as_officer.get("/customers/", {"q": "Morgan\t"})
    assert response.status_code == 200
    response = as_officer.post(f"/customers/{customer.reference}/edit/", {
        "full_name": customer.full_name, "address": "1 Road\r\nCarlisle\tCumbria",
        "postcode": "CA1 1AA",
    })
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.address == "1 Road\r\nCarlisle\tCumbria"


def test_a_nul_in_the_session_cookie_is_refused_before_the_session_is_looked_up(client):
    client.cookies["sessionid"] = "abc\x00defghijkl"
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert_refused(response, queries=queries)


@pytest.fixture
def token_client(client, officer):
    token, _ = Token.objects.get_or_create(user=officer)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_a_nul_in_the_api_token_is_refused_before_the_token_is_looked_up(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/api/v1/restriction-check/?customer=C-ABC234&channel=phone",
            HTTP_AUTHORIZATION="Token abc\x00",
        )
    assert response.status_code == 400
    assert "cannot be part of a record" in response.json()["detail"]
    assert queries.captured_queries == []


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/restriction-check/?customer=C-%00&channel=phone",
        "/api/v1/restriction-check/?customer=C-ABC234&channel=phone&officer=%00",
        "/api/v1/customers/C-%00/restrictions/",
    ],
)
def test_a_nul_in_an_api_reference_is_a_json_400(token_client, url):
    response = token_client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "cannot be part of a record" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"customer": "C-\u0000", "channel": "phone"},
        {"customer": "C-ABC234", "channel": "phone", "matter": "\ud800"},
        {"customer": "C-ABC234", "channel": ["phone", "\u0000"]},
        {"customer\u0000": "C-ABC234", "channel": "phone"},
    ],
)
def test_a_nul_or_lone_surrogate_in_an_api_json_body_is_a_400(token_client, body):
    response = token_client.post(
        "/api/v1/restriction-check/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON body" in response.json()["detail"]


def test_a_body_that_is_not_json_is_left_to_the_api_to_refuse(token_client):
    response = token_client.post(
        "/api/v1/restriction-check/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON body" not in response.content.decode()


def test_a_curly_quote_in_a_header_is_not_mistaken_for_a_control_character(as_officer):
    # Headers arrive decoded as Latin-1: the UTF-8 bytes of ’ look like C1 controls there.
    referer = "https://intranet.example/council’s-page".encode().decode("latin-1")
    response = as_officer.get("/customers/", HTTP_REFERER=referer)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("value", "refused_as_text", "refused_as_name"),
    [
        ("plain", False, False),
        ("two\nlines\r\nand\ta tab", False, True),
        ("nul\x00", True, True),
        ("bell\x07", True, True),
        ("vertical\x0btab", True, True),
        ("delete\x7f", True, True),
        ("c1\x85", True, True),
        ("surrogate\ud83d", True, True),
        ("emoji \U0001f600 and ünïcödé", False, False),
    ],
)
def test_which_characters_are_refused(value, refused_as_text, refused_as_name):
    assert (text_problem(value) is not None) is refused_as_text
    assert (name_problem(value) is not None) is refused_as_name
