"""Who may download a letter: the letter's own case decides, or, for a letter confirming an
informal warning (which has no case), its customer; whichever URL it is asked for under.

The bug this reproduces (issue 10): `/cases/customer/<ref>/letters/<n>/pdf/` looked the
letter up among the customer's letters, so anyone who could see the customer downloaded
the designation letter of a case they could not open.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import WarningMethod
from letters import selectors
from letters import services as letter_services
from letters.models import LetterKind
from tests.factories import CustomerFactory, some_indicators

pytestmark = pytest.mark.django_db


@pytest.fixture
def designation_letter(designated, senior_manager):
    return letter_services.letter_issue(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )


@pytest.fixture
def shared_customer(adults, children):
    """A customer both directorates deal with; the case about them is Adults' alone."""
    return CustomerFactory(full_name="Jordan Shared", directorates=[adults, children])


@pytest.fixture
def shared_case(frozen, make_case, shared_customer):
    return make_case("designated", customer=shared_customer)


@pytest.fixture
def informal_letter(shared_customer, children, outsider):
    """A Children officer's informal warning to the shared customer, with its letter."""
    warning = case_services.warning_give_informal(
        actor=outsider, customer=shared_customer, directorate=children,
        method=WarningMethod.IN_PERSON, given_on=timezone.localdate(),
        behaviours=some_indicators(1),
        summary="Asked to keep calls to the point.",
    )
    return letter_services.letter_issue(
        actor=outsider, kind=LetterKind.INFORMAL_WARNING, warning=warning
    )


def _customer_pdf(letter) -> str:
    return reverse("letters:customer_pdf", args=[letter.customer.reference, letter.pk])


def test_another_directorate_cannot_download_a_designation_letter_by_its_customer_url(
    designated, designation_letter, outsider, shared_customer, login
):
    """officer2's 404 for an Adults case, and then the letter through the customer URL."""
    client = login(outsider)
    assert client.get(designated.get_absolute_url()).status_code == 404
    assert client.get(_customer_pdf(designation_letter)).status_code == 404


def test_a_shared_customers_other_directorate_cannot_download_their_case_letter(
    shared_case, senior_manager, outsider, login
):
    """Children see the shared customer's page, but not the case Adults lead, nor its letter:
    not by the customer's URL, nor by the case's."""
    letter = letter_services.letter_issue(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=shared_case
    )
    client = login(outsider)
    assert client.get(shared_case.customer.get_absolute_url()).status_code == 200
    assert client.get(shared_case.get_absolute_url()).status_code == 404
    assert client.get(_customer_pdf(letter)).status_code == 404
    pdf = reverse("letters:pdf", args=[shared_case.reference, letter.pk])
    assert client.get(pdf).status_code == 404


def test_the_leading_directorate_downloads_the_case_letter_by_either_url(
    designated, designation_letter, officer, login
):
    client = login(officer)
    response = client.get(_customer_pdf(designation_letter))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_an_informal_warning_letter_follows_its_customer(
    informal_letter, officer, outsider, reviewer, login
):
    """No case: whoever may see the customer (here both directorates) may download it."""
    for user in (officer, outsider):
        assert login(user).get(_customer_pdf(informal_letter)).status_code == 200
    assert login(reviewer).get(_customer_pdf(informal_letter)).status_code == 404


def test_a_letter_asked_for_under_another_customer_is_404(
    designated, designation_letter, officer, customer, adults, login
):
    other = CustomerFactory(directorates=[adults])
    url = reverse("letters:customer_pdf", args=[other.reference, designation_letter.pk])
    assert login(officer).get(url).status_code == 404


def test_get_letter_for_user_decides_by_the_letters_own_case(
    designated, designation_letter, officer, outsider
):
    assert selectors.get_letter_for_user(officer, designation_letter.pk) == designation_letter
    assert designation_letter not in selectors.letters_for(outsider)
