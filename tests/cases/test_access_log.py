"""The access log covers every URL that shows a customer: each pattern the resolver knows,
filled with the access matrix's world, is asked for by someone allowed to see it, and must
leave a row naming the right customer (and case) with the right kind. Then the rules of the
log itself: refused and redirected answers write nothing, a request writes in one query,
and the log has no history."""

from __future__ import annotations

import pytest
from django.test import Client

from cases import access_log
from cases.models import AccessKind, RecordView
from tests import test_access_matrix as matrix
from tests.test_access_matrix import private_media, world  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.real_pdf,
    pytest.mark.xdist_group("access_log_coverage"),
]

# What kind of access each page is, said here rather than read from cases/access_log.py.
KINDS = {
    "customers:detail": AccessKind.PAGE,
    "customers:matters": AccessKind.PAGE,
    "customers:warnings": AccessKind.PAGE,
    "customers:cases": AccessKind.PAGE,
    "customers:edit": AccessKind.FORM,
    "customers:contact_create": AccessKind.FORM,
    "customers:matter_create": AccessKind.FORM,
    "customers:matter_edit": AccessKind.FORM,
    "customers:warning_create": AccessKind.FORM,
    "customers:refer": AccessKind.FORM,
    "customers:correct": AccessKind.FORM,
    "customers:dispute": AccessKind.FORM,
    "customers:matter_correct": AccessKind.FORM,
    "customers:matter_dispute": AccessKind.FORM,
    "customers:contact_correct": AccessKind.FORM,
    "customers:contact_dispute": AccessKind.FORM,
    "customers:warning_correct": AccessKind.FORM,
    "customers:warning_dispute": AccessKind.FORM,
    "customers:merge": AccessKind.FORM,
    "customers:merge_undo": AccessKind.FORM,
    "reviews:bundle": AccessKind.DOWNLOAD,
    "governance:sar_detail": AccessKind.PAGE,
    "governance:sar_passages": AccessKind.PAGE,
    "governance:sar_files": AccessKind.PAGE,
    "governance:sar_download": AccessKind.DOWNLOAD,
    "cases:detail": AccessKind.PAGE,
    "cases:chronology": AccessKind.PAGE,
    "cases:evidence": AccessKind.PAGE,
    # The case page's tabs (cases.sections).
    "cases:referral": AccessKind.PAGE,
    "cases:letters": AccessKind.PAGE,
    "cases:reviews": AccessKind.PAGE,
    "cases:monitoring": AccessKind.PAGE,
    "cases:action": AccessKind.ACTION,
    "cases:attachment": AccessKind.DOWNLOAD,
    "letters:html": AccessKind.DOWNLOAD,
    "letters:pdf": AccessKind.DOWNLOAD,
    "letters:customer_pdf": AccessKind.DOWNLOAD,
    "letters:preview": AccessKind.ACTION,
    "letters:inform_council": AccessKind.ACTION,
    "letters:informal_warning_issue": AccessKind.ACTION,
    "reviews:challenge_record": AccessKind.ACTION,
    "reviews:challenge_decide": AccessKind.ACTION,
    "reviews:challenge_accept_late": AccessKind.ACTION,
    "reviews:challenge_refuse_late": AccessKind.ACTION,
    "reviews:challenge_assign": AccessKind.ACTION,
    "reviews:review_decide": AccessKind.ACTION,
    "frontdesk:check": AccessKind.PAGE,
    "filed:item": AccessKind.ACTION,
    "api:restriction_check": AccessKind.API,
    "api:customer_restrictions": AccessKind.API,
}
# The world's challenge is in time: the late request's steps only send back to the case.
NOT_OPEN_IN_THE_WORLD = {"reviews:challenge_accept_late", "reviews:challenge_refuse_late"}
# Pages that list customers without naming one in the address: they log who was listed.
LISTS = {
    "customers:search": ("officer", "/customers/?q=Quill"),
    "frontdesk:check": ("officer", "/front-desk/?q=Quill"),
    # The cases behind a report figure, and the filed queue, name customers too.
    "reports:cases": ("senior_manager", "/reports/cases/?figure=invocations&period=year"),
    "filed:queue": ("officer", "/filed/"),
    "customers:browse": ("officer", "/customers/browse/"),
}


