"""The indicator picker: one compact widget on the five forms that ask for section 2.1's
indicators, grouped in GOV.UK details with a filter box added by a script file; and the
indicators already noted on the customer's contacts shown, and pre-selected where it makes
sense, on the referral, the warnings and the decision."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse

from cases.models import Indicator, IndicatorGroup
from tests.conftest import TUE_3_JUNE
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def details_blocks(page: str) -> list[str]:
    return re.findall(r'<details class="govuk-details ucp-choice-filter__group".*?</details>',
                      page, flags=re.S)


def checked(page: str, name: str) -> set[int]:
    return {int(v) for v in re.findall(
        rf'<input[^>]*name="{name}" value="(\d+)"[^>]*\bchecked\b', page)}


def by_group(group: str) -> list[Indicator]:
    return list(Indicator.objects.filter(group=group, active=True).order_by("order", "id"))


@pytest.fixture
def pages(make_case, customer, adults, officer, service_manager, senior_manager):
    """(user, url, field name) for each of the five forms."""
    referred = make_case("referred", directorate=adults, officer=officer,
                         service_manager=service_manager, senior_manager=senior_manager)
    deciding = make_case("awaiting_decision", directorate=adults, officer=officer,
                         service_manager=service_manager, senior_manager=senior_manager)
    ref = customer.reference
    return {
        "contact": (officer, reverse("customers:contact_create", args=[ref]), "indicators"),
        "referral": (officer, reverse("customers:refer", args=[ref]), "indicators"),
        "informal warning": (officer, reverse("customers:warning_create", args=[ref]),
                             "behaviours"),
        "formal warning": (service_manager, reverse(
            "cases:action", args=[referred.reference, "issue_formal_warning"]), "behaviours"),
        "decision": (senior_manager, reverse(
            "cases:action", args=[deciding.reference, "designate"]), "indicators"),
    }


@pytest.mark.parametrize(
    "form", ["contact", "referral", "informal warning", "formal warning", "decision"]
)
def test_every_indicator_form_uses_the_one_compact_picker(login, pages, form):
    user, url, name = pages[form]
    page = page_text(login(user).get(url))
    groups = details_blocks(page)
    assert [re.search(r'summary-text">([^<]+)<', g).group(1) for g in groups] == [
        label for _value, label in IndicatorGroup.choices
    ]
    active = Indicator.objects.filter(active=True).count()
    inside = sum(len(re.findall(rf'name="{name}"', g)) for g in groups)
    assert inside == active == 26
    # Every box is in a group's details: none is left in one long list outside them.
    assert len(re.findall(rf'<input[^>]*name="{name}"', page)) == active
    assert 'data-module="ucp-choice-filter"' in page
    assert 'data-filter-label="Filter the indicators"' in page


def test_groups_start_closed_and_open_when_they_hold_a_ticked_box(
    login, officer, customer, adults, frozen
):
    bullying = by_group(IndicatorGroup.BEHAVIOUR)[1]
    response = login(officer).post(
        reverse("customers:contact_create", args=[customer.reference]),
        {"directorate": adults.pk, "channel": "phone", "direction": "inbound",
         "occurred_at": "2025-06-03T09:00", "duration_minutes": "", "handled_by": officer.pk,
         "recipients": "1", "summary": "Shouted at the receptionist.",
         "indicators": [bullying.pk]},
    )
    assert response.status_code == 200  # no duration: the form comes back
    persistence, behaviour, action = details_blocks(page_text(response))
    assert " open>" not in persistence.split("\n")[0] and " open>" not in action.split("\n")[0]
    assert behaviour.split("\n")[0].endswith(" open>")
    assert "(1 of 2 selected)" in behaviour
    assert "(0 of 5 selected)" in persistence
    assert checked(page_text(response), "indicators") == {bullying.pk}


def test_an_error_on_the_indicators_opens_every_group_so_the_summary_link_lands(
    login, officer, customer, adults
):
    response = login(officer).post(
        reverse("customers:refer", args=[customer.reference]),
        {"directorate": adults.pk, "reason": "Daily calls."},
    )
    page = page_text(response)
    assert "Choose at least one indicator you have seen" in page
    groups = details_blocks(page)
    assert len(groups) == 3
    assert all(g.split("\n")[0].endswith(" open>") for g in groups)
    first = by_group(IndicatorGroup.PERSISTENCE)[0]
    target = re.search(r'<a href="#([^"]+)">Choose at least one indicator', page).group(1)
    assert re.search(rf'id="{target}"[^>]*value="{first.pk}"|value="{first.pk}"[^>]*id="{target}"',
                     page)


def seen_on_contacts(customer, adults, officer):
    """Persistence's first indicator noted twice this spring, the second only 14 months ago."""
    first, second = by_group(IndicatorGroup.PERSISTENCE)[:2]
    for day in (12, 20):
        ContactFactory(customer=customer, directorate=adults, handled_by=officer,
                       indicators=[first],
                       occurred_at=dt.datetime(2025, 5, day, 10, 0, tzinfo=LONDON))
    ContactFactory(customer=customer, directorate=adults, handled_by=officer, indicators=[second],
                   occurred_at=dt.datetime(2024, 4, 2, 10, 0, tzinfo=LONDON))
    return first, second


