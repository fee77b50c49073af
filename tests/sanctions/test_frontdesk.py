"""The front-desk check page, and the restriction banner on every page about a restricted
customer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from cases.models import Channel, Contact, RecordView
from sanctions.models import SanctionKind
from tests.factories import CustomerFactory, MatterFactory, UserFactory
from tests.sanctions import restrictions
from tests.sanctions.restrictions import add_sanction, london

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case

pytestmark = pytest.mark.django_db

FRONT_DESK = "/front-desk/"
BANNER = "Contact restrictions in force"


@pytest.fixture
def jo(adults):
    return UserFactory(first_name="Jo", last_name="Smith", directorates=[adults],
                       roles=[Role.OFFICER])


@pytest.fixture
def phone_rules(restricted_case, jo, time_machine):
    """Tuesday mornings, one call a week, 15 minutes, only with Jo Smith. Now is Tuesday
    3 June 2025, 10:00."""
    time_machine.move_to(london(2025, 6, 3, 10, 0), tick=False)
    add_sanction(restricted_case, SanctionKind.CALL_LIMIT, calls_per_week=1,
                 call_weekdays="1", call_period="morning")
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    add_sanction(restricted_case, SanctionKind.NAMED_OFFICER, named_officer=jo)
    return restricted_case


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def desk(client, **params):
    return client.get(FRONT_DESK, params)


# --- access ------------------------------------------------------------------------------------


def test_front_desk_needs_a_sign_in(client):
    response = client.get(FRONT_DESK)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_front_desk_is_refused_to_roles_without_casework(login, persona, role):
    assert login(persona(role)).get(FRONT_DESK).status_code == 403


def test_front_desk_is_linked_from_the_header_for_casework_roles(login, officer, lead):
    assert 'href="/front-desk/"' in page(login(officer).get("/"))
    assert 'href="/front-desk/"' not in page(login(lead).get("/"))


def test_a_customer_of_another_directorate_is_not_found(login, outsider, customer):
    client = login(outsider)
    assert client.get(FRONT_DESK, {"customer": customer.reference}).status_code == 404
    assert customer.full_name not in page(desk(client, q="Hartley"))


# --- finding a customer fast --------------------------------------------------------------------


def test_a_single_match_goes_straight_to_the_customer(login, officer, customer):
    response = desk(login(officer), q="hartley-evans")
    assert response.status_code == 302
    assert response["Location"] == f"{FRONT_DESK}?customer={customer.reference}"


def test_several_matches_are_listed_with_whether_they_are_restricted(
    login, officer, phone_rules, adults
):
    restricted = phone_rules.customer
    restricted.full_name = "Alex Pennington"
    restricted.save()
    CustomerFactory(full_name="Sam Pennington", directorates=[adults])
    html = page(desk(login(officer), q="Pennington"))
    assert "2 customers found" in html
    assert "Alex Pennington" in html and "Sam Pennington" in html
    assert html.count("govuk-tag--red") == 1


# --- what staff may do today ---------------------------------------------------------------------


def test_an_unrestricted_customer_shows_no_contact_restrictions(login, officer, customer):
    html = page(desk(login(officer), customer=customer.reference))
    assert "No contact restrictions" in html
    assert BANNER not in html
    assert RecordView.objects.filter(user=officer, customer=customer).exists()


def test_a_restricted_customer_shows_the_banner_in_plain_english(login, officer, phone_rules):
    html = page(desk(login(officer), customer=phone_rules.customer.reference))
    assert BANNER in html
    assert "No contact restrictions" not in html
    assert ("Phone: Tuesday mornings only, at most one call a week, at most 15 minutes, "
            "only with Jo Smith") in html
    assert "Until 31 December 2025." in html


def test_the_front_desk_says_what_is_allowed_right_now(login, officer, phone_rules,
                                                         time_machine):
    client = login(officer)
    html = page(desk(client, customer=phone_rules.customer.reference))
    assert "Right now, Tuesday 10:00" in html
    assert html.count("Allowed</strong>") == 4
    time_machine.move_to(london(2025, 6, 3, 14, 0), tick=False)
    client = login(officer)  # four idle hours later the first session has timed out
    html = page(desk(client, customer=phone_rules.customer.reference))
    assert ("Not now</strong> Calls are taken in the morning only (before 12 noon), "
            "not at 14:00.") in html
    assert html.count("Allowed</strong>") == 3


def test_a_designation_not_yet_in_force_shows_no_restrictions(
    login, officer, designated_case, time_machine
):
    add_sanction(designated_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    time_machine.move_to(london(2025, 6, 3, 10, 0), tick=False)
    html = page(desk(login(officer), customer=designated_case.customer.reference))
    assert "No contact restrictions" in html


# --- checking a particular contact saves nothing -------------------------------------------------


def check(client, case, **data):
    return client.get(FRONT_DESK, {"customer": case.customer.reference, "check": "1", **data})


def test_checking_a_call_outside_the_restrictions_lists_each_breach(
    login, officer, phone_rules
):
    before = Contact.objects.count()
    html = page(check(login(officer), phone_rules, channel=Channel.PHONE,
                      at="2025-06-03T14:00", duration_minutes="20", officer=officer.pk))
    assert "Outside the restrictions" in html
    assert "not at 14:00" in html
    assert "limited to 15 minutes, not 20" in html
    assert "Only Jo Smith may deal with this customer." in html
    assert Contact.objects.count() == before


def test_checking_a_call_within_the_restrictions_says_so(login, officer, phone_rules, jo):
    html = page(check(login(officer), phone_rules, channel=Channel.PHONE,
                      at="2025-06-03T09:30", duration_minutes="15", officer=jo.pk))
    assert "Within the restrictions" in html
    assert "Outside the restrictions" not in html


def test_checking_a_refused_matter_tells_staff_to_file_it(login, officer, restricted_case,
                                                          time_machine):
    time_machine.move_to(london(2025, 6, 3, 10, 0), tick=False)
    refused = MatterFactory(customer=restricted_case.customer,
                            directorate=restricted_case.lead_directorate, created_by=officer)
    add_sanction(restricted_case, SanctionKind.REFUSE_COMPLAINTS, matters=[refused])
    html = page(check(login(officer), restricted_case, channel=Channel.EMAIL,
                      at="2025-06-03T09:30", matter=refused.pk))
    assert f"Further complaints about {refused.reference} are not processed" in html


def test_a_bad_check_shows_errors_not_a_crash(login, officer, phone_rules):
    html = page(check(login(officer), phone_rules, channel="carrier-pigeon",
                      at="31/02/2025 25:00", duration_minutes="-3"))
    assert "There is a problem" in html
    assert "Select a valid choice" in html
    assert "Enter a real date and time" in html


def test_a_check_years_away_is_refused(login, officer, phone_rules):
    html = page(check(login(officer), phone_rules, channel=Channel.PHONE, at="2099-01-01T10:00"))
    assert "Enter a date within a year of today" in html


# --- the banner on every page about a restricted customer ----------------------------------------


@pytest.mark.parametrize(
    "url_name",
    ["customers:detail", "customers:contact_create", "customers:matter_create",
     "customers:warning_create", "customers:refer", "customers:edit"],
)
def test_every_customer_page_shows_the_banner(login, officer, phone_rules, url_name):
    html = page(login(officer).get(reverse(url_name, args=[phone_rules.customer.reference])))
    assert BANNER in html
    assert "Phone: Tuesday mornings only" in html


def test_the_case_page_shows_the_banner(login, senior_manager, phone_rules):
    html = page(login(senior_manager).get(phone_rules.get_absolute_url()))
    assert BANNER in html


def test_an_unrestricted_customer_page_has_no_banner(login, officer, customer):
    assert BANNER not in page(login(officer).get(customer.get_absolute_url()))


def test_adding_a_customer_shows_no_banner(login, officer):
    assert BANNER not in page(login(officer).get(reverse("customers:create")))