def personal_data_routes() -> list[matrix.Route]:
    """Every non-admin route whose address names a customer's record (a scope in the
    matrix) and answers a GET."""
    return [r for r in matrix.ROUTES if not r.name.startswith("admin:")
            and matrix.PAGES[r.name].scope is not None and not matrix.PAGES[r.name].post_only]


def _customer_key(scope: str) -> str:
    kind, key = scope.split(":")
    return key if kind == "customer" else matrix.CASES[key][0]


def _allowed_user(route: matrix.Route, scope: str) -> str | None:
    for user in matrix.USERS:
        want = matrix.expected(route, user, scope)
        if want == 200 or (isinstance(want, frozenset) and 200 in want):
            return user
    return None


def test_every_page_that_names_a_customer_has_a_kind():
    assert {r.name for r in personal_data_routes()} == set(KINDS)


@pytest.mark.parametrize("route", personal_data_routes(), ids=lambda r: r.name)
def test_each_personal_data_url_logs_who_saw_which_customer_and_how(world, route):  # noqa: F811
    logged = 0
    problems = []
    for url, scope in matrix._fill(world, route):
        if scope is None:
            continue
        user = _allowed_user(route, scope)
        if user is None:  # (Resources' customer has no officer in the matrix to refer her)
            continue
        before = RecordView.objects.count()
        response = matrix.client_for(world, user).get(url)
        rows = list(RecordView.objects.order_by("id")[before:])
        if response.status_code != 200:  # a step not open now sends them back: shows nothing
            if rows:
                problems.append(f"{user} {url}: {response.status_code} but logged {rows}")
            continue
        customer = world.customers[_customer_key(scope)]
        mine = [r for r in rows if r.customer_id == customer.pk]
        if not mine:
            problems.append(f"{user} {url}: showed {customer} and logged {rows}")
            continue
        logged += 1
        row = mine[0]
        if (row.user_id, row.kind) != (world.users[user].pk, KINDS[route.name]):
            problems.append(f"{user} {url}: logged {row.user} {row.kind}, "
                            f"expected {KINDS[route.name]}")
        if scope.startswith("case:") and row.case_id != world.cases[scope[5:]].pk:
            problems.append(f"{user} {url}: logged case {row.case_id}, not the case shown")
        if not url.startswith(row.path.split("?")[0]):
            problems.append(f"{user} {url}: logged the address {row.path}")
    assert not problems, "\n".join(problems)
    if route.name not in NOT_OPEN_IN_THE_WORLD:
        assert logged, f"no address of {route.name} was answered with a page to log"


@pytest.mark.parametrize(("name", "who_where"), LISTS.items())
def test_a_list_of_customers_logs_each_customer_listed_as_search_results(world, name, who_where):  # noqa: F811
    user, url = who_where
    client = matrix.client_for(world, user)
    before = RecordView.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    rows = list(RecordView.objects.order_by("id")[before:])
    listed = {k for k, c in world.customers.items() if c.full_name in response.content.decode()}
    assert listed and {world.customer_key(r.customer_id) for r in rows} == listed
    assert {r.kind for r in rows} == {AccessKind.SEARCH}


def test_a_refused_address_logs_nothing(world):  # noqa: F811
    # Children's officer may not see Ada (Adults only): a 404, and no row.
    client = matrix.client_for(world, "officer2")
    response = client.get(world.customers["ada"].get_absolute_url())
    assert response.status_code == 404
    assert not RecordView.objects.filter(customer=world.customers["ada"],
                                         user=world.users["officer2"]).exists()


def test_a_page_writes_its_log_in_one_query_and_the_log_has_no_history(
    world,  # noqa: F811
):
    assert not hasattr(RecordView, "history")
    client = matrix.client_for(world, "officer")
    url = world.cases["arthur"].get_absolute_url()
    client.get(url)  # warm: the session, the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    inserts = [q["sql"] for q in queries if "cases_recordview" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT")


