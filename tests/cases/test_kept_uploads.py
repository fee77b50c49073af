"""Nothing typed is lost: a file chosen on the contact form survives a validation error, kept
for the user who chose it and attached when the contact is saved; it can be removed, no one
else can use it, and the daily sweep removes what is left behind."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases import services
from cases.models import Contact, ContactAttachment, KeptUpload
from reviews.sweeps import run_sweep
from tests.conftest import TUE_3_JUNE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LETTER = b"%PDF-1.4 the letter"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)


def page_text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def contact_data(adults, user, **overrides) -> dict:
    data = {
        "directorate": adults.pk, "channel": "letter", "direction": "inbound",
        "occurred_at": "2025-06-03T09:00", "handled_by": user.pk, "recipients": "1",
        "summary": "Letter of complaint about the bins",
    }
    data.update(overrides)
    return data


def letter(name: str = "Complaint letter.pdf", content: bytes = LETTER) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def tokens(response) -> list[str]:
    return re.findall(r'name="kept_upload" value="([^"]+)"', response.content.decode())


@pytest.fixture
def kept(login, officer, customer, adults, frozen, private_media):
    """The officer chose a letter but forgot the summary: the form came back."""
    client = login(officer)
    response = client.post(
        reverse("customers:contact_create", args=[customer.reference]),
        contact_data(adults, officer, summary="", files=[letter()]),
    )
    assert response.status_code == 200
    return response


def test_a_chosen_file_is_kept_across_a_validation_error_and_the_form_says_so(
    kept, officer, private_media
):
    page = page_text(kept)
    assert "Enter a summary of the contact" in page
    assert "You chose Complaint letter.pdf (19 bytes); it is kept." in page
    assert "Remove Complaint letter.pdf" in page
    row = KeptUpload.objects.get()
    assert (row.owner, row.original_name, row.size) == (officer, "Complaint letter.pdf", 19)
    assert tokens(kept) == [row.token]
    assert (private_media / row.file.name).read_bytes() == LETTER
    assert not Contact.objects.exists()


def test_the_kept_file_is_attached_when_the_contact_is_saved(
    kept, client, officer, customer, adults, private_media, django_capture_on_commit_callbacks
):
    row = KeptUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:contact_create", args=[customer.reference]),
            contact_data(adults, officer, kept_upload=tokens(kept)),
        )
    assert response.status_code == 302
    attachment = ContactAttachment.objects.get()
    assert attachment.original_name == "Complaint letter.pdf"
    assert attachment.contact.summary == "Letter of complaint about the bins"
    assert (private_media / attachment.file.name).read_bytes() == LETTER
    assert not KeptUpload.objects.exists()
    assert not (private_media / row.file.name).exists()


def test_a_kept_file_survives_a_second_error_and_joins_a_newly_chosen_one(
    kept, client, officer, customer, adults, private_media
):
    url = reverse("customers:contact_create", args=[customer.reference])
    again = client.post(url, contact_data(adults, officer, recipients="0",
                                          kept_upload=tokens(kept),
                                          files=[letter("Reply.pdf", b"%PDF-1.4 reply")]))
    page = page_text(again)
    assert "There must be at least 1 recipient" in page
    assert "You chose Complaint letter.pdf (19 bytes); it is kept." in page
    assert "You chose Reply.pdf (14 bytes); it is kept." in page
    client.post(url, contact_data(adults, officer, kept_upload=tokens(again)))
    assert sorted(ContactAttachment.objects.values_list("original_name", flat=True)) == [
        "Complaint letter.pdf", "Reply.pdf"
    ]


def test_a_kept_file_can_be_removed(
    kept, client, officer, customer, adults, private_media, django_capture_on_commit_callbacks
):
    row = KeptUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:contact_create", args=[customer.reference]),
            contact_data(adults, officer, kept_upload=[row.token], remove_upload=[row.token]),
        )
    assert response.status_code == 302
    assert Contact.objects.get().attachments.count() == 0
    assert not KeptUpload.objects.exists()
    assert not (private_media / row.file.name).exists()


def test_no_one_else_can_use_or_remove_a_kept_file(
    kept, client, customer, adults, private_media
):
    row = KeptUpload.objects.get()
    colleague = UserFactory(roles=[Role.OFFICER], directorates=[adults])
    client.force_login(colleague)
    response = client.post(
        reverse("customers:contact_create", args=[customer.reference]),
        contact_data(adults, colleague, kept_upload=[row.token], remove_upload=[row.token]),
    )
    assert response.status_code == 302
    assert Contact.objects.get().attachments.count() == 0
    assert KeptUpload.objects.get() == row
    assert (private_media / row.file.name).read_bytes() == LETTER


def test_a_file_that_fails_the_checks_is_named_and_the_good_one_kept(
    login, officer, customer, adults, frozen, private_media
):
    response = login(officer).post(
        reverse("customers:contact_create", args=[customer.reference]),
        contact_data(adults, officer, files=[
            letter(), SimpleUploadedFile("run me.exe", b"MZ", content_type="application/x-exe"),
        ]),
    )
    page = page_text(response)
    assert "run me.exe is not a file type we accept" in page
    assert "You chose Complaint letter.pdf (19 bytes); it is kept." in page
    assert "You chose run me.exe" not in page
    assert list(KeptUpload.objects.values_list("original_name", flat=True)) == [
        "Complaint letter.pdf"
    ]


def test_the_daily_sweep_removes_kept_files_left_behind_for_a_day(
    kept, private_media, django_capture_on_commit_callbacks
):
    row = KeptUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.uploads_remove_stale(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert KeptUpload.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep(now=timezone.now() + dt.timedelta(hours=25))
    assert not KeptUpload.objects.exists()
    assert not (private_media / row.file.name).exists()
