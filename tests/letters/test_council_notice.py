"""Informing the council (section 2.2's last box): who is told, what they are sent, that
mail goes only after commit, and that the designation comes into force only when the
customer has their letter and the council has been informed, in either order."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from cases.models import CaseEvent, CaseState
from letters import rendering, services
from letters.models import CouncilNotice, CouncilNoticeRecipient, LetterKind, RecipientRole
from sanctions.models import Sanction
from tests.factories import DirectorateFactory, UserFactory
from ucp.errors import CaseChanged, NotAllowed, ServiceError

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 stand-in for the letter"


@pytest.fixture
def no_weasyprint(monkeypatch):
    """These tests are about mail and state, not layout: skip the half-second render."""
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: FAKE_PDF)


def inform(case, actor, staff, note="Log every call and check the banner first."):
    return services.case_inform_council(actor=actor, case=case, staff=staff, note=note)


def test_informing_the_council_records_recipients_and_the_chronology(
    designated, senior_manager, officer, service_manager, adults
):
    notice = inform(designated, senior_manager, [officer, service_manager])

    rows = {(r.role, r.name, r.email) for r in notice.recipients.all()}
    assert rows == {
        (RecipientRole.STAFF, "Olivia Officer", officer.email),
        (RecipientRole.STAFF, "Sam Servicemanager", service_manager.email),
        (RecipientRole.ASSISTANT_DIRECTOR, adults.assistant_director_name,
         adults.assistant_director_email),
        (RecipientRole.SERVICE_MANAGER, adults.service_manager_name,
         adults.service_manager_email),
    }
    designated.refresh_from_db()
    assert designated.council_informed_at == notice.sent_at
    event = CaseEvent.objects.get(case=designated, kind="council_informed")
    assert event.actor == senior_manager and event.at == notice.sent_at
    assert "Olivia Officer" in event.details and "Sam Servicemanager" in event.details
    assert adults.assistant_director_email in event.details
    assert adults.service_manager_email in event.details
    assert "Log every call" in event.details
    # The letter is still to come: not in force yet.
    assert designated.state == CaseState.DESIGNATED


def test_copies_go_to_the_lead_and_involved_directorates_managers(
    frozen, make_case, senior_manager, officer, adults
):
    housing = DirectorateFactory(name="Housing", short_name="housing")
    case = make_case("designated")
    case.involved_directorates.add(housing)
    notice = inform(case, senior_manager, [officer])
    copies = {r.email for r in notice.recipients.exclude(role=RecipientRole.STAFF)}
    assert copies == {
        adults.assistant_director_email, adults.service_manager_email,
        housing.assistant_director_email, housing.service_manager_email,
    }


def test_mail_goes_out_only_after_commit_with_the_letters_attached(
    designated, senior_manager, officer, adults, mailoutbox, django_capture_on_commit_callbacks,
    no_weasyprint,
):
    letter = services.letter_issue(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = inform(designated, senior_manager, [officer])
        assert mailoutbox == []  # nothing sent inside the transaction
    assert len(callbacks) == 1

    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {
        officer.email, adults.assistant_director_email, adults.service_manager_email
    }
    staff_mail = by_address[officer.email]
    assert staff_mail.attachments == []
    assert designated.reference in staff_mail.subject
    assert "Log every call" in staff_mail.body
    for manager in (adults.assistant_director_email, adults.service_manager_email):
        (name, content, mimetype), = by_address[manager].attachments
        assert (name, content, mimetype) == (letter.filename, FAKE_PDF, "application/pdf")
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert list(notice.letters.all()) == [letter]


def test_no_mail_and_no_record_when_the_transaction_rolls_back(
    designated, senior_manager, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            inform(designated, senior_manager, [officer])
            raise RuntimeError("something later in the same request failed")
    assert callbacks == []
    assert mailoutbox == []
    assert not CouncilNotice.objects.exists()
    assert not CouncilNoticeRecipient.objects.exists()
    designated.refresh_from_db()
    assert designated.council_informed_at is None


def test_sending_twice_sends_once(
    designated, senior_manager, officer, mailoutbox, django_capture_on_commit_callbacks
):
    from letters.tasks import send_council_notice

    with django_capture_on_commit_callbacks(execute=True):
        notice = inform(designated, senior_manager, [officer])
    sent = len(mailoutbox)
    assert sent == 3
    assert send_council_notice(notice.pk) == 0
    assert len(mailoutbox) == sent


@pytest.mark.parametrize("order", ["letter_first", "notice_first"])
def test_designation_comes_into_force_only_after_the_letter_and_the_notice(
    designated, senior_manager, officer, adults, order, mailoutbox,
    django_capture_on_commit_callbacks, no_weasyprint,
):
    def letter():
        services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated)

    def notice():
        inform(designated, senior_manager, [officer])

    first, second = (letter, notice) if order == "letter_first" else (notice, letter)
    on = designated.designated_on
    with django_capture_on_commit_callbacks(execute=True):
        first()
    designated.refresh_from_db()
    assert designated.state == CaseState.DESIGNATED
    assert not Sanction.objects.in_force(on).filter(case=designated).exists()

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second()
    designated.refresh_from_db()
    assert designated.state == CaseState.ACTIVE
    assert Sanction.objects.in_force(on).filter(case=designated).exists()
    activation = CaseEvent.objects.get(case=designated, kind="activate")
    assert (activation.from_state, activation.to_state) == ("designated", "active")
    if order == "notice_first":
        # The letter came after the council was informed: it is copied to the managers.
        assert {m.to[0] for m in mailoutbox} == {
            adults.assistant_director_email, adults.service_manager_email
        }
        assert all(m.attachments[0][1] == FAKE_PDF for m in mailoutbox)


def test_only_a_senior_manager_of_the_case_informs_the_council(
    designated, service_manager, outsider, officer
):
    for who in (service_manager, outsider):
        with pytest.raises(NotAllowed):
            inform(designated, who, [officer])
    assert not CouncilNotice.objects.exists()


def test_the_council_is_informed_only_after_a_designation(make_case, senior_manager, officer):
    case = make_case("awaiting_decision")
    with pytest.raises(CaseChanged):
        inform(case, senior_manager, [officer])


def test_staff_must_be_chosen_from_the_case_directorates(
    designated, senior_manager, outsider, officer
):
    with pytest.raises(ServiceError, match="Choose the members of staff"):
        inform(designated, senior_manager, [])
    with pytest.raises(ServiceError) as exc:
        inform(designated, senior_manager, [officer, outsider])
    assert exc.value.reasons == ["Oscar Outsider cannot be chosen"]
    no_email = UserFactory(email="", directorates=[designated.lead_directorate])
    with pytest.raises(ServiceError):
        inform(designated, senior_manager, [no_email])
    assert not CouncilNotice.objects.exists()


def test_directorate_leads_are_never_offered_as_staff_to_inform(
    designated, senior_manager, officer, lead, login
):
    assert services.staff_who_may_be_informed(designated).filter(pk=lead.pk).exists() is False
    page = login(senior_manager).get(
        reverse("letters:inform_council", args=[designated.reference])
    ).content.decode()
    assert officer.get_full_name() in page
    assert lead.get_full_name() not in page


def test_directorate_leads_are_never_offered_as_having_handled_a_contact(
    designated, officer, lead, login
):
    page = login(officer).get(
        reverse("customers:contact_create", args=[designated.customer.reference])
    ).content.decode()
    assert officer.get_full_name() in page
    assert lead.get_full_name() not in page