def test_a_selector_outside_a_request_collects_nothing(world):  # noqa: F811
    from cases import selectors

    before = RecordView.objects.count()
    selectors.get_customer_for_user(world.users["officer"], world.customers["ada"].reference)
    access_log.noted(world.users["officer"], world.customers["ada"])
    assert RecordView.objects.count() == before


def test_a_failed_form_post_that_shows_the_customer_again_is_logged_as_a_form(world):  # noqa: F811
    client: Client = matrix.client_for(world, "officer")
    customer = world.customers["ada"]
    before = RecordView.objects.count()
    response = client.post(f"/customers/{customer.reference}/edit/", {"full_name": ""})
    assert response.status_code in (200, 400)
    rows = list(RecordView.objects.order_by("id")[before:])
    assert [(r.customer_id, r.kind) for r in rows] == [(customer.pk, AccessKind.FORM)]


def test_logging_costs_a_page_one_query(officer, customer, make_case, settings):
    """The customer and case pages, with the log's middleware and without: one INSERT more,
    whatever the page shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_case("referred", customer=customer)
    counts = {}
    everything = list(settings.MIDDLEWARE)
    for logged in (False, True):
        settings.MIDDLEWARE = [m for m in everything
                               if logged or m != "cases.access_log.AccessLogMiddleware"]
        client = Client()  # a client keeps the middleware it was first asked through
        client.force_login(officer)
        for url in (customer.get_absolute_url(), case.get_absolute_url()):
            client.get(url)  # warm
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[(logged, url)] = len(queries)
    for url in (customer.get_absolute_url(), case.get_absolute_url()):
        assert counts[(True, url)] == counts[(False, url)] + 1


# --- API calls and exports are recorded (issue 11: "API calls; exports") -----------------


def _token_client(user) -> Client:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_every_api_call_with_a_token_is_logged_as_an_api_call(officer, customer):
    """GET and POST of the check and the restrictions endpoint, by a token (no session):
    one row each, the token's user, the customer answered about."""
    client = _token_client(officer)
    calls = [
        lambda: client.get("/api/v1/restriction-check/",
                           {"customer": customer.reference, "channel": "phone"}),
        lambda: client.post("/api/v1/restriction-check/",
                            {"customer": customer.reference, "channel": "email"},
                            content_type="application/json"),
        lambda: client.get(f"/api/v1/customers/{customer.reference}/restrictions/"),
    ]
    for call in calls:
        before = RecordView.objects.count()
        response = call()
        assert response.status_code == 200, response.content
        (row,) = RecordView.objects.order_by("id")[before:]
        assert (row.user, row.customer, row.kind) == (officer, customer, AccessKind.API)


def test_an_api_call_that_answers_with_an_error_logs_nothing(officer, customer):
    """The customer was looked up, but a 400 (a matter not theirs) or 404 shows nothing."""
    client = _token_client(officer)
    before = RecordView.objects.count()
    assert client.get("/api/v1/restriction-check/", {
        "customer": customer.reference, "channel": "phone", "matter": "M-NOPE"
    }).status_code == 400
    assert client.get("/api/v1/customers/C-NOSUCH/restrictions/").status_code == 404
    assert RecordView.objects.count() == before


def test_the_staff_access_csv_logs_an_export_of_each_customer_it_lists(officer, customer, adults):
    from accounts.roles import Role
    from tests import factories

    other = factories.CustomerFactory(full_name="Quentin Other", directorates=[adults])
    RecordView.objects.bulk_create([RecordView(user=officer, customer=c, path="/x/")
                                    for c in (customer, other)])
    ig = factories.UserFactory(username="dpo", roles=[Role.INFORMATION_GOVERNANCE],
                               directorates__council_wide=True)
    client = Client()
    client.force_login(ig)
    response = client.get("/governance/access-log/staff/",
                          {"person": officer.username, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    exported = set(RecordView.objects.filter(user=ig, kind=AccessKind.EXPORT)
                   .values_list("customer_id", flat=True))
    assert exported == {customer.pk, other.pk}