def test_the_referral_preselects_what_was_noted_in_the_last_12_months_and_says_why(
    login, officer, customer, adults, frozen
):
    first, second = seen_on_contacts(customer, adults, officer)
    page = page_text(login(officer).get(reverse("customers:refer", args=[customer.reference])))
    assert checked(page, "indicators") == {first.pk}
    assert ("Pre-selected: the 1 indicator noted on this customer's contacts in the last 12 "
            "months (since 3 June 2024)") in page
    assert "Noted on 2 of this customer's contacts, most recently on 20 May 2025" in page
    assert "Noted on 1 of this customer's contacts, most recently on 2 April 2024" in page
    # The note is read with its checkbox.
    assert re.search(rf'value="{first.pk}"[^>]*aria-describedby="([^"]+)-note"', page)
    persistence = details_blocks(page)[0]
    assert persistence.split("\n")[0].endswith(" open>")
    assert "(1 of 5 selected)" in persistence


def test_what_the_user_unticked_stays_unticked_after_an_error(
    login, officer, customer, adults, frozen
):
    first, second = seen_on_contacts(customer, adults, officer)
    response = login(officer).post(
        reverse("customers:refer", args=[customer.reference]),
        {"directorate": adults.pk, "reason": "", "indicators": [second.pk]},
    )
    assert "Enter why you are referring this customer" in page_text(response)
    assert checked(page_text(response), "indicators") == {second.pk}


def test_the_informal_warning_shows_what_was_noted_but_ticks_nothing(
    login, officer, customer, adults, frozen
):
    seen_on_contacts(customer, adults, officer)
    page = page_text(login(officer).get(
        reverse("customers:warning_create", args=[customer.reference])))
    assert checked(page, "behaviours") == set()
    assert "None is pre-selected: tick what you warned the customer about." in page
    assert "Noted on 2 of this customer's contacts" in page


@pytest.mark.parametrize(("state", "action", "name"), [
    ("referred", "issue_formal_warning", "behaviours"),
    ("awaiting_decision", "designate", "indicators"),
])
def test_the_formal_warning_and_the_decision_preselect_the_referrals_indicators(
    login, persona, make_case, customer, adults, officer, frozen, state, action, name
):
    first, second = seen_on_contacts(customer, adults, officer)
    referred = by_group(IndicatorGroup.ACTION)[:2]
    case = make_case(state, customer=customer, directorate=adults, officer=officer,
                     indicators=referred)
    user = persona("service_manager" if action == "issue_formal_warning" else "senior_manager")
    response = login(user).get(reverse("cases:action", args=[case.reference, action]))
    assert response.status_code == 200, response.status_code
    page = page_text(response)
    assert checked(page, name) == {i.pk for i in referred}
    assert "Pre-selected: the 2 indicators the referral named." in page
    assert "Noted on 2 of this customer's contacts, most recently on 20 May 2025" in page
    persistence, _behaviour, action_group = details_blocks(page)
    assert "(2 of 19 selected)" in action_group
    assert persistence.split("\n")[0].endswith(" open>")  # noted, though not ticked


def test_the_filter_is_a_script_file_with_nothing_inline():
    """CSP-friendly: the enhancement is frontend/ucp.js, built to ucp/ucp.js and loaded by
    base.html; the picker's template has no script of its own."""
    template = (ROOT / "templates/govuk/_collapsible_choices.html").read_text()
    assert "<script" not in template
    assert "ucp-choice-filter" in (ROOT / "frontend/ucp.js").read_text()
    assert '"frontend", "ucp.js"' in (ROOT / "frontend/build.mjs").read_text()
    assert "<script type=\"module\" src=\"{% static 'ucp/ucp.js' %}\"" in (
        ROOT / "templates/base.html").read_text()
