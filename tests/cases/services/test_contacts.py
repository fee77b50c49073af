"""Contacts (cases.services.contacts)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import (
    CaseEvent,
    Channel,
    Contact,
    ContactAttachment,
)
from tests.conftest import TUE_3_JUNE
from tests.factories import (
    MatterFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_contact_log_records_everything_and_writes_to_the_open_case(
    make_case, officer, adults, indicators
):
    case = make_case("warned")
    contact = services.contact_log(
        actor=officer,
        customer=case.customer,
        directorate=adults,
        channel=Channel.PHONE,
        direction="inbound",
        occurred_at=TUE_3_JUNE,
        duration_minutes=40,
        handled_by=officer,
        summary="Shouted for forty minutes.",
        indicators=indicators[:2],
    )
    assert contact.logged_by == officer
    assert list(contact.indicators.order_by("id")) == indicators[:2]
    event = CaseEvent.objects.filter(case=case, kind="contact_logged").get()
    assert event.summary == "Telephone contact logged"
    assert "Shouted for forty minutes." in event.details
    assert indicators[0].text in event.details


def test_contact_log_refuses_a_matter_of_another_customer(customer, officer, adults):
    other_matter = MatterFactory(directorate=adults, created_by=officer)
    with pytest.raises(services.ServiceError, match="another customer"):
        services.contact_log(
            actor=officer,
            customer=customer,
            directorate=adults,
            channel=Channel.EMAIL,
            direction="inbound",
            occurred_at=TUE_3_JUNE,
            handled_by=officer,
            summary="About someone else's matter",
            matter=other_matter,
        )
    assert not Contact.objects.filter(customer=customer).exists()


def test_contact_log_stores_attachments_privately(customer, officer, adults, private_media):
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
    contact = services.contact_log(
        actor=officer,
        customer=customer,
        directorate=adults,
        channel=Channel.LETTER,
        direction="inbound",
        occurred_at=TUE_3_JUNE,
        handled_by=officer,
        summary="Letter received",
        files=[upload],
    )
    attachment = contact.attachments.get()
    assert (attachment.original_name, attachment.size) == ("letter.pdf", 15)
    assert attachment.uploaded_by == officer
    stored = private_media / attachment.file.name
    assert stored.read_bytes() == b"%PDF-1.4 letter"


def test_contact_log_of_a_new_user_in_another_directorate_is_refused(customer, adults):
    from accounts.roles import Role

    stranger = UserFactory(roles=[Role.OFFICER], directorates=[])
    with pytest.raises(services.NotAllowed):
        services.contact_log(
            actor=stranger,
            customer=customer,
            directorate=adults,
            channel=Channel.EMAIL,
            direction="inbound",
            occurred_at=TUE_3_JUNE,
            handled_by=stranger,
            summary="Hi",
        )
    assert not Contact.objects.exists()
    assert not ContactAttachment.objects.exists()
