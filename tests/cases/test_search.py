"""Search people actually type (cases.people.search) and the browse list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.scope import load_user
from cases import selectors, services
from cases.models import Customer, RecordView
from cases.views import CappedPaginator
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.perf.bounds import assert_bounded, page_cost

pytestmark = pytest.mark.django_db


@pytest.fixture
def people_(adults, children):
    return {
        "raymond": CustomerFactory(full_name="Raymond Tinkler",
                                   address="3 Lonsdale Street\nCarlisle",
                                   postcode="CA1 1DX", email="r.tinkler@example.net",
                                   phone="01228 606123", directorates=[adults]),
        "ian": CustomerFactory(full_name="Ian Sewell", address="7 Penrith Road\nKeswick",
                               postcode="CA12 4HF", email="ian.sewell@example.com",
                               phone="017687 72645", directorates=[adults]),
        "zoe": CustomerFactory(full_name="Zoë Brontë", address="1 Main Street\nCockermouth",
                               postcode="CA13 9AB", email="zb@example.org",
                               phone="07700 900777", directorates=[adults]),
        # Another directorate's: never found by an Adults officer.
        "hidden": CustomerFactory(full_name="Raymond Tinkler", postcode="CA1 1DX",
                                  email="other.tinkler@example.net", directorates=[children]),
    }


def found(client, q):
    response = client.get(reverse("customers:search"), {"q": q})
    assert response.status_code == 200
    return response, [c.pk for c in response.context["results"]]


@pytest.mark.parametrize(("query", "who"), [
    ("Tinkler Raymond", ["raymond"]),
    ("tinkler, ray", ["raymond"]),
    ("RAYMOND", ["raymond"]),
    ("tink", ["raymond"]),
    ("CA12", ["ian"]),
    ("ca1", ["raymond"]),
    ("ca12 4hf", ["ian"]),
    ("CA124HF", ["ian"]),
    ("sewell@", ["ian"]),
    ("tinkler@example", ["raymond"]),
    ("example.com", ["ian"]),
    ("IAN.SEWELL@EXAMPLE.COM", ["ian"]),
    ("01768772645", ["ian"]),
    ("017687 72645", ["ian"]),
    ("+44 17687 72645", ["ian"]),
    ("(01228) 606-123", ["raymond"]),
    ("Zoe Bronte", ["zoe"]),
    ("bronte", ["zoe"]),
    ("Sewell Keswick", ["ian"]),
    ("Penrith Road", ["ian"]),
    ("Smith CA12", []),
    ("nobody at all", []),
])
def test_search_finds_what_staff_type(login, officer, people_, query, who):
    _response, pks = found(login(officer), query)
    assert pks == [people_[k].pk for k in who]


def test_search_by_reference_in_any_case(login, officer, people_):
    _response, pks = found(login(officer), people_["zoe"].reference.lower())
    assert pks == [people_["zoe"].pk]


def test_the_closest_comes_first(login, officer, adults, people_):
    CustomerFactory(full_name="Raymond Tinklerson", directorates=[adults])
    CustomerFactory(full_name="Amy Raymond-Tinkler", directorates=[adults])
    _response, pks = found(login(officer), "Raymond Tinkler")
    assert pks[0] == people_["raymond"].pk
    assert len(pks) == 3


def test_results_mark_what_matched_and_tag_the_restricted(login, officer, people_):
    response, _ = found(login(officer), "CA12")
    html = response.content.decode()
    assert "<mark>CA12 4HF</mark>" in html
    [row] = response.context["results"]
    assert row.matched == {"postcode"}
    response, _ = found(login(officer), "sewell@")
    assert "<mark>ian.sewell@example.com</mark>" in response.content.decode()


def test_results_are_in_the_access_log(login, officer, people_):
    client = login(officer)
    found(client, "tinkler")
    assert set(RecordView.objects.values_list("customer_id", flat=True)) == {
        people_["raymond"].pk}


# Trigram similarity (pg_trgm) is PostgreSQL's: in CI this runs, elsewhere it skips.
@pytest.mark.postgres
def test_on_postgresql_a_misspelt_name_is_found(login, officer, people_):
    _response, pks = found(login(officer), "Raymnd Tinkler")
    assert pks == [people_["raymond"].pk]


def test_search_is_paged_at_25_with_the_same_queries_at_two_sizes(login, officer, adults):
    client = login(officer)
    url = reverse("customers:search") + "?q=smith"
    for i in range(30):
        CustomerFactory(full_name=f"Pat Smith{i}", directorates=[adults])
    small = page_cost(client, url)
    for i in range(120):
        CustomerFactory(full_name=f"Pat Smith{i + 30}", directorates=[adults])
    large = page_cost(client, url)
    assert_bounded(small, large)
    response = client.get(url)
    assert len(response.context["results"]) == 25
    assert response.context["page"].paginator.count == 150


def test_past_the_cap_the_count_stops_and_says_so(login, officer, adults, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 20)
    for i in range(30):
        CustomerFactory(full_name=f"Pat Smith{i}", directorates=[adults])
    response, pks = found(login(officer), "smith")
    assert len(pks) == 20  # the closest 20, on one page
    page = response.content.decode()
    assert "More than 20 customers found" in page and "Add a word to find fewer" in page
    assert response.context["page"].paginator.num_pages == 1
    _response, pks = found(login(officer), "smith1")  # Smith1, Smith10-19: under the cap
    assert "11 customers found" in _response.content.decode()


def test_the_second_page_and_a_page_past_the_end(login, officer, adults):
    for i in range(30):
        CustomerFactory(full_name=f"Pat Smith{i}", directorates=[adults])
    client = login(officer)
    url = reverse("customers:search")
    first = client.get(url, {"q": "smith"}).context
    second = client.get(url, {"q": "smith", "page": "2"}).context
    assert len(first["results"]) == 25 and len(second["results"]) == 5
    assert {c.pk for c in first["results"]}.isdisjoint(c.pk for c in second["results"])
    assert second["page"].paginator.count == 30 and second["page"].number == 2
    for beyond in ("99", "nonsense", "-1"):
        page = client.get(url, {"q": "smith", "page": beyond}).context["page"]
        assert page.number == (2 if beyond == "99" else 1)


@pytest.fixture
def an_outward_code(adults, children):
    """CA12's people (more than a page; one disposed of, one in another directorate),
    and people elsewhere whom "CA12" finds another way: an email with "ca12" in it, an
    address with it, and one whose whole email is "ca12", which ranks above them all."""
    there = [CustomerFactory(full_name=f"{first} Sewell", postcode=f"CA12 {n % 10}HF",
                             directorates=[adults])
             for n, first in enumerate(["Ian", "Ann", "Zak", "Bob", "Ann", "Eve"] * 6)]
    for first in ["Una", "Tom", "Ann"]:
        CustomerFactory(full_name=f"{first} Carlisle", postcode="CA1 1AA", directorates=[adults])
    CustomerFactory(full_name="Hidden Sewell", postcode="CA12 4HF", directorates=[children])
    erased = CustomerFactory(full_name="Gone Sewell", postcode="CA12 4HF", directorates=[adults])
    Customer.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    elsewhere = [
        CustomerFactory(full_name="Amy Email", postcode="LA9 4DQ", email="ca12fan@example.org",
                        directorates=[adults]),
        CustomerFactory(full_name="Aaron Address", postcode="LA9 4DQ",
                        address="Flat CA12\nKendal", directorates=[adults]),
        CustomerFactory(full_name="Zed Exact", postcode="CA12 4HF", email="ca12",
                        directorates=[adults]),
    ]
    return there, elsewhere


@pytest.mark.parametrize("query", ["CA12", "ca12", "ca1", "CA1"])
def test_an_outward_code_lists_in_the_order_of_one_ranking_of_everyone(
    officer, an_outward_code, query
):
    """Read a page at a time along the outward code's index (PostgreSQL), the results are
    those of ranking everyone found at once, page by page, and counted alike."""
    search = selectors.customer_search(officer, query)
    everyone = list(search.queryset())
    assert len(everyone) == (39 if query.lower() == "ca12" else 6)
    for bottom, top in [(0, 25), (25, 50), (0, 2), (3, 4), (38, 39), (39, 64)]:
        rows = search.rows(bottom, top, count_upto=501)
        assert [c.pk for c in rows] == [c.pk for c in everyone[bottom:top]]
        assert [c.score for c in rows] == [c.score for c in everyone[bottom:top]]
        assert all(c.found == len(everyone) for c in rows)
    assert search.count_upto(501) == len(everyone)
    assert search.count_upto(5) == 5
    assert search.rows(0, 25, count_upto=5)[0].found == 5


def test_an_outward_code_ranks_a_whole_email_first_then_its_people_by_name(
    officer, an_outward_code
):
    there, (amy, aaron, zed) = an_outward_code
    found = selectors.customer_search(officer, "CA12")[0:100]
    assert found[0] == zed  # the whole email: 90
    names = [c.full_name for c in found[1:37]]
    assert names == sorted(names) and set(found[1:37]) == set(there)  # 40 each, by name
    assert set(found[37:]) == {amy, aaron}  # found another way: 10 each, by name
    assert found[37:] == [aaron, amy]


# --- browse ------------------------------------------------------------------------------------


def test_browse_lists_the_directorates_customers_sorted_and_paged(login, officer, adults,
                                                                  people_):
    ContactFactory(customer=people_["zoe"], directorate=adults)
    client = login(officer)
    url = reverse("customers:browse")
    names = lambda r: [c.full_name for c in r.context["results"]]  # noqa: E731
    assert names(client.get(url)) == ["Ian Sewell", "Raymond Tinkler", "Zoë Brontë"]
    refs = client.get(url, {"order": "reference"}).context["results"]
    assert [c.reference for c in refs] == sorted(c.reference for c in refs)
    assert names(client.get(url, {"order": "contact"}))[0] == "Zoë Brontë"
    assert names(client.get(url, {"order": "nonsense"})) == names(client.get(url))
    assert "other.tinkler" not in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["officer", "two_directorates", "reviewer", "council_wide"])
def test_the_browse_count_is_the_number_of_customers_listed(who, officer, reviewer, adults,
                                                            children, people_):
    """`browse_count` counts memberships, not the list: it must agree with the list
    whatever is erased, merged away, in two directorates, or reached by a reviewer."""
    both = CustomerFactory(full_name="Amy Both", directorates=[adults, children])
    CustomerFactory(full_name="Gone Erased", directorates=[adults],
                    erased_at=timezone.now())
    CustomerFactory(full_name="Gone Merged", directorates=[adults, children],
                    merged_into=both, merged_at=timezone.now())
    users = {
        "officer": officer,
        "two_directorates": UserFactory(username="two", roles=[Role.OFFICER],
                                        directorates=[adults, children]),
        "reviewer": reviewer,
        "council_wide": UserFactory(username="all", roles=[Role.SENIOR_MANAGER],
                                    directorates__council_wide=True),
    }
    user = load_user(users[who].pk)
    listed = selectors.browse_customers(user, "name").count()
    assert selectors.browse_count(user) == listed
    assert listed == {"officer": 4, "two_directorates": 5, "reviewer": 0, "council_wide": 5}[who]


def test_logging_a_contact_stores_the_customers_last_contact(officer, adults, people_):
    zoe = people_["zoe"]
    when = timezone.now() - dt.timedelta(hours=2)
    services.contact_log(actor=officer, customer=zoe, directorate=adults, channel="phone",
                         direction="inbound", occurred_at=when, handled_by=officer,
                         summary="Rang about the bins.")
    services.contact_log(actor=officer, customer=zoe, directorate=adults, channel="phone",
                         direction="inbound", occurred_at=when - dt.timedelta(days=3),
                         handled_by=officer, summary="An older call, logged late.")
    zoe.refresh_from_db()
    assert zoe.last_contact_at == when


def test_an_edit_saved_from_an_older_copy_keeps_the_last_contact(adults, people_):
    stale = Customer.objects.get(pk=people_["ian"].pk)
    contact = ContactFactory(customer=people_["ian"], directorate=adults)
    stale.full_name = "Ian J Sewell"
    stale.save()
    stale.refresh_from_db()
    assert stale.full_name == "Ian J Sewell" and stale.last_contact_at == contact.occurred_at
    # A copy kept for sorting, not a fact about the person: not in the record's history.
    assert "last_contact_at" not in {f.name for f in Customer.history.model._meta.fields}


def test_browse_is_bounded(login, officer, adults):
    client = login(officer)
    url = reverse("customers:browse") + "?order=contact"
    for i in range(30):
        CustomerFactory(full_name=f"Pat Smith{i}", directorates=[adults])
    small = page_cost(client, url)
    for i in range(100):
        CustomerFactory(full_name=f"Pat Smith{i + 30}", directorates=[adults])
    large = page_cost(client, url)
    assert_bounded(small, large)
    assert RecordView.objects.filter(user=officer).exists()
