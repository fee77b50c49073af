"""The information-governance role's access-log pages: who has looked at this customer, and
what has this person looked at; filtered, paged, exported as CSV (itself logged), with the
accesses of staff who have no part in the customer's cases tagged."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import AccessKind, RecordView
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

CUSTOMER_URL = reverse("governance:customer_access")
STAFF_URL = reverse("governance:staff_access")


@pytest.fixture
def ig(db):
    return UserFactory(username="helen", first_name="Helen", last_name="Dodd",
                       roles=[Role.INFORMATION_GOVERNANCE], directorates__council_wide=True)


@pytest.fixture
def roamer(db):
    """A council-wide senior manager with no part in the customer's record."""
    return UserFactory(username="roamer", roles=[Role.SENIOR_MANAGER],
                       directorates__council_wide=True)


def _all_entries(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-access-entry="')[1:]]


def _entries(response) -> list[str]:
    """The entries less the role's own reading of the log (which is logged too)."""
    return [e for e in _all_entries(response) if not e.startswith("helen:")]


def test_only_information_governance_opens_the_access_log(login, officer, customer):
    client = login(officer)
    assert client.get(CUSTOMER_URL, {"customer": customer.reference}).status_code == 403
    assert client.get(STAFF_URL, {"person": officer.username}).status_code == 403


def test_who_has_looked_tags_staff_with_no_part_in_the_customers_cases(
    client, login, ig, officer, roamer, customer, make_case
):
    login(officer).get(customer.get_absolute_url())
    login(roamer).get(customer.get_absolute_url())
    response = login(ig).get(CUSTOMER_URL, {"customer": customer.reference.lower()})
    assert response.status_code == 200
    entries = _entries(response)
    assert f"{officer.username}:{customer.reference}:page" in entries
    assert f"roamer:{customer.reference}:page:no-part" in entries
    assert "No part in their cases" in response.content.decode()
    # The roamer decides one of the customer's cases: now they have a part.
    case = make_case("referred", customer=customer)
    case.decided_by = roamer
    case.save(update_fields=["decided_by"])
    again = _entries(login(ig).get(CUSTOMER_URL, {"customer": customer.reference}))
    assert f"roamer:{customer.reference}:page" in again


def test_the_log_filters_by_kind_and_dates(login, ig, officer, customer):
    old = RecordView.objects.create(user=officer, customer=customer, path="/old/",
                                    kind=AccessKind.DOWNLOAD)
    RecordView.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))
    RecordView.objects.create(user=officer, customer=customer, path="/new/",
                              kind=AccessKind.PAGE)
    client = login(ig)
    ref = customer.reference
    assert len(_entries(client.get(CUSTOMER_URL, {"customer": ref}))) == 2
    assert _entries(client.get(CUSTOMER_URL, {"customer": ref, "kind": "download"})) == [
        f"{officer.username}:{ref}:download"
    ]
    recent = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert _entries(client.get(CUSTOMER_URL, {"customer": ref, "from_date": recent})) == [
        f"{officer.username}:{ref}:page"
    ]
    long_ago = (timezone.localdate() - dt.timedelta(days=39)).strftime("%d/%m/%Y")
    assert _entries(client.get(CUSTOMER_URL, {"customer": ref, "to_date": long_ago})) == [
        f"{officer.username}:{ref}:download"
    ]


def test_bad_filters_are_form_errors_that_keep_what_was_typed(login, ig, customer):
    client = login(ig)
    response = client.get(CUSTOMER_URL, {"customer": "C-NOSUCH", "from_date": "31/02/2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No customer has that reference" in html
    assert "Enter the &#x27;from&#x27; date as a real date" in html
    assert 'value="C-NOSUCH"' in html and 'value="31/02/2025"' in html
    response = client.get(STAFF_URL, {"person": "nobody-here", "from_date": "2025-05-02",
                                      "to_date": "2025-05-01", "kind": "gossip"})
    html = response.content.decode()
    assert "No member of staff has that username" in html
    assert "must be the same as or after" in html
    assert "Choose a kind of access from the list" in html


def test_the_csv_export_lists_every_entry_and_is_itself_logged_as_an_export(
    login, ig, officer, roamer, customer
):
    login(officer).get(customer.get_absolute_url())
    login(roamer).get(customer.get_absolute_url())
    response = login(ig).get(CUSTOMER_URL, {"customer": customer.reference, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert f"access-log-{customer.reference}.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {(r["Username"], r["No part in their cases"]) for r in rows} == {
        (officer.username, ""), ("roamer", "yes")
    }
    assert RecordView.objects.filter(user=ig, customer=customer,
                                     kind=AccessKind.EXPORT).count() == 1


def test_what_has_this_person_looked_at_lists_their_customers_and_logs_the_listing(
    login, ig, officer, customer, adults
):
    other = CustomerFactory(full_name="Quentin Other", directorates=[adults])
    client = login(officer)
    client.get(customer.get_absolute_url())
    client.get(other.get_absolute_url())
    response = login(ig).get(STAFF_URL, {"person": officer.username.upper()})
    assert set(_entries(response)) == {
        f"{officer.username}:{customer.reference}:page",
        f"{officer.username}:{other.reference}:page",
    }
    assert set(RecordView.objects.filter(user=ig).values_list("customer", "kind")) == {
        (customer.pk, AccessKind.SEARCH), (other.pk, AccessKind.SEARCH)
    }


def test_the_log_is_paged_and_its_queries_do_not_grow_with_the_page(
    login, ig, officer, customer, django_assert_max_num_queries
):
    RecordView.objects.bulk_create(
        RecordView(user=officer, customer=customer, path=f"/p/{n}/") for n in range(60)
    )
    client = login(ig)
    client.get(CUSTOMER_URL, {"customer": customer.reference})  # warm the session
    with django_assert_max_num_queries(16):
        first = client.get(CUSTOMER_URL, {"customer": customer.reference})
    # The 60, and the role's own first look (logged, never tagged).
    assert len(_all_entries(first)) == 50
    assert "61 accesses" in first.content.decode()
    assert ":no-part" not in " ".join(_all_entries(first))
    second = client.get(CUSTOMER_URL, {"customer": customer.reference, "page": 2})
    assert len(_all_entries(second)) == 12  # 62 by now
