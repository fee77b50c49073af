"""The normalised keys of a customer (cases.people, cases.models.Customer): the two the
database generates agree with the functions that normalise what is typed, whatever wrote
the row, and the accent folding agrees with PostgreSQL's unaccent."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from cases import matching, people
from cases.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

EMAILS = ["Ian.Sewell@Example.COM", "  zb@example.org  ", "MIXED.case+tag@Council.GOV.UK", ""]
POSTCODES = [("ca12 4hf", False), ("CA124HF", False), ("  w1a   1aa ", False),
             ("not  known", False), ("d02  x285", True), ("75008", True), ("", False)]


@pytest.mark.parametrize("email", EMAILS)
def test_the_generated_email_key_is_the_typed_emails_key(email):
    customer = CustomerFactory(email=email)
    customer.refresh_from_db()
    assert customer.email_key == people.email_key(email)


@pytest.mark.parametrize(("postcode", "abroad"), POSTCODES)
def test_the_generated_postcode_key_is_the_typed_postcodes_key(postcode, abroad):
    customer = CustomerFactory(postcode=postcode, address_outside_uk=abroad)
    customer.refresh_from_db()
    assert customer.postcode_key == people.postcode_key(postcode)


def test_a_write_that_bypasses_save_still_keeps_the_keys():
    """The point of generating them: an update() or a bulk load has no save() to call."""
    customer = CustomerFactory(email="old@example.com", postcode="CA1 1AA")
    Customer.objects.filter(pk=customer.pk).update(email="New.Person@Example.COM",
                                                   postcode="LA9 4DQ")
    customer.refresh_from_db()
    assert (customer.email_key, customer.postcode_key) == ("new.person@example.com", "LA94DQ")
    Customer.objects.bulk_create([Customer(full_name="Bulk Person", reference="C-BULK-1",
                                           email="Bulk@Example.COM", postcode="CA3 8QG")])
    assert Customer.objects.values_list("email_key", "postcode_key").get(
        reference="C-BULK-1") == ("bulk@example.com", "CA38QG")


def test_the_keys_stay_out_of_the_history_which_keeps_what_they_come_from():
    customer = CustomerFactory(email="a@example.com")
    customer.email = "b@example.com"
    customer.save()
    latest = customer.history.first()
    assert latest.email == "b@example.com"
    assert not hasattr(latest, "email_key")
    customer.refresh_from_db()
    assert customer.email_key == "b@example.com"


# --- letters Unicode keeps whole -----------------------------------------------------------


@pytest.mark.parametrize(("typed", "key"), [
    ("Łukasz Wójcik", "lukasz wojcik"),
    ("Søren Kierkegaard", "kierkegaard soren"),
    ("Æthelred Strauß", "aethelred strauss"),
    ("Đorđe Đoković", "dokovic dorde"),
    ("Þóra Sigurðardóttir", "sigurdardottir thora"),
])
def test_letters_with_no_accent_to_strip_are_folded_too(typed, key):
    assert people.name_key(typed) == key


def test_a_polish_name_typed_without_its_letters_is_found_and_matched(login, officer, adults):
    lukasz = CustomerFactory(full_name="Łukasz Wójcik", postcode="CA2 5AB",
                             email="lw@example.com", directorates=[adults])
    response = login(officer).get(reverse("customers:search"), {"q": "Lukasz Wojcik"})
    assert [c.pk for c in response.context["results"]] == [lukasz.pk]
    matches = matching.likely_matches(officer, full_name="Lukasz Wojcik", postcode="CA2 5AB")
    assert [c.customer.pk for c in matches.every] == [lukasz.pk]


def _latin_letters():
    blocks = [range(0xC0, 0x250), range(0x1E00, 0x1F00), range(0x2C60, 0x2C80)]
    return [chr(n) for block in blocks for n in block if chr(n).isalpha()]


@pytest.mark.postgres
def test_fold_agrees_with_postgresqls_unaccent_on_every_latin_letter():
    """unaccent (enabled by migration 0018) is the reference for folding accents. It is not
    called at query time: both sides of every comparison are folded already, and a
    generated column or an index cannot call it (it is not IMMUTABLE). Where unaccent
    leaves a letter alone, fold may still go further (Ǣ: unaccent gives ǣ, fold "ae")."""
    letters = _latin_letters()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l, lower(unaccent(l)) FROM unnest(%s::text[]) AS l", [letters])
        theirs = dict(cursor.fetchall())
    # Compared as the keys use it, in words: what is not a letter or digit is dropped
    # ("ŀ" is "l·" to Unicode).
    disagree = {ch: (people.fold(ch), theirs[ch]) for ch in letters
                if people.address_key(ch) != people.address_key(theirs[ch])}
    assert not disagree
    # Not a vacuous check: before the letters were added, "ł" and "ø" disagreed.
    assert people.fold("Łø") == theirs["Ł"] + theirs["Ø"] == "lo"
