"""The one access and HTTP layer: every casework page behind `casework_required`, one error
mapping on every app's pages, and one registry behind the step buttons and their URLs."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from cases import steps
from cases.models import RecordView
from letters import services as letter_services
from reviews import services as review_services
from reviews.models import Challenge
from ucp.errors import CaseChanged, NotAllowed, ServiceError
from ucp.http import form_error, status_for

pytestmark = pytest.mark.django_db

# Pages that are not casework, and why.
NOT_CASEWORK = {
    "home",  # each role's panels come from scoped selectors; a lead sees counts only
    "healthz",
    "login",
    "governance:access_changes",  # the information-governance role's; staff, no customer
    # The access log: the information-governance role's only (403 for casework roles,
    # tests/governance/test_access_log_pages.py); it names customers, but no casework.
    "governance:customer_access",
    "governance:staff_access",
    # Retention: the information-governance role's only (403 for casework roles).
    "governance:disposals", "governance:holds", "governance:hold_lift",
    # Subject access requests: the information-governance role's own check on each
    # (governance.views._sar_for); it has no casework, and sees these customers only.
    "governance:sar_list", "governance:sar_create", "governance:sar_detail",
    "governance:sar_identity", "governance:sar_extend", "governance:sar_close",
    "governance:sar_produce", "governance:sar_release", "governance:sar_passages",
    "governance:sar_redaction_remove", "governance:sar_download", "governance:sar_files",
    # Its rows come from scoped sources (reviews.dashboard); information governance sees
    # only subject access requests there.
    "reviews:deadlines",
    "logout",
    # Single sign-on's round trip: signed-out visitors use it to sign in (tests/sso/).
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "accounts:your_access",  # the person's own roles and the changes to them; no customer
    "session_status",  # how long the session has left: nothing from a record
    "session_extend",
    "reports:report",  # figures only, with their own access rule (reports.selectors)
    "reports:table",  # one of the report's tables whole: the same rule
    "reports:quarterly",
    "reports:quarterly_pdf",
    "api:schema",
}
# The apps whose every page shows or changes a customer's record.
CASEWORK_VIEW_MODULES = ("cases.views", "cases.merge_views", "letters.views", "reviews.views",
                         "sanctions.views")


def _patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = entry.namespace or namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern), entry


def _is_marked(view) -> bool:
    while view is not None:
        if getattr(view, "casework_required", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def _sample_url(route: str) -> str:
    """A concrete URL for a route: any reference, id or kind will do, since the casework
    check comes before anything is looked up."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug):(\w+)>", lambda m: "designation" if m[1] == "kind"
                   else "close_referral" if m[1] == "action" else "X-1", route)
    return "/" + route


CASEWORK_PAGES = sorted(
    (name, route)
    for name, route, entry in _patterns()
    if name not in NOT_CASEWORK
    and not getattr(entry.callback, "cls", None)  # the API: see its own test below
)


@pytest.mark.parametrize(("name", "route"), CASEWORK_PAGES)
def test_every_page_that_shows_casework_is_behind_casework_required(name, route):
    match = resolve(_sample_url(route))
    assert _is_marked(match.func), f"{name} ({route}) is not wrapped by casework_required"


def test_the_casework_apps_pages_are_all_listed():
    modules = {e.callback.__module__ for _n, _r, e in _patterns()}
    assert set(CASEWORK_VIEW_MODULES) <= modules
    for name, _route, entry in _patterns():
        if entry.callback.__module__ in CASEWORK_VIEW_MODULES:
            assert name not in NOT_CASEWORK


def test_the_api_asks_the_same_casework_question():
    from api.views import ApiView, CaseworkRole

    assert CaseworkRole in ApiView.permission_classes
    for _name, _route, entry in _patterns():
        cls = getattr(entry.callback, "cls", None)
        if cls is not None and cls.__module__ == "api.views":
            assert issubclass(cls, ApiView)


@pytest.mark.parametrize(("name", "route"), CASEWORK_PAGES)
def test_a_directorate_lead_is_refused_every_casework_page(lead, name, route):
    client = Client()
    client.force_login(lead)
    url = _sample_url(route)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    assert response.status_code == 403, name


@pytest.mark.parametrize(("name", "route"), CASEWORK_PAGES[:5])
def test_a_signed_out_visitor_is_sent_to_sign_in(client, name, route):
    response = client.get(_sample_url(route))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


# --- one error mapping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (CaseChanged(), 409),
        (NotAllowed("No."), 403),
        (NotAllowed("Not yet.", reasons=["Confirm the preconditions."]), 422),
        (ServiceError("Enter a reason."), 422),
        (ValidationError("Enter a real date."), 422),
    ],
)
def test_each_refusal_has_one_status(exc, status):
    assert status_for(exc) == status

    class Form:
        fields: dict = {}
        errors: list = []

        def add_error(self, field, error):
            self.errors.append((field, str(error)))

    form = Form()
    assert form_error(form, exc) == status
    assert form.errors  # the message is on the form, which keeps what was typed


REFUSALS = [(CaseChanged(), 409), (NotAllowed("Not you."), 403), (ServiceError("Not so."), 422)]


