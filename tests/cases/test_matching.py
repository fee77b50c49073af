"""The duplicate check at the door (cases.matching, cases.people): which details are one
person, which are not, what an officer is shown, and what is recorded when they go on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import roles_of
from accounts.scope import load_user
from accounts.selectors import directorate_ids_for
from cases import matching, people
from cases.models import Customer, DuplicateOverride
from sanctions.models import SanctionKind
from tests.factories import CustomerFactory
from tests.perf.bounds import query_shape
from tests.sanctions import restrictions
from tests.sanctions.restrictions import add_sanction

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case

pytestmark = pytest.mark.django_db

IAN = dict(full_name="Ian Sewell", address="7 Penrith Road\nKeswick", postcode="CA12 4HF",
           email="ian.sewell@example.com", phone="017687 72645")


# --- the normalised values -------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "key"), [
    ("Bob Smith", "robert smith"),
    ("SMITH, Robert", "robert smith"),
    ("Róbert  Smith", "robert smith"),
    ("Mr Bill O'Neill", "oneill william"),
    ("Zoë Brontë", "bronte zoe"),
    ("Tinkler Raymond", "raymond tinkler"),
    ("Steve Jones", "jones stephen"),
    ("Steven Jones", "jones stephen"),
    ("Liz Taylor", "elizabeth taylor"),
])
def test_the_name_key_ignores_order_case_accents_titles_and_nicknames(typed, key):
    assert people.name_key(typed) == key


def test_saving_a_customer_stores_every_key():
    c = CustomerFactory(full_name="Zoë  Brontë", email=" Zoe.Bronte@Example.COM ",
                        postcode="ca12 4hf", address="7, Penrith  Road\nKeswick",
                        phone="+44 17687 72645")
    c.refresh_from_db()
    assert (c.name_key, c.email_key, c.postcode_key, c.postcode_outward, c.address_key,
            c.phone_digits) == ("bronte zoe", "zoe.bronte@example.com", "CA124HF", "CA12",
                                "7 penrith road keswick", "01768772645")


# --- the table: one person, or two ---------------------------------------------------------------

SAME = [
    ("the same details retyped", {}, "same name"),
    ("name order swapped", {"full_name": "Sewell Ian"}, "same name"),
    ("upper case", {"full_name": "IAN SEWELL"}, "same name"),
    ("an initial", {"full_name": "I Sewell"}, "similar name"),
    ("a middle name", {"full_name": "Ian James Sewell"}, "similar name"),
    ("a near spelling", {"full_name": "Ian Sewel"}, "similar name"),
    ("accents", {"full_name": "Ián Séwell"}, "same name"),
    ("email in capitals, other name", {"full_name": "Jan Smith",
                                       "email": "IAN.SEWELL@EXAMPLE.COM"}, "same email"),
    ("phone in another format", {"full_name": "Someone Else", "email": "",
                                 "phone": "+44 (0)17687 72645"}, "same phone"),
    ("postcode unspaced, lower case", {"postcode": "ca124hf"}, "same postcode"),
    ("address abbreviated", {"address": "7 Penrith Rd, Keswick", "postcode": ""},
     "similar address"),
]

NICKNAMES = [("Bob Dawson", "Robert Dawson"), ("Bill Nye", "William Nye"),
             ("Jon Snow", "John Snow"), ("Steve Rice", "Stephen Rice"),
             ("Steven Rice", "Stephen Rice"), ("Liz Bell", "Elizabeth Bell")]

# Near misses: the same surname and street are not enough (households share both).
DIFFERENT = [
    ("same surname and address, other first name",
     {"full_name": "Mary Sewell", "email": "", "phone": ""}),
    ("same surname, other initial, same postcode",
     {"full_name": "M Sewell", "email": "", "phone": ""}),
    ("same street, different house and person",
     {"full_name": "Ivan Sowerby", "address": "9 Penrith Road\nKeswick", "email": "",
      "phone": "", "postcode": "CA12 4HG"}),
    ("same name elsewhere with other details is still shown", None),
]


@pytest.fixture
def ian(adults):
    return CustomerFactory(**IAN, directorates=[adults])


@pytest.mark.parametrize(("label", "change", "reason"), SAME, ids=[s[0] for s in SAME])
def test_variants_of_the_same_person_match(officer, ian, label, change, reason):
    matches = matching.likely_matches(officer, **{**IAN, **change})
    assert [c.customer for c in matches.shown] == [ian]
    assert reason in matches.shown[0].reasons


@pytest.mark.parametrize(("typed", "stored"), NICKNAMES)
def test_common_nicknames_match(officer, adults, typed, stored):
    existing = CustomerFactory(full_name=stored, postcode="CA1 1AA", directorates=[adults])
    matches = matching.likely_matches(officer, full_name=typed, postcode="CA1 1AA")
    assert [c.customer for c in matches.shown] == [existing]


@pytest.mark.parametrize(("label", "change"), [d for d in DIFFERENT if d[1]],
                         ids=[d[0] for d in DIFFERENT if d[1]])
def test_near_misses_do_not_match(officer, ian, label, change):
    assert not matching.likely_matches(officer, **{**IAN, **change})


def test_a_record_is_not_its_own_duplicate(officer, ian):
    assert not matching.likely_matches(officer, **IAN, exclude=ian)


def test_a_disposed_customer_is_no_match(officer, ian):
    Customer.objects.filter(pk=ian.pk).update(erased_at="2025-01-01T00:00Z")
    assert not matching.likely_matches(officer, **IAN)


# Trigram similarity (pg_trgm) is PostgreSQL's: in CI this runs, elsewhere it skips.
@pytest.mark.postgres
def test_on_postgresql_a_near_spelling_with_nothing_else_is_found(officer, adults):
    """Only the trigram index finds "Smyth" for "Smith" (not every word is in the name):
    0.57 alike, so the threshold set per connection must not be above it."""
    existing = CustomerFactory(full_name="John Smith", postcode="CA1 1AA", directorates=[adults])
    matches = matching.likely_matches(officer, full_name="John Smyth")
    assert [c.customer for c in matches.shown] == [existing]


def test_the_same_initial_and_surname_elsewhere_is_found(officer, adults):
    """"Z Nixon" typed at one postcode finds "Z Nixon" living in another outward code:
    the same name counts without the postcode, and only the name says so."""
    existing = CustomerFactory(full_name="Z. Nixon", postcode="LA9 1GR", directorates=[adults])
    matches = matching.likely_matches(officer, full_name="Z Nixon", postcode="CA14 8AX")
    assert [c.customer for c in matches.shown] == [existing]
    assert matches.shown[0].reasons == ["same name"]


def test_an_initial_and_a_common_surname_find_that_initial_among_many_bearers(
        officer, adults):
    """"Z Nixon" with only a phone: the candidates are the Nixons with a Z word, not the
    first rows of every Nixon (the rows judged are capped: 60 other Nixons, lower ids,
    would crowd "Zoe Nixon" out)."""
    for i in range(matching.CANDIDATE_ROWS + 10):
        CustomerFactory(full_name=f"{'ABCDEFGHJK'[i % 10]}{'aeiou'[i % 5]}m Nixon",
                        postcode="", address="", phone=f"0770090{i:04d}",
                        directorates=[adults])
    zoe = CustomerFactory(full_name="Zoe Nixon", postcode="", address="",
                          phone="07700 800001", directorates=[adults])
    matches = matching.likely_matches(officer, full_name="Z Nixon", phone="07700 800002")
    assert [c.customer for c in matches.every] == [zoe]
    assert matches.shown[0].reasons == ["similar name"]


def test_one_word_alone_is_like_only_the_same_one_word(officer, adults):
    alone = CustomerFactory(full_name="Nixon", postcode="", address="", directorates=[adults])
    CustomerFactory(full_name="Zoe Nixon", postcode="", address="", directorates=[adults])
    matches = matching.likely_matches(officer, full_name="nixon")
    assert [c.customer for c in matches.every] == [alone]


@pytest.mark.postgres
def test_on_postgresql_a_near_spelling_with_no_postcode_on_record_is_found(officer, adults):
    """With a postcode typed, a near spelling is looked for only where the record has no
    postcode (the same postcode's records are candidates already): `_judge` takes no near
    spelling at another postcode."""
    unplaced = CustomerFactory(full_name="John Smith", postcode="", address="",
                               directorates=[adults])
    CustomerFactory(full_name="John Smith", postcode="LA9 1GR", address="1 Far Lane",
                    directorates=[adults])
    matches = matching.likely_matches(officer, full_name="John Smyth", postcode="CA1 1AA",
                                      address="3 Near Road")
    assert [c.customer for c in matches.every] == [unplaced]


def test_who_may_see_a_candidate_follows_its_directorates(officer, adults, children):
    """Answered from the candidates' directorates in Python for a user scoped by
    directorate: a record in both the officer's and another is shown, one only in the
    other is named by its directorate."""
    both = CustomerFactory(**IAN, directorates=[adults, children])
    hidden = CustomerFactory(**{**IAN, "email": "other@example.com"}, directorates=[children])
    matches = matching.likely_matches(officer, **IAN)
    assert [c.customer for c in matches.shown] == [both]
    assert {c.customer for c in matches.every} == {both, hidden}
    assert matches.elsewhere == [children.name]


def test_a_merged_away_record_is_no_match_its_survivor_is(officer, adults, ian):
    """The merged-away row keeps its details for its history; offered as a candidate it
    would read as "a possible match in another directorate" (no one may see it)."""
    survivor = CustomerFactory(**{**IAN, "full_name": "Ian J Sewell"}, directorates=[adults])
    Customer.objects.filter(pk=ian.pk).update(merged_into=survivor, merged_at=timezone.now())
    matches = matching.likely_matches(officer, **IAN)
    assert [c.customer for c in matches.every] == [survivor]
    assert not matches.elsewhere


def test_the_check_costs_the_same_queries_however_many_customers(officer, adults):
    counts = []
    for n in (3, 60):
        for i in range(n):
            CustomerFactory(full_name=f"Ian Sewell{i}", postcode="CA12 4HF",
                            directorates=[adults])
        # As a request loads its user; their roles and directorates are read once, then
        # kept (accounts.scope), so they are read before the check is measured.
        officer = load_user(officer.pk)
        directorate_ids_for(officer), roles_of(officer)
        with CaptureQueriesContext(connection) as ctx:
            list(matching.likely_matches(officer, **IAN).shown)
        shapes = [query_shape(q["sql"]) for q in ctx.captured_queries]
        assert len(set(shapes)) == len(shapes), shapes
        counts.append(len(shapes))
    # The candidates, their directorates, and which of them are restricted.
    assert counts[0] == counts[1] <= 3


# --- what the officer sees ---------------------------------------------------------------------


def form_data(adults, **change):
    data = {**IAN, "directorate": adults.pk, "preferred_contact_method": ""}
    data.update(change)
    return data


@pytest.fixture
def restricted_ian(restricted_case):
    customer = restricted_case.customer
    for name, value in IAN.items():
        setattr(customer, name, value)
    customer.save()
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15,
                 starts_on=restrictions.JAN_1, ends_on=restrictions.dt.date(2099, 1, 1))
    return customer


def test_adding_a_restricted_person_again_is_stopped_and_shown_the_record(
    login, officer, adults, restricted_ian
):
    client = login(officer)
    response = client.post(reverse("customers:create"),
                           form_data(adults, full_name="ian sewell", address="7 Penrith Rd"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Possible duplicate" in html
    assert "A record that may be this person is restricted" in html
    assert restricted_ian.get_absolute_url() in html
    assert "Same name, same email, same phone, same postcode, similar address" in html
    assert 'value="7 Penrith Rd"' in html or "7 Penrith Rd</textarea>" in html  # kept
    assert Customer.objects.count() == 1


def test_going_on_needs_a_reason_and_records_it(login, officer, adults, ian):
    client = login(officer)
    url = reverse("customers:create")
    response = client.post(url, form_data(adults, duplicates_seen="1"))
    assert response.status_code == 400
    assert "Say why this is not the same person" in response.content.decode()
    assert Customer.objects.count() == 1

    response = client.post(url, form_data(adults, duplicates_seen="1",
                                          duplicate_reason="Checked: a different Ian, born 1990"))
    assert response.status_code == 302
    new = Customer.objects.exclude(pk=ian.pk).get()
    override = DuplicateOverride.objects.get(customer=new)
    assert override.reason == "Checked: a different Ian, born 1990"
    assert override.recorded_by == officer
    assert list(override.matches.all()) == [ian]
    assert ian.reference in override.why_matched
    assert "Checked: a different Ian" in new.history.earliest().history_change_reason
    page = client.get(new.get_absolute_url()).content.decode()
    assert "Checked: a different Ian, born 1990" in page


def test_no_match_saves_at_once(login, officer, adults, ian):
    response = login(officer).post(reverse("customers:create"), form_data(
        adults, full_name="Priya Shah", email="priya@example.org", phone="07700 900123",
        postcode="CA3 8QG", address="2 Scotland Road"))
    assert response.status_code == 302
    assert not DuplicateOverride.objects.exists()


def test_an_edit_that_leaves_the_identity_alone_is_not_checked(login, officer, adults, ian):
    twin = CustomerFactory(**{**IAN, "email": "other@example.org"}, directorates=[adults])
    response = login(officer).post(reverse("customers:edit", args=[twin.reference]), {
        **IAN, "email": "other@example.org", "communication_needs": "Large print",
        "preferred_contact_method": ""})
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.communication_needs == "Large print"


def test_an_edit_that_makes_a_record_look_like_another_is_stopped(login, officer, adults, ian):
    other = CustomerFactory(full_name="Priya Shah", directorates=[adults])
    response = login(officer).post(reverse("customers:edit", args=[other.reference]), {
        **IAN, "preferred_contact_method": ""})
    assert response.status_code == 200
    assert ian.reference in response.content.decode()
    other.refresh_from_db()
    assert other.full_name == "Priya Shah"


def test_a_match_in_another_directorate_is_named_only_by_its_directorate(
    login, officer, adults, children
):
    hidden = CustomerFactory(**IAN, directorates=[children])
    response = login(officer).post(reverse("customers:create"), form_data(adults))
    html = response.content.decode()
    assert "A possible match exists in another directorate (Children)" in html
    assert "ask the children service manager or the information governance team" in html.lower()
    for detail in (hidden.reference, "ian.sewell@example.com", "Penrith Road</td>"):
        assert detail not in html.split('id="matches"')[1].split("</div>\n</div>")[0]
    assert hidden.get_absolute_url() not in html
