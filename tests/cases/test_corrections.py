"""Corrections (rectification) and the customer's dispute statements: the original kept and
shown struck through, who may correct what, the chronology of the cases that relied on the
record, and bad input answered on the form."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases import selectors, services
from cases.choices import Channel, EventKind, WarningMethod
from cases.models import CaseEvent, Contact, Correction, DisputeStatement
from tests.factories import MatterFactory, UserFactory, some_indicators
from ucp.errors import NotAllowed, ServiceError

pytestmark = pytest.mark.django_db

ORIGINAL = "Rang about the bins and shouted at Jenny."
CORRECTED = "Rang about the bins and raised his voice at Jenny."
REASON = "The call recording shows he raised his voice; nobody was shouted at."


def text(response) -> str:
    return html.unescape(response.content.decode())


def log_contact(actor, customer, directorate, summary: str = ORIGINAL) -> Contact:
    return services.contact_log(
        actor=actor, customer=customer, directorate=directorate, channel=Channel.PHONE,
        direction="inbound", occurred_at=timezone.now() - dt.timedelta(hours=2),
        duration_minutes=10, handled_by=actor, summary=summary,
    )


@pytest.fixture
def contact(officer, customer, adults) -> Contact:
    return log_contact(officer, customer, adults)


# --- the original is kept ---------------------------------------------------------------------


def test_correcting_a_contact_keeps_the_original_in_its_history_and_the_correction(
    officer, contact
):
    services.contact_correct(actor=officer, contact=contact, reason=REASON, summary=CORRECTED)

    contact.refresh_from_db()
    assert contact.summary == CORRECTED
    correction = Correction.objects.get(contact=contact)
    assert (correction.field, correction.old_value, correction.new_value) == (
        "summary", ORIGINAL, CORRECTED
    )
    assert correction.reason == REASON and correction.corrected_by == officer
    latest, before = contact.history.order_by("-history_id")[:2]
    assert latest.history_change_reason.startswith("Correction: The call recording")
    assert before.summary == ORIGINAL


def test_customer_page_shows_the_original_struck_through_with_who_when_and_why(
    login, officer, customer, contact
):
    client = login(officer)
    url = reverse("customers:contact_correct", args=[customer.reference, contact.pk])
    response = client.post(url, {"direction": "inbound", "summary": CORRECTED, "reason": REASON})
    assert response.status_code == 302

    page = text(client.get(customer.get_absolute_url()))
    assert (
        f'<del><span class="govuk-visually-hidden">Corrected from: </span>{ORIGINAL}</del>'
        in page
    )
    assert "Corrected by Olivia Officer on" in page
    assert f"Reason: {REASON}" in page
    assert CORRECTED in page


def test_correcting_indicators_records_which_were_ticked(officer, customer, adults):
    first, second = some_indicators(2)
    contact = log_contact(officer, customer, adults)
    contact.indicators.set([first])

    services.contact_correct(
        actor=officer, contact=contact, reason=REASON, indicators=[second]
    )

    assert list(contact.indicators.all()) == [second]
    correction = Correction.objects.get(contact=contact, field="indicators")
    assert (correction.old_value, correction.new_value) == (first.text, second.text)


def test_a_correction_that_changes_nothing_is_refused_and_keeps_what_was_typed(
    login, officer, customer, contact
):
    url = reverse("customers:contact_correct", args=[customer.reference, contact.pk])
    response = login(officer).post(
        url, {"direction": "inbound", "summary": ORIGINAL, "reason": REASON}
    )
    assert response.status_code == 422
    assert "Nothing was changed" in text(response)
    assert REASON in text(response)
    assert not Correction.objects.exists()


def test_a_correction_needs_a_reason(login, officer, customer, contact):
    url = reverse("customers:contact_correct", args=[customer.reference, contact.pk])
    response = login(officer).post(url, {"direction": "inbound", "summary": CORRECTED})
    assert response.status_code == 422
    assert "Enter why you are correcting the record" in text(response)
    assert CORRECTED in text(response)
    with pytest.raises(ServiceError):
        services.contact_correct(actor=officer, contact=contact, reason="  ", summary="x")
    contact.refresh_from_db()
    assert contact.summary == ORIGINAL


def test_customer_details_are_corrected_as_stored_and_the_old_ones_kept(
    login, officer, customer
):
    url = reverse("customers:correct", args=[customer.reference])
    response = login(officer).post(url, {
        "full_name": "Morgan Hartley-Evens", "address": customer.address,
        "postcode": "ca1 2bs", "email": customer.email, "phone": "01228 606060",
        "reason": "The name was misspelt when the first letter came in.",
    })
    assert response.status_code == 302
    # Only the name changed: the postcode and phone typed differently are the same values.
    assert list(Correction.objects.values_list("field", "old_value", "new_value")) == [
        ("full_name", "Morgan Hartley-Evans", "Morgan Hartley-Evens")
    ]
    page = text(login(officer).get(customer.get_absolute_url()))
    assert "Corrected from: </span>Morgan Hartley-Evans</del>" in page


def test_a_matter_is_corrected_with_its_original_shown(login, officer, customer, adults):
    matter = MatterFactory(customer=customer, directorate=adults, created_by=officer,
                           summary="Complaint about parking")
    url = reverse("customers:matter_correct", args=[customer.reference, matter.reference])
    response = login(officer).post(url, {
        "kind": matter.kind, "summary": "Complaint about a parking fine",
        "details": matter.details, "received_on": matter.received_on.isoformat(),
        "reason": "It was about a fine, not the parking itself.",
    })
    assert response.status_code == 302
    page = text(login(officer).get(customer.get_absolute_url()))
    assert "Corrected from: </span>Complaint about parking</del>" in page


# --- who may correct -------------------------------------------------------------------------


def test_staff_of_another_directorate_cannot_see_the_correction_pages(
    login, outsider, customer, contact
):
    client = login(outsider)
    for url in (
        reverse("customers:contact_correct", args=[customer.reference, contact.pk]),
        reverse("customers:contact_dispute", args=[customer.reference, contact.pk]),
        reverse("customers:correct", args=[customer.reference]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"summary": "x", "reason": "y"}).status_code == 404
    contact.refresh_from_db()
    assert contact.summary == ORIGINAL


def test_a_directorate_sharing_the_customer_cannot_correct_another_directorates_contact(
    login, outsider, customer, children, contact
):
    customer.directorates.add(children)
    url = reverse("customers:contact_correct", args=[customer.reference, contact.pk])
    client = login(outsider)
    assert client.get(url).status_code == 403
    assert client.post(url, {"summary": CORRECTED, "reason": REASON}).status_code == 403
    # Not offered on the page either, though the contact is shown.
    page = text(client.get(customer.get_absolute_url()))
    assert ORIGINAL in page and "Correct this contact" not in page
    with pytest.raises(NotAllowed):
        services.contact_correct(actor=outsider, contact=contact, reason=REASON,
                                 summary=CORRECTED)


def test_a_contact_of_another_customer_is_not_found_under_this_one(
    login, officer, customer, adults
):
    other = services.customer_create(actor=officer, directorate=adults, full_name="Other One")
    theirs = log_contact(officer, other, adults)
    url = reverse("customers:contact_correct", args=[customer.reference, theirs.pk])
    assert login(officer).get(url).status_code == 404


def test_only_managers_correct_a_formal_warning(login, officer, service_manager, make_case):
    case = make_case("warned")
    warning = case.formal_warning
    url = reverse("customers:warning_correct", args=[case.customer.reference, warning.pk])
    assert login(officer).get(url).status_code == 403
    assert login(service_manager).get(url).status_code == 200


# --- the chronology of the cases that relied on it ---------------------------------------------


def test_correcting_a_contact_a_case_relied_on_is_noted_in_its_chronology(
    officer, customer, adults, contact
):
    other = log_contact(officer, customer, adults, summary="A polite email about bins.")
    case, _ = services.case_refer(
        actor=officer, customer=customer, directorate=adults, reason="Calls every day.",
        indicators=some_indicators(1), evidence_contacts=[contact],
    )

    services.contact_correct(actor=officer, contact=contact, reason=REASON, summary=CORRECTED)
    services.contact_correct(
        actor=officer, contact=other, reason="Typo in the summary.",
        summary="A polite email about the bins.",
    )

    events = CaseEvent.objects.filter(case=case, kind=EventKind.RECORD_CORRECTED)
    assert events.count() == 1  # the contact that is not evidence is not the case's
    event = events.get()
    assert ORIGINAL in event.details and CORRECTED in event.details and REASON in event.details
    assert event.actor == officer


def test_correcting_the_formal_warning_is_noted_in_the_chronology(service_manager, make_case):
    case = make_case("warned")
    services.warning_correct(
        actor=service_manager, warning=case.formal_warning, reason="It went by email.",
        method=WarningMethod.EMAIL,
    )
    event = CaseEvent.objects.get(case=case, kind=EventKind.RECORD_CORRECTED)
    assert "was “By letter”, now “By email”" in event.details


# --- dispute statements ----------------------------------------------------------------------


STATEMENT = "I never shouted. I asked to speak to a manager, which I am entitled to do."


def test_a_dispute_is_shown_on_the_customer_page_and_the_case_page_and_in_the_chronology(
    login, officer, service_manager, customer, adults, contact
):
    case, _ = services.case_refer(
        actor=officer, customer=customer, directorate=adults, reason="Calls every day.",
        indicators=some_indicators(1), evidence_contacts=[contact],
    )
    url = reverse("customers:contact_dispute", args=[customer.reference, contact.pk])
    response = login(officer).post(
        url, {"statement": STATEMENT, "received_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302

    dispute = DisputeStatement.objects.get()
    assert dispute.record == contact and dispute.recorded_by == officer
    assert list(selectors.disputes_for_customer(customer)) == [dispute]
    assert list(selectors.disputes_for(contact)) == [dispute]
    assert "The customer disputes this record." in text(
        login(officer).get(customer.get_absolute_url())
    )
    # The case's evidence tab shows the contact with the dispute.
    case_page = text(login(service_manager).get(
        reverse("cases:evidence", args=[case.reference])))
    assert STATEMENT in case_page and "The customer disputes this record." in case_page
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DISPUTE_RECORDED).exists()
    # The contact itself is unchanged: a dispute is not a correction.
    contact.refresh_from_db()
    assert contact.summary == ORIGINAL


def test_a_dispute_of_the_customers_details_is_kept_apart_from_their_records(
    officer, customer, contact
):
    services.dispute_record(actor=officer, record=customer, statement=STATEMENT,
                            received_on=timezone.localdate())
    services.dispute_record(actor=officer, record=contact, statement="Not that day.",
                            received_on=timezone.localdate())
    assert [d.statement for d in selectors.disputes_for(customer)] == [STATEMENT]
    assert len(selectors.disputes_for_customer(customer)) == 2


# --- bad input --------------------------------------------------------------------------------

HOSTILE = [
    {},
    {"statement": "", "received_on": "31/02/2025", "reason": "", "summary": ""},
    {"received_on": "1899-01-01", "given_on": "3000-01-01", "statement": "x" * 30_000,
     "summary": "x" * 30_000, "reason": "x" * 6_000, "direction": "sideways",
     "method": "pigeon", "kind": "nonsense", "indicators": ["abc", "99999"],
     "behaviours": ["-1"], "postcode": "NOT A POSTCODE", "phone": "12", "email": "nope"},
]


@pytest.mark.parametrize("data", HOSTILE)
def test_bad_input_on_every_correction_and_dispute_page_is_a_form_error(
    login, service_manager, make_case, data
):
    case = make_case("warned")
    customer = case.customer
    contact = log_contact(service_manager, customer, case.lead_directorate)
    matter = MatterFactory(customer=customer, directorate=case.lead_directorate,
                           created_by=service_manager)
    client = login(service_manager)
    urls = [reverse(f"customers:{name}", args=[customer.reference]) for name in
            ("correct", "dispute")]
    for name, key in (("contact", contact.pk), ("warning", case.formal_warning.pk),
                      ("matter", matter.reference)):
        for action in ("correct", "dispute"):
            urls.append(reverse(f"customers:{name}_{action}", args=[customer.reference, key]))
    for url in urls:
        response = client.post(url, data)
        assert response.status_code == 422, (url, response.status_code)
        assert "There is a problem" in text(response), url
    assert not Correction.objects.exists() and not DisputeStatement.objects.exists()


def test_a_role_that_records_nothing_cannot_correct_what_it_may_read(
    login, customer, adults, contact
):
    reader = UserFactory(roles=[Role.INDEPENDENT_REVIEWER], directorates=[adults])
    client = login(reader)
    assert ORIGINAL in text(client.get(customer.get_absolute_url()))
    url = reverse("customers:contact_correct", args=[customer.reference, contact.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("customers:dispute", args=[customer.reference])).status_code == 403


def test_a_dispute_needs_its_statement_and_the_date_it_came(officer, contact):
    with pytest.raises(ServiceError, match="Enter the date"):
        services.dispute_record(actor=officer, record=contact, statement=STATEMENT,
                                received_on=None)
    with pytest.raises(ServiceError, match="Enter the customer's statement"):
        services.dispute_record(actor=officer, record=contact, statement=" ",
                                received_on=timezone.localdate())
    assert not DisputeStatement.objects.exists()
