"""Postcodes and phone numbers: checked by one rule (`ucp.postcodes`, `ucp.phones`) in
`Customer.clean`, which the form and the services both run, stored in one form, and
refused with a message on the field."""

from __future__ import annotations

import html
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from cases import services
from cases.models import Customer
from tests.factories import CustomerFactory
from ucp import phones
from ucp.postcodes import uk_postcode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("ca11aa", "CA1 1AA"), ("SW1A1AA", "SW1A 1AA"), ("ec1a 1bb", "EC1A 1BB"),
     ("W1A 0AX", "W1A 0AX"), ("m1 1ae", "M1 1AE"), ("B338TH", "B33 8TH"),
     ("GIR 0AA", "GIR 0AA"), ("CA11 7LU", "CA11 7LU")],
)
def test_real_uk_postcodes_are_stored_upper_case_with_one_space(typed, stored):
    assert uk_postcode(typed) == stored


@pytest.mark.parametrize(
    "bad",
    ["ABCDEFGHIJ", "CA1", "CA1 1A", "QA1 1AA", "CA1 1CA", "1CA 1AA", "CA1 1AAA", "C-ABC",
     "CA1\u00a01AA!", "SW1A 1AA SW1A 1AA"],
)
def test_what_is_not_a_uk_postcode_is_refused(bad):
    assert uk_postcode(bad) is None


def test_a_ten_character_postcode_without_a_space_is_refused_not_overflowed(officer, adults):
    # It passed the column's max_length, then the save added a space: 11 characters.
    with pytest.raises(ValidationError) as refused:
        services.customer_create(actor=officer, directorate=adults, full_name="A Person",
                                 postcode="ABCDEFGHIJ")
    assert "real UK postcode" in str(refused.value.message_dict["postcode"])
    assert not Customer.objects.filter(full_name="A Person").exists()


def test_an_address_outside_the_uk_keeps_its_postal_code(officer, adults):
    customer = services.customer_create(
        actor=officer, directorate=adults, full_name="Aoife Byrne",
        address="1 Main Street\nDublin\nIreland", postcode="d02  x285",
        address_outside_uk=True,
    )
    customer.refresh_from_db()
    assert (customer.postcode, customer.address_outside_uk) == ("d02 x285", True)


def test_the_form_says_what_is_wrong_with_the_postcode_and_keeps_what_was_typed(
    login, officer, adults,
):
    response = login(officer).post("/customers/new/", {
        "directorate": adults.pk, "full_name": "Jordan Typed-Name", "postcode": "ABCDEFGHIJ",
        "phone": "call me maybe",
    })
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Enter a real UK postcode" in text
    assert "Enter a real phone number" in text
    assert 'value="ABCDEFGHIJ"' in text and 'value="call me maybe"' in text
    assert 'value="Jordan Typed-Name"' in text
    assert not Customer.objects.filter(full_name="Jordan Typed-Name").exists()


def test_ticking_outside_the_uk_lets_a_postal_code_from_abroad_through_the_form(
    login, officer, adults,
):
    response = login(officer).post("/customers/new/", {
        "directorate": adults.pk, "full_name": "Aoife Byrne", "postcode": "D02 X285",
        "address_outside_uk": "on", "phone": "+353 1 234 5678",
    })
    assert response.status_code == 302
    customer = Customer.objects.get(full_name="Aoife Byrne")
    assert (customer.postcode, customer.phone) == ("D02 X285", "+35312345678")


@pytest.mark.parametrize(
    ("typed", "e164", "shown"),
    [
        ("01228 606 060", "+441228606060", "01228 606060"),
        ("(01228) 111-222", "+441228111222", "01228 111222"),
        ("+44 (0)1228 606060", "+441228606060", "01228 606060"),
        ("0044 1228 606060", "+441228606060", "01228 606060"),
        ("07911 123456", "+447911123456", "07911 123456"),
        ("07700 900123", "+447700900123", "07700 900123"),  # Ofcom's drama range
        ("+353 1 234 5678", "+35312345678", "+353 1 234 5678"),
    ],
)
def test_phone_numbers_are_stored_in_e164_and_shown_as_people_read_them(typed, e164, shown):
    assert phones.to_e164(typed) == e164
    assert phones.display(e164) == shown


@pytest.mark.parametrize(
    "bad", ["call me maybe", "123", "01228", "0122860606060606", "+999 1234", "9" * 40,
            "07700 90012"],
)
def test_what_is_not_a_phone_number_is_refused(bad):
    assert phones.phone_problem(bad) == phones.INVALID


def test_the_service_refuses_a_phone_number_that_is_none(officer, customer):
    with pytest.raises(ValidationError) as refused:
        services.customer_update(actor=officer, customer=customer, phone="call me maybe")
    assert "phone" in refused.value.message_dict
    customer.refresh_from_db()
    assert customer.phone == "+441228606060"


def test_a_number_is_found_however_it_is_typed_in_the_search(login, officer, customer):
    client = login(officer)
    for typed in ("01228606060", "01228 606 060", "+44 1228 606060"):
        page = client.get("/customers/", {"q": typed}).content.decode()
        assert customer.full_name in page, typed
        assert "01228 606060" in page


def test_the_edit_form_shows_the_number_as_people_read_it(login, officer, customer):
    page = login(officer).get(f"/customers/{customer.reference}/edit/").content.decode()
    assert 'value="01228 606060"' in page


def test_an_old_record_that_does_not_parse_is_kept_as_it_was():
    customer = CustomerFactory(phone="ring the office", postcode="abcdefghij")
    customer.refresh_from_db()
    assert (customer.phone, customer.postcode) == ("ring the office", "ABCDEFGHIJ")


def test_the_data_migration_normalises_what_parses_and_leaves_the_rest(customer):
    old = CustomerFactory(full_name="Old Record")
    # As an earlier release stored them (QuerySet.update: no save(), no clean()).
    Customer.objects.filter(pk=customer.pk).update(phone="01228 606 060", postcode="ca12bs")
    Customer.objects.filter(pk=old.pk).update(phone="ring the office", postcode="nowhere")
    migration = importlib.import_module("cases.migrations.0012_normalise_phones_and_postcodes")
    # The models as the migration sees them: no save() of the app's, no history signal.
    state = MigrationLoader(connection).project_state(("cases", "0011_customer_address_outside_uk"))
    migration.normalise(state.apps, None)
    customer.refresh_from_db()
    old.refresh_from_db()
    assert (customer.phone, customer.phone_digits, customer.postcode) == (
        "+441228606060", "01228606060", "CA1 2BS")
    assert (old.phone, old.postcode) == ("ring the office", "nowhere")
    latest = customer.history.latest()
    assert latest.history_change_reason == migration.REASON
    assert latest.phone == "+441228606060"
    assert customer.history.filter(history_change_reason=migration.REASON).count() == 1
    assert not old.history.filter(history_change_reason=migration.REASON).exists()
