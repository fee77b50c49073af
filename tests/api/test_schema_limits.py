"""The API's schema declares the limits the API enforces: a test reads both from the same
serializers and checks each limit in the schema is refused one step past it (schemathesis
found `at` and `on` refused for "within a year of today", which the schema did not say)."""

from __future__ import annotations

import datetime as dt

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.authtoken.models import Token

from api.serializers import FURTHEST, WITHIN_A_YEAR, RestrictionCheckInput, RestrictionsInput
from cases import references

pytestmark = pytest.mark.django_db

CHECK = "/api/v1/restriction-check/"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def parameters(schema, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def _string_schema(param: dict) -> dict:
    body = param["schema"]
    return body["oneOf"][0] if "oneOf" in body else body


@pytest.mark.parametrize(
    ("path", "serializer"),
    [(CHECK, RestrictionCheckInput),
     ("/api/v1/customers/{reference}/restrictions/", RestrictionsInput)],
)
def test_every_input_field_is_a_parameter_with_its_limits(schema, path, serializer):
    declared = parameters(schema, path)
    for name, field in serializer().fields.items():
        assert name in declared, f"{name} is not in the schema"
        body = _string_schema(declared[name])
        if getattr(field, "max_length", None):
            assert body["maxLength"] == field.max_length, name
        if getattr(field, "min_value", None) is not None:
            assert body["minimum"] == field.min_value, name
        if getattr(field, "max_value", None) is not None:
            assert body["maximum"] == field.max_value, name
        if isinstance(field, serializers.ChoiceField):
            assert set(body["enum"]) == set(field.choices), name
        if isinstance(field, serializers.DateField | serializers.DateTimeField):
            # Relative to today, so it cannot be a fixed minimum: the description says it.
            assert WITHIN_A_YEAR in declared[name]["description"], name
            assert f"{FURTHEST.days} days" in WITHIN_A_YEAR


def test_references_declare_their_length_and_shape(schema):
    check = parameters(schema, CHECK)
    path = parameters(schema, "/api/v1/customers/{reference}/restrictions/")
    for body in (_string_schema(check["customer"]), _string_schema(check["matter"]),
                 path["reference"]["schema"]):
        assert body["maxLength"] == references.MAX_LENGTH
        assert body["pattern"] == references.PATTERN


@pytest.fixture
def api(client, officer):
    token, _ = Token.objects.get_or_create(user=officer)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def _errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer", "C-" + "A" * 19),  # maxLength + 1
        ("customer", "not a reference"),  # the pattern
        ("matter", "M-" + "A" * 19),
        ("officer", "o" * 151),
        ("directorate", "d" * 41),
        ("duration_minutes", "601"),
        ("duration_minutes", "0"),
        ("channel", "carrier_pigeon"),
    ],
)
def test_one_step_past_each_declared_limit_is_refused_for_that_field(api, field, value):
    params = {"customer": "C-ABC234", "channel": "phone", field: value}
    assert field in _errors(api.get(CHECK, params))


def test_at_and_on_a_day_past_the_year_are_refused_as_the_schema_says(api, customer):
    far = dt.datetime.now(dt.UTC) + FURTHEST + dt.timedelta(days=1)
    assert "at" in _errors(api.get(CHECK, {"customer": customer.reference, "channel": "phone",
                                           "at": far.isoformat()}))
    url = f"/api/v1/customers/{customer.reference}/restrictions/"
    assert "on" in _errors(api.get(url, {"on": far.date().isoformat()}))
