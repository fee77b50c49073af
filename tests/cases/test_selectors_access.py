"""Who sees what: selectors, the (URL, role) matrix, sign-in and CSRF.

Outside a user's directorates everything is a 404 (a guessed reference reveals nothing);
roles without casework access (directorate lead, administrator) get a 403.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases import selectors, services
from cases.models import CaseState, Channel, DesignationCase, RecordView
from tests.conftest import PERSONA_SPECS, TUE_3_JUNE
from tests.factories import CustomerFactory, MatterFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = list(PERSONA_SPECS)


@pytest.fixture
def site(customer, adults, officer, service_manager, make_case, private_media):
    """A customer in `adults` with a matter, a contact with a letter, and a referred case."""
    matter = MatterFactory(customer=customer, directorate=adults, created_by=officer)
    contact = services.contact_log(
        actor=officer, customer=customer, directorate=adults, channel=Channel.LETTER,
        direction="inbound", occurred_at=TUE_3_JUNE, handled_by=officer,
        summary="Letter about the bins", matter=matter,
        files=[SimpleUploadedFile("letter.txt", b"Dear council", content_type="text/plain")],
    )
    case = make_case("referred", customer=customer)
    return {
        "customer": customer, "matter": matter, "case": case,
        "attachment": contact.attachments.get(),
    }


def url_for(name: str, site: dict) -> str:
    ref = site["customer"].reference
    return {
        "customer_detail": reverse("customers:detail", args=[ref]),
        "customer_edit": reverse("customers:edit", args=[ref]),
        "contact_create": reverse("customers:contact_create", args=[ref]),
        "matter_create": reverse("customers:matter_create", args=[ref]),
        "matter_edit": reverse("customers:matter_edit", args=[ref, site["matter"].reference]),
        "warning_create": reverse("customers:warning_create", args=[ref]),
        "refer": reverse("customers:refer", args=[ref]),
        "case_detail": reverse("cases:detail", args=[site["case"].reference]),
        "case_action": reverse(
            "cases:action", args=[site["case"].reference, "issue_formal_warning"]
        ),
        "attachment": reverse("cases:attachment", args=[site["attachment"].pk]),
    }[name]


URLS = [
    "customer_detail", "customer_edit", "contact_create", "matter_create", "matter_edit",
    "warning_create", "refer", "case_detail", "case_action", "attachment",
]


def expected_status(url: str, role: str) -> int:
    if role in ("lead", "admin"):
        return 403  # no casework role: refused before anything is looked up
    if url == "refer" and role not in ("officer", "outsider"):
        return 403  # only officers refer (the outsider is one, but cannot see the customer)
    if url == "case_action" and role == "officer":
        return 403  # officers refer but never act on a case: refused before the lookup
    if role in ("outsider", "reviewer"):
        # The reviewer is a senior manager of another directorate, with no challenge here.
        return 404
    if url == "case_action" and role != "service_manager":
        return 302  # not one of their buttons on a referred case: back to the case page
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", URLS)
def test_url_role_matrix(client, persona, site, url, role):
    client.force_login(persona(role))
    response = client.get(url_for(url, site))
    assert response.status_code == expected_status(url, role)
    if response.status_code in (403, 404):
        assert site["customer"].full_name.encode() not in response.content
    if response.status_code == 302:
        assert response.url == site["case"].get_absolute_url()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cases:precondition", {"precondition": "discussed", "met": "yes",
                                "confirmed_on": "2025-06-03", "note": "x"}),
        ("cases:alternative", {"alternative": "meeting", "outcome": "done", "reason": "x"}),
        ("cases:coordination", {}),
        ("cases:action", {"expected_state": "referred", "note": "No further action."}),
    ],
)
def test_outsider_gets_404_posting_to_a_case_and_nothing_changes(
    client, outsider, site, name, data
):
    case = site["case"]
    args = [case.reference, "close_referral"] if name == "cases:action" else [case.reference]
    client.force_login(outsider)
    response = client.post(reverse(name, args=args), data)
    assert response.status_code == 404
    fresh = DesignationCase.objects.get(pk=case.pk)
    assert fresh.state == CaseState.REFERRED
    assert not fresh.precondition_checks.exists() and not fresh.alternatives.exists()


def test_outsider_search_does_not_find_the_customer(client, outsider, site):
    client.force_login(outsider)
    for query in ("Morgan", site["customer"].reference, "morgan.he@example.org", "CA1 2BS"):
        response = client.get(reverse("customers:search"), {"q": query})
        assert response.status_code == 200
        assert list(response.context["results"]) == []
        assert b"Hartley-Evans" not in response.content


def test_officer_search_finds_the_customer(client, officer, site):
    client.force_login(officer)
    response = client.get(reverse("customers:search"), {"q": "hartley"})
    assert list(response.context["results"]) == [site["customer"]]
    assert b"Morgan Hartley-Evans" in response.content


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_roles_without_casework_get_403_on_customer_search(client, persona, site, role):
    client.force_login(persona(role))
    response = client.get(reverse("customers:search"), {"q": "Morgan"})
    assert response.status_code == 403
    assert b"Morgan" not in response.content


def test_directorate_lead_home_page_shows_counts_but_no_names(
    client, lead, make_case, senior_manager
):
    from cases.services import case_activate_if_ready

    designated = make_case("designated")
    referred = make_case("referred")
    in_force = make_case("designated")
    in_force.customer_notified_on = in_force.designated_on
    in_force.council_informed_at = in_force.decided_at
    in_force.save()
    in_force = case_activate_if_ready(actor=senior_manager, case=in_force)
    client.force_login(lead)
    response = client.get("/")
    assert response.status_code == 200
    [row] = response.context["panels"]["lead_counts"]
    assert (row["lead_directorate__name"], row["open"], row["designated"], row["active"]) == (
        "Adults", 1, 1, 1)
    for case in (designated, referred, in_force):
        assert case.customer.full_name.encode() not in response.content
        assert case.reference.encode() not in response.content


def test_service_manager_home_page_lists_cases_to_manage(client, service_manager, make_case):
    # In "Your next steps", with the step, once: no second table of the same cases.
    case = make_case("warned")
    client.force_login(service_manager)
    response = client.get("/")
    rows = response.context["panels"]["next_steps"]["rows"]
    assert [row.case.pk for row in rows] == [case.pk]
    assert response.content.decode().count(case.customer.full_name) == 1
    assert "to_manage" not in response.context["panels"]


def test_home_page_of_a_senior_manager_in_another_directorate_hides_the_case(
    client, outsider, make_case
):
    case = make_case("awaiting_decision")
    client.force_login(outsider)
    response = client.get("/")
    assert response.context["panels"]["next_steps"]["rows"] == []
    assert case.customer.full_name.encode() not in response.content


# --- selectors ----------------------------------------------------------------------------------


def test_customers_for_is_scoped_to_the_users_directorates(officer, outsider, adults, children):
    mine = CustomerFactory(directorates=[adults])
    theirs = CustomerFactory(directorates=[children])
    both = CustomerFactory(directorates=[adults, children])
    assert set(selectors.customers_for(officer)) == {mine, both}
    assert set(selectors.customers_for(outsider)) == {theirs, both}


def test_council_wide_staff_see_every_directorate(adults, children):
    from accounts.roles import Role

    wide = UserFactory(roles=[Role.OFFICER], directorates__council_wide=True)
    a = CustomerFactory(directorates=[adults])
    c = CustomerFactory(directorates=[children])
    assert set(selectors.customers_for(wide)) == {a, c}


def test_superuser_without_a_casework_role_sees_no_personal_data(customer):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    assert list(selectors.customers_for(root)) == []
    assert list(selectors.cases_for(root)) == []


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_roles_without_casework_see_no_customers_or_cases(persona, make_case, role):
    make_case("referred")
    user = persona(role)
    assert list(selectors.customers_for(user)) == []
    assert list(selectors.cases_for(user)) == []


def test_a_case_involving_a_directorate_is_visible_to_it(make_case, outsider, children,
                                                         service_manager):
    case = make_case("assessment")
    assert list(selectors.cases_for(outsider)) == []
    services.case_set_coordination(
        actor=service_manager, case=case, involved_directorates=[children], key_officer=None
    )
    assert list(selectors.cases_for(outsider)) == [case]
    assert selectors.get_case_for_user(outsider, case.reference) == case
    # and the customer, linked to the directorate by the coordination service
    assert selectors.get_customer_for_user(outsider, case.customer.reference) == case.customer


def test_get_case_for_user_is_a_404_outside_scope(make_case, outsider):
    from django.http import Http404

    case = make_case("referred")
    with pytest.raises(Http404):
        selectors.get_case_for_user(outsider, case.reference)
    with pytest.raises(Http404):
        selectors.get_customer_for_user(outsider, case.customer.reference)


def test_viewing_a_customer_or_case_is_logged(client, officer, site):
    client.force_login(officer)
    client.get(url_for("customer_detail", site))
    client.get(url_for("case_detail", site))
    views = list(RecordView.objects.order_by("id").values_list("user", "customer", "case", "path"))
    assert views == [
        (officer.pk, site["customer"].pk, None, url_for("customer_detail", site)),
        (officer.pk, site["customer"].pk, site["case"].pk, url_for("case_detail", site)),
    ]


def test_a_refused_view_is_not_logged_as_a_view(client, outsider, site):
    client.force_login(outsider)
    client.get(url_for("customer_detail", site))
    assert not RecordView.objects.exists()


# --- sign-in and CSRF -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/customers/", "/customers/new/"] + [f"<{name}>" for name in URLS]
    + ["<precondition>", "<alternative>", "<coordination>"],
)
def test_every_page_but_healthz_needs_sign_in(client, site, url):
    if url.startswith("<"):
        name = url[1:-1]
        if name in ("precondition", "alternative", "coordination"):
            url = reverse(f"cases:{name}", args=[site["case"].reference])
        else:
            url = url_for(name, site)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/sign-in/?next=")


def test_healthz_and_sign_in_need_no_sign_in(client, db):
    assert client.get("/healthz").status_code == 200
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_signing_in_with_the_right_password_lands_on_home(client, officer):
    from tests.factories import PASSWORD

    response = client.post("/sign-in/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").context["user"] == officer


def test_signing_in_with_the_wrong_password_is_refused(client, officer):
    response = client.post("/sign-in/", {"username": "olivia", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not response.context["user"].is_authenticated


def test_a_transition_without_a_csrf_token_is_refused(service_manager, site):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(service_manager)
    url = reverse("cases:action", args=[site["case"].reference, "close_referral"])
    data = {"expected_state": "referred", "note": "No further action."}

    response = csrf_client.post(url, data)
    assert response.status_code == 403
    assert DesignationCase.objects.get(pk=site["case"].pk).state == CaseState.REFERRED

    csrf_client.get(url)  # sets the CSRF cookie, as the browser would
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert DesignationCase.objects.get(pk=site["case"].pk).state == CaseState.CLOSED


def test_a_transition_cannot_be_taken_with_get(client, service_manager, site):
    client.force_login(service_manager)
    url = reverse("cases:action", args=[site["case"].reference, "close_referral"])
    response = client.get(url, {"expected_state": "referred", "note": "Via GET."})
    assert response.status_code == 200  # the form, unsubmitted
    assert DesignationCase.objects.get(pk=site["case"].pk).state == CaseState.REFERRED


@pytest.mark.parametrize("name", ["cases:precondition", "cases:alternative", "cases:coordination"])
def test_checklist_endpoints_are_post_only(client, service_manager, site, name):
    client.force_login(service_manager)
    response = client.get(reverse(name, args=[site["case"].reference]))
    assert response.status_code == 405


def test_unknown_action_is_404(client, service_manager, site):
    client.force_login(service_manager)
    response = client.get(reverse("cases:action", args=[site["case"].reference, "delete"]))
    assert response.status_code == 404


def test_matter_edit_is_scoped_to_the_customers_own_matters(client, officer, site, adults):
    other = MatterFactory(directorate=adults, created_by=officer)
    other.customer.directorates.add(adults)
    client.force_login(officer)
    url = reverse("customers:matter_edit", args=[site["customer"].reference, other.reference])
    assert client.get(url).status_code == 404
