"""Issue 13: each role's home page and `/deadlines/` cost the same whatever the data.

Every list on them is capped or paged, so a page rendered with 30 rows of every kind and
with 90 has the same number of queries, no query shape twice, and about the same bytes
(under 100 KB). The rows are written straight to the tables (`grow`): a page's cost does
not need each one played through the services.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases import turns
from cases.models import AccessKind, CaseState, Contact, Customer, DesignationCase, RecordView
from governance.models import SarStatus, SubjectAccessRequest
from reviews.dashboard import PER_PAGE, Horizon, deadlines_for
from reviews.models import Challenge, ChallengeStatus, Review, ReviewStatus
from tests import factories
from tests.perf.bounds import MAX_QUERIES, assert_bounded, page_cost, with_session
from tests.reviews.conftest import put_in_force

pytestmark = pytest.mark.django_db

HOME = "/"
DEADLINES = "/deadlines/"
_serial = itertools.count()
# Rows of every kind: the smaller already fills every capped list and page (10 on a home
# panel, 25 a page of /deadlines/, 20 recently decided), so the larger must cost the same.
SMALL, LARGE = 30, 90


def grow(n: int, template: DesignationCase, *, officer, reviewer, recorded_by) -> None:
    """`n` more rows of every kind a home page or /deadlines/ lists, in the template
    case's directorate: cases in every open state (referred by `officer`), challenges of
    each open status (the under-review ones given to `reviewer`), decided challenges and
    reviews, open subject access requests, and contacts logged by `officer`."""
    today = timezone.localdate()
    now = timezone.now()
    directorate = template.lead_directorate
    states = [CaseState.REFERRED, CaseState.ASSESSMENT, CaseState.AWAITING_DECISION,
              CaseState.DESIGNATED, CaseState.ACTIVE, CaseState.LAPSED]
    customers = Customer.objects.bulk_create([
        Customer(reference=f"C-P{next(_serial):06d}", full_name=f"Perf Customer {i}",
                 address="1 Castle Street\nCarlisle", postcode="CA1 1AA")
        for i in range(n * len(states))
    ])
    Customer.directorates.through.objects.bulk_create([
        Customer.directorates.through(customer_id=c.pk, directorate_id=directorate.pk)
        for c in customers
    ])
    cases = DesignationCase.objects.bulk_create([
        DesignationCase(
            reference=f"UCP-P{next(_serial):06d}", customer=customer,
            lead_directorate=directorate, state=state,
            referred_by=officer, referred_at=now - dt.timedelta(days=i),
            designated_on=template.designated_on if state in (
                CaseState.DESIGNATED, CaseState.ACTIVE, CaseState.LAPSED) else None,
            decided_at=now if state == CaseState.DESIGNATED else None,
            customer_notified_on=template.customer_notified_on
            if state == CaseState.ACTIVE else None,
            council_informed_at=template.council_informed_at
            if state == CaseState.ACTIVE else None,
            challenge_ends_on=today + dt.timedelta(days=i % 14)
            if state == CaseState.ACTIVE else None,
            review_due_on=today + dt.timedelta(days=i % 40 - 5)
            if state in (CaseState.ACTIVE, CaseState.LAPSED) else None,
        )
        for i, (customer, state) in enumerate(zip(customers, itertools.cycle(states)))
    ])
    active = [c for c in cases if c.state == CaseState.ACTIVE]
    statuses = [ChallengeStatus.LATE, ChallengeStatus.AWAITING_REVIEWER,
                ChallengeStatus.UNDER_REVIEW, ChallengeStatus.DECIDED]
    Challenge.objects.bulk_create([
        Challenge(case=c, status=statuses[i % 4], channel="letter", received_on=today,
                  grounds="No.", recorded_by=recorded_by, recorded_at=now,
                  decision_due_on=today + dt.timedelta(days=i % 28),
                  reviewer=reviewer if statuses[i % 4] in (
                      ChallengeStatus.UNDER_REVIEW, ChallengeStatus.DECIDED) else None,
                  decided_on=today if statuses[i % 4] == ChallengeStatus.DECIDED else None,
                  outcome="upheld" if statuses[i % 4] == ChallengeStatus.DECIDED else "")
        for i, c in enumerate(itertools.islice(itertools.cycle(active), 4 * n))
    ])
    Review.objects.bulk_create([
        Review(case=c, status=ReviewStatus.DECIDED, due_on=today, decided_on=today, opened_at=now,
               decided_by=recorded_by, outcome="continue")
        for c in active
    ])
    SubjectAccessRequest.objects.bulk_create([
        SubjectAccessRequest(customer=c, received_on=today, status=SarStatus.OPEN,
                             due_on=today + dt.timedelta(days=20), recorded_by=recorded_by,
                             recorded_at=now)
        for c in customers[:n]
    ])
    Contact.objects.bulk_create([
        Contact(customer=c, directorate=directorate, channel="email", occurred_at=now,
                handled_by=officer, logged_by=officer, summary="Another email.")
        for c in customers
    ])
    # Rows written straight to the tables: their turns too, as seed_volume does.
    turns.refresh_all()


def _named(page: str) -> set[int]:
    """The customers whose names the page shows ("Perf Customer 1", not inside "... 12")."""
    return {c.pk for c in Customer.objects.all()
            if re.search(re.escape(c.full_name) + r"(?!\d)", page)}


@pytest.fixture
def ig(adults):
    return factories.UserFactory(username="iggy", roles=[Role.INFORMATION_GOVERNANCE],
                                 directorates__council_wide=True)


@pytest.fixture
def world(make_case, officer, senior_manager, reviewer):
    template = put_in_force(make_case("designated"), senior_manager)
    return lambda n: grow(n, template, officer=officer, reviewer=reviewer,
                          recorded_by=senior_manager)


# The managing roles' next steps read the stored turns (`cases.turns`): two queries, the
# candidates from the turns' index and those cases with their relations folded in.
HOME_QUERIES = {"service_manager": 6, "senior_manager": 9, "reviewer": 10}
ROLES = ["officer", "service_manager", "senior_manager", "reviewer", "lead", "admin_user",
         "ig"]


# With many cases of later states the service manager's referrals still show: each state
# has its own share of the next steps' scan.
# The deadline panel's and /deadlines/' bounds are the one UNION ALL query's, which is
# PostgreSQL's: SQLite cannot LIMIT a branch of a compound query, so the embedded default
# reads each kind alone (reviews.dashboard; the oracle test checks it gives the same rows).
ON_POSTGRES_ONLY = pytest.mark.postgres


@pytest.mark.parametrize("role", [
    pytest.param(role, marks=ON_POSTGRES_ONLY) if role == "senior_manager" else role
    for role in ROLES
])
def test_each_roles_home_page_does_not_grow(role, world, request, client):
    user = request.getfixturevalue(role)
    client.force_login(user)
    world(SMALL)
    small = page_cost(client, HOME)
    world(LARGE - SMALL)
    large = page_cost(client, HOME)
    # Longer references and names at the larger size ("Perf Customer 123"), not more rows.
    # Every role within issue 13's 12: the 2 every signed-in request costs (session, user
    # with profile: accounts.scope), the next steps' scan with its relations folded in
    # (cases.folded), the role's other panels and the access log's one INSERT.
    assert_bounded(small, large, max_queries=HOME_QUERIES.get(role, MAX_QUERIES),
                   byte_slack=3_000)
    if role in HOME_QUERIES:
        assert small.count == with_session(HOME_QUERIES[role]), small


@pytest.mark.parametrize("role", ["officer", "senior_manager", "reviewer"])
def test_the_customers_a_home_page_names_are_in_the_access_log(role, world, request, client):
    user = request.getfixturevalue(role)
    client.force_login(user)
    world(SMALL)
    before = RecordView.objects.count()
    page = client.get(HOME).content.decode()
    logged = RecordView.objects.order_by("id")[before:]
    named = _named(page)
    assert named and {r.customer_id for r in logged} == named
    assert {r.kind for r in logged} == {AccessKind.SEARCH}


def test_the_customers_the_deadlines_page_names_are_in_the_access_log(world, senior_manager,
                                                                     client):
    client.force_login(senior_manager)
    world(SMALL)
    before = RecordView.objects.count()
    page = client.get(DEADLINES, {"horizon": "all", "page": 2}).content.decode()
    logged = RecordView.objects.order_by("id")[before:]
    named = _named(page)
    assert named and {r.customer_id for r in logged} == named


# /deadlines/: the session, the user, the count of every source by due day, the page, the
# two "recently decided" lists and the access log's INSERT.
DEADLINES_QUERIES = 7


@ON_POSTGRES_ONLY
@pytest.mark.parametrize("role", ["senior_manager", "reviewer", "ig"])
def test_the_deadlines_page_does_not_grow(role, world, request, client):
    user = request.getfixturevalue(role)
    client.force_login(user)
    world(SMALL)
    small = page_cost(client, DEADLINES + "?horizon=all")
    world(LARGE - SMALL)
    large = page_cost(client, DEADLINES + "?horizon=all")
    assert_bounded(small, large, max_queries=DEADLINES_QUERIES, max_bytes=60_000)
    last = deadlines_for(user, horizon=Horizon.ALL).page(1).paginator.num_pages
    assert last > 2
    for page in (2, last):
        assert_bounded(small, page_cost(client, f"{DEADLINES}?horizon=all&page={page}"),
                       max_queries=DEADLINES_QUERIES, max_bytes=60_000)


_LIMIT = re.compile(r"\b(?:LIMIT|OFFSET) (\d+)")


@ON_POSTGRES_ONLY
@pytest.mark.parametrize("number", ["1", "2", "last"])
def test_a_page_of_deadlines_reads_a_page_of_each_source_not_every_deadline(
    number, world, senior_manager, client
):
    """Each source is read from the day the page begins, `LIMIT` what the page can need,
    and the page itself skips only the rows of that day before it: a deep page asks the
    database for as few rows as the first (no day in this world has more than a page)."""
    client.force_login(senior_manager)
    world(LARGE)
    found = deadlines_for(senior_manager, horizon=Horizon.ALL)
    assert found.total > 10 * PER_PAGE
    if number == "last":
        number = str(found.page(1).paginator.num_pages)
    cost = page_cost(client, f"{DEADLINES}?horizon=all&page={number}")
    [rows] = [q for q in cost.queries if '"dl_pk"' in q]
    assert "LIMIT" in rows
    assert max(int(n) for n in _LIMIT.findall(rows)) <= 2 * PER_PAGE, rows
