"""Issue 13: the case page and the customer page cost the same whatever the record's length.

A case in force whose customer has a growing history: chronology events, contacts the case
relies on (with indicators, breaches, filed items that raised something and corrections),
matters, informal warnings and older closed cases. Rendered with SMALL and with LARGE rows
of each kind, the pages run the same queries, none twice, and stay under 100 KB; the lists
show the latest few with a count, and the rest is a page at a time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    AccessKind,
    CaseEvent,
    CaseState,
    Contact,
    Correction,
    DesignationCase,
    Matter,
    RecordView,
    Warning,
)
from sanctions.models import ContactBreach, FiledItem
from sanctions.selectors import case_monitoring
from tests import factories
from tests.perf.bounds import assert_bounded, page_cost, with_session
from tests.reviews.conftest import put_in_force

pytestmark = pytest.mark.django_db

_serial = itertools.count()
# Both fill every capped list (25 chronology events, 10 of each other list, 25 contacts a
# page of the timeline), so the larger must cost what the smaller does.
SMALL, LARGE = 30, 90

# What the pages cost now, pinned so that they cannot grow; issue 13's target is 12. Two
# of each are what every signed-in request costs (the session; the user with their staff
# profile, their access kept under its stamp: accounts.scope), one is the access log's
# insert. The case page is its summary: the case with every relation its next steps read
# (cases.folded), the latest events, the restriction banner.
CASE_PAGE_QUERIES = 6
CUSTOMER_PAGE_QUERIES = 12
# The case page's other tabs (cases.sections): the same three, the case with its own
# relations, what the tab shows, the banner.
CASE_TAB_QUERIES = {"cases:referral": 7, "cases:letters": 10, "cases:reviews": 7,
                    "cases:monitoring": 9}
# The whole lists behind the pages' links: the same two and the insert, the case or
# customer, a page of rows (counted in the same query), what each row shows, the banner.
LIST_QUERIES = {"cases:chronology": 6, "cases:evidence": 8, "customers:matters": 8,
                "customers:warnings": 10, "customers:cases": 6}


def grow(case: DesignationCase, n: int, *, officer, manager) -> None:
    """`n` more rows of every kind the two pages list, for `case` and its customer."""
    now = timezone.now()
    today = timezone.localdate()
    customer, directorate = case.customer, case.lead_directorate
    sanction = case.sanctions.order_by("id").first()
    indicators = factories.some_indicators(2)
    base = next(_serial) * 1000
    CaseEvent.objects.bulk_create([
        CaseEvent(case=case, kind="note", actor=manager, at=now + dt.timedelta(seconds=base + i),
                  summary=f"Perf event {base + i}")
        for i in range(n)
    ])
    matters = Matter.objects.bulk_create([
        Matter(reference=f"M-P{base + i:07d}", customer=customer, directorate=directorate,
               kind="complaint", summary=f"Perf matter {base + i}", details="About bins.",
               received_on=today, created_by=officer)
        for i in range(n)
    ])
    contacts = Contact.objects.bulk_create([
        Contact(customer=customer, directorate=directorate, channel="email",
                occurred_at=now - dt.timedelta(minutes=base + i), handled_by=officer,
                logged_by=officer, summary=f"Perf contact {base + i}", matter=matters[i])
        for i in range(n)
    ])
    Contact.indicators.through.objects.bulk_create([
        Contact.indicators.through(contact_id=c.pk, indicator_id=i.pk)
        for c in contacts for i in indicators
    ])
    case.evidence_contacts.add(*contacts)
    ContactBreach.objects.bulk_create([
        ContactBreach(contact=c, sanction=sanction, message="Outside the hours allowed.")
        for c in contacts
    ])
    FiledItem.objects.bulk_create([
        FiledItem(contact=c, sanction=sanction, read_by=manager, read_at=now,
                  significant_new_information=True, note="Something new.")
        for c in contacts
    ])
    Correction.objects.bulk_create([
        Correction(customer=customer, contact=c, field="summary", label="Summary",
                   old_value="Old.", new_value=c.summary, reason="Typed wrongly.",
                   corrected_by=officer, corrected_at=now)
        for c in contacts
    ])
    Warning.objects.bulk_create([
        Warning(customer=customer, directorate=directorate, kind="informal", method="phone",
                given_on=today, given_by=officer, summary=f"Perf warning {base + i}")
        for i in range(n)
    ])
    DesignationCase.objects.bulk_create([
        DesignationCase(reference=f"UCP-Q{base + i:06d}", customer=customer,
                        lead_directorate=directorate, state=CaseState.CLOSED,
                        referred_by=officer, referred_at=now - dt.timedelta(days=400 + i),
                        closing_reason="no_action", closed_at=now - dt.timedelta(days=300 + i))
        for i in range(n)
    ])


@pytest.fixture
def in_force(make_case, senior_manager):
    return put_in_force(make_case("designated"), senior_manager)


@pytest.fixture
def world(in_force, officer, service_manager):
    return lambda n: grow(in_force, n, officer=officer, manager=service_manager)


def _pages(case) -> dict[str, str]:
    return {"case": case.get_absolute_url(), "customer": case.customer.get_absolute_url()}


@pytest.mark.parametrize("which,pinned", [("case", CASE_PAGE_QUERIES),
                                         ("customer", CUSTOMER_PAGE_QUERIES)])
def test_the_page_does_not_grow_with_the_record(which, pinned, world, in_force, senior_manager,
                                                client):
    client.force_login(senior_manager)
    pinned = with_session(pinned)
    url = _pages(in_force)[which]
    world(SMALL)
    small = page_cost(client, url)
    world(LARGE - SMALL)
    large = page_cost(client, url)
    assert_bounded(small, large, max_queries=pinned)
    assert large.count == pinned, large


@pytest.mark.parametrize("name,per_page", [("cases:chronology", 50), ("cases:evidence", 25),
                                           ("customers:matters", 25),
                                           ("customers:warnings", 25),
                                           ("customers:cases", 25)])
def test_the_whole_lists_are_paged_and_bounded(name, per_page, world, in_force,
                                               senior_manager, client):
    client.force_login(senior_manager)
    ref = in_force.reference if name.startswith("cases:") else in_force.customer.reference
    url = reverse(name, args=[ref])
    world(SMALL)
    small = page_cost(client, url)
    world(LARGE - SMALL)
    large = page_cost(client, url)
    pinned = with_session(LIST_QUERIES[name])
    assert_bounded(small, large, max_queries=pinned)
    assert large.count == pinned, large
    assert_bounded(small, page_cost(client, url + "?page=2"), max_queries=pinned)


def _events_shown(html: str) -> set[str]:
    return set(re.findall(r"Perf event \d+", html))


def test_the_case_page_shows_the_latest_25_events_and_the_chronology_pages_the_rest(
        world, in_force, senior_manager, client):
    world(60)
    client.force_login(senior_manager)
    order = list(in_force.events.order_by("at", "id").values_list("summary", flat=True))
    total = len(order)
    assert 50 < total <= 100
    page = client.get(in_force.get_absolute_url()).content.decode()
    assert f"Showing the latest 25 of {total} events" in page
    chronology = reverse("cases:chronology", args=[in_force.reference])
    assert chronology in page
    assert _events_shown(page) == set(order[-25:])
    # The 26th latest is not on the case page; the chronology, 50 a page and oldest first,
    # has it on the page its place says, and the latest on page 2.
    first = client.get(chronology).content.decode()
    last = client.get(chronology, {"page": 2}).content.decode()
    where = first if total - 26 < 50 else last
    assert order[-26] not in _events_shown(page) and order[-26] in _events_shown(where)
    assert order[-26] not in _events_shown(last if where is first else first)
    assert f"Events 1 to 50 of {total}" in first
    assert f"Events 51 to {total} of {total}" in last
    assert order[-1] in _events_shown(last) and order[-1] not in _events_shown(first)
    assert _events_shown(first) | _events_shown(last) == {
        s for s in order if s.startswith("Perf event")}


def test_the_customer_page_lists_the_latest_with_counts_and_links(world, in_force,
                                                                  senior_manager, client):
    world(SMALL)
    client.force_login(senior_manager)
    customer = in_force.customer
    page = client.get(customer.get_absolute_url()).content.decode()
    matters = customer.matters.count()
    assert f"Showing the latest 10 of {matters} matters" in page
    assert f"Showing the latest 10 of {customer.warnings.count()} warnings" in page
    assert f"Showing the latest 10 of {customer.cases.count()} cases" in page
    for name in ("customers:matters", "customers:warnings", "customers:cases"):
        assert reverse(name, args=[customer.reference]) in page
    # The matter filter offers the ten matters shown, not all of them.
    select = re.search(r'<select[^>]*name="matter".*?</select>', page, re.S).group(0)
    assert select.count("<option") == 11
    assert f"The latest 10 of {matters} matters" in page
    # An older matter, from the list of all of them, still filters the timeline.
    oldest = customer.matters.order_by("received_on", "id").first()
    filtered = client.get(customer.get_absolute_url(), {"matter": oldest.reference})
    assert filtered.status_code == 200
    body = filtered.content.decode()
    assert "1 contact that match" in body or "Showing 1 to 1 of 1 contact" in body
    assert f'value="{oldest.reference}" selected' in body
    # The whole list of matters, a page at a time: the 11th latest is on it, not on the
    # customer page.
    eleventh = customer.matters.order_by("-received_on", "-id")[10]
    listed = client.get(reverse("customers:matters", args=[customer.reference])).content
    assert f"<strong>{eleventh.reference}</strong>".encode() in listed
    assert f"<strong>{eleventh.reference}</strong>" not in page


@pytest.mark.parametrize("name", list(CASE_TAB_QUERIES))
def test_each_tab_of_the_case_page_does_not_grow_with_the_record(name, world, in_force,
                                                                 senior_manager, client):
    client.force_login(senior_manager)
    url = reverse(name, args=[in_force.reference])
    world(SMALL)
    small = page_cost(client, url)
    world(LARGE - SMALL)
    large = page_cost(client, url)
    pinned = with_session(CASE_TAB_QUERIES[name])
    assert_bounded(small, large, max_queries=pinned)
    assert large.count == pinned, large


def test_the_evidence_tab_pages_the_evidence_and_the_monitoring_tab_caps_flagged_items(
        world, in_force, senior_manager, client):
    world(SMALL)
    client.force_login(senior_manager)
    summary = client.get(in_force.get_absolute_url()).content.decode()
    evidence_url = reverse("cases:evidence", args=[in_force.reference])
    monitoring_url = reverse("cases:monitoring", args=[in_force.reference])
    assert evidence_url in summary and monitoring_url in summary
    evidence = in_force.evidence_contacts.count()
    page = client.get(evidence_url).content.decode()
    assert f"Contacts 1 to 25 of the {evidence} this case relies on" in page
    monitoring = client.get(monitoring_url).content.decode()
    assert f"Showing the latest 10 of {SMALL} filed items that raised something" in monitoring
    assert monitoring.count('href="/filed/') >= 10


@pytest.mark.parametrize("name", ["cases:chronology", "cases:evidence", "customers:matters",
                                  "customers:warnings", "customers:cases",
                                  *CASE_TAB_QUERIES])
def test_each_whole_list_is_in_the_access_log(name, in_force, senior_manager, client):
    client.force_login(senior_manager)
    ref = in_force.reference if name.startswith("cases:") else in_force.customer.reference
    before = RecordView.objects.count()
    assert client.get(reverse(name, args=[ref])).status_code == 200
    logged = list(RecordView.objects.order_by("id")[before:])
    assert [(r.customer_id, r.kind) for r in logged] == [(in_force.customer_id,
                                                          AccessKind.PAGE)]
    if name.startswith("cases:"):
        assert logged[0].case_id == in_force.pk


def test_an_outsider_cannot_page_through_a_case_or_customer(in_force, outsider, client):
    client.force_login(outsider)
    for name, ref in [("cases:chronology", in_force.reference),
                      ("customers:matters", in_force.customer.reference),
                      *((name, in_force.reference) for name in CASE_TAB_QUERIES)]:
        assert client.get(reverse(name, args=[ref])).status_code == 404


def test_a_bad_page_number_is_the_first_or_last_page_not_an_error(world, in_force,
                                                                  senior_manager, client):
    world(SMALL)
    client.force_login(senior_manager)
    url = reverse("cases:chronology", args=[in_force.reference])
    assert client.get(url, {"page": "x"}).status_code == 200
    assert client.get(url, {"page": "999"}).status_code == 200


def test_the_monitoring_count_filters_the_customer_and_date_in_where(in_force):
    """Issue 13: the customer and the date in WHERE, not in the COUNT's FILTER clause, so
    the count reads the customer's contacts rather than every contact in the council."""
    with CaptureQueriesContext(connection) as ctx:
        case_monitoring(in_force)
    by_indicator = [q["sql"] for q in ctx.captured_queries if "cases_indicator" in q["sql"]]
    assert len(by_indicator) == 1
    sql = by_indicator[0]
    assert "FILTER" not in sql.upper()
    where = sql.upper().split(" WHERE ", 1)[1]
    assert '"CUSTOMER_ID"' in where and '"OCCURRED_AT"' in where


# Each part the case page showed before it was split, and where it is now: one link away.
MOVED = {
    "cases:referral": ['id="preconditions"', 'id="alternatives"', "Who decides"],
    "cases:evidence": ['id="evidence"', "Perf contact"],
    "cases:letters": ['id="letters-heading"'],
    "cases:reviews": ['id="reviews-heading"', 'id="six-month-review"'],
    "cases:monitoring": ['id="monitoring"', "New contacts by indicator"],
}


@pytest.mark.parametrize("name", list(MOVED))
def test_each_part_of_the_case_is_one_link_from_its_summary(name, world, in_force,
                                                            senior_manager, client):
    world(3)
    client.force_login(senior_manager)
    summary = client.get(in_force.get_absolute_url()).content.decode()
    url = reverse(name, args=[in_force.reference])
    assert f'href="{url}"' in summary
    tab = client.get(url).content.decode()
    assert f'href="{url}" aria-current="page"' in tab
    for marker in MOVED[name]:
        assert marker in tab and marker not in summary, marker