def _raise(exc):
    def service(*args, **kwargs):
        raise exc

    return service


@pytest.mark.parametrize(("exc", "status"), REFUSALS)
def test_a_case_step_page_answers_a_refusal_with_the_one_status(
    exc, status, login, service_manager, make_case, monkeypatch
):
    case = make_case("referred")
    step = steps.get(steps.CASE, "close_referral")
    page = dataclasses.replace(step.page, service=_raise(exc))
    monkeypatch.setitem(steps._REGISTRY, step.key, dataclasses.replace(step, page=page))
    response = login(service_manager).post(
        step.url(case.reference), {"expected_state": "referred", "note": "No further action."}
    )
    assert response.status_code == status
    assert "No further action." in response.content.decode()  # what was typed is kept


@pytest.mark.parametrize(("exc", "status"), REFUSALS)
def test_a_customer_form_answers_a_refusal_with_the_one_status(
    exc, status, login, officer, customer, monkeypatch
):
    monkeypatch.setattr("cases.services.customer_update", _raise(exc))
    response = login(officer).post(reverse("customers:edit", args=[customer.reference]), {
        "full_name": "Morgan Hartley", "postcode": "CA1 2BS", "email": "morgan.he@example.org",
        "phone": "01228 606 060",
    })
    assert response.status_code == status
    assert "Morgan Hartley" in response.content.decode()


@pytest.mark.parametrize(("exc", "status"), REFUSALS)
def test_a_letter_page_answers_a_refusal_with_the_one_status(
    exc, status, login, senior_manager, make_case, monkeypatch
):
    case = make_case("designated")
    monkeypatch.setattr(letter_services, "letter_issue", _raise(exc))
    response = login(senior_manager).post(
        reverse("letters:issue", args=[case.reference, "designation"])
    )
    assert response.status_code == status


@pytest.mark.parametrize(("exc", "status"), REFUSALS)
def test_a_review_page_answers_a_refusal_with_the_one_status(
    exc, status, login, officer, make_case, monkeypatch
):
    case = make_case("designated")
    monkeypatch.setattr(review_services, "challenge_record", _raise(exc))
    response = login(officer).post(reverse("reviews:challenge_record", args=[case.reference]), {
        "expected_state": case.state, "channel": "email",
        "received_on": timezone.localdate().isoformat(), "grounds": "Nobody answered me.",
    })
    assert response.status_code == status
    assert "Nobody answered me." in response.content.decode()


# --- one registry of step pages -----------------------------------------------------------------


def test_every_registered_step_has_a_casework_page():
    registered = steps.all_steps()
    assert {s.subject for s in registered} >= {steps.CASE, steps.CHALLENGE, steps.REVIEW,
                                               steps.LETTER}
    for step in registered:
        args = (1,) if step.subject == steps.CHALLENGE and step.name != "record" else ()
        url = step.url("X-1", *args).partition("#")[0]  # a checklist's anchor on its page
        match = resolve(url)
        assert f"{match.namespace}:{match.url_name}" == step.url_name
        assert _is_marked(match.func), step.key


def test_every_challenge_step_page_is_a_registered_transition():
    pages = {
        name for name, _route, _e in _patterns()
        if name.startswith("reviews:challenge_") and name != "reviews:challenge_record"
    }
    registered = {s.url_name for s in steps.for_subject(steps.CHALLENGE) if s.page is not None}
    assert pages == registered
    for step in steps.for_subject(steps.CHALLENGE):
        if step.page is not None:
            assert hasattr(getattr(Challenge, step.name), "_django_fsm"), step.name


def test_every_case_step_is_a_transition_of_the_case():
    from cases.models import DesignationCase

    for step in steps.for_subject(steps.CASE):
        assert hasattr(getattr(DesignationCase, step.name), "_django_fsm"), step.name


@pytest.mark.parametrize(
    ("state", "role"),
    [("referred", "service_manager"), ("assessment", "service_manager"),
     ("awaiting_decision", "senior_manager")],
)
def test_the_case_page_buttons_link_to_their_registered_pages(
    state, role, login, persona, make_case
):
    case = make_case(state)
    page = login(persona(role)).get(case.get_absolute_url()).content.decode()
    # The task list's links (cases/next_steps.py), each named by its registered step.
    buttons = re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-action="([a-z_]+)"', page)
    case_buttons = [(href, name) for href, name in buttons if "/act/" in href]
    assert case_buttons
    for href, name in case_buttons:
        step = steps.get(steps.CASE, name)
        assert step is not None, name
        assert href == step.url(case.reference)


def test_registering_another_page_under_a_taken_name_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    step = steps.get(steps.CASE, "designate")
    with pytest.raises(ImproperlyConfigured):
        steps.register(dataclasses.replace(step, url_name="letters:preview"))


# --- the access log, collected by the selectors and written once per request ----------------------


def test_a_selector_outside_a_request_logs_nothing_and_the_case_page_logs_once(
    login, service_manager, make_case
):
    from cases import selectors

    case = make_case("referred")
    selectors.get_case_for_user(service_manager, case.reference)
    assert not RecordView.objects.exists()
    login(service_manager).get(case.get_absolute_url())
    assert RecordView.objects.filter(user=service_manager, case=case).count() == 1
