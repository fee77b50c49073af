"""The Ombudsman bundle: one case's whole story as one paginated, bookmarked, tagged PDF,
for those who may see the case, and logged like the case page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases import services as case_services
from cases.choices import Channel, Direction
from cases.models import RecordView
from reviews import bundle
from reviews import services as review_services
from tests.conftest import LONDON
from tests.tagged_pdf import assert_tagged

pytestmark = pytest.mark.django_db


@pytest.fixture
def whole_story(in_force, officer, senior_manager, reviewer, time_machine):
    """A case designated, told, the council informed; a call that broke the 15-minute
    limit; a challenge decided by an independent reviewer (with its outcome letter)."""
    time_machine.move_to(dt.datetime(2025, 9, 3, 11, 0, tzinfo=LONDON), tick=False)
    case_services.contact_log(
        actor=officer, customer=in_force.customer, directorate=in_force.lead_directorate,
        channel=Channel.PHONE, direction=Direction.INBOUND,
        occurred_at=dt.datetime(2025, 9, 3, 10, 0, tzinfo=LONDON), handled_by=officer,
        summary="Rang about the bins again and would not end the call.", duration_minutes=40,
    )
    challenge = review_services.challenge_record(
        actor=officer, case=in_force, channel="letter", received_on=dt.date(2025, 9, 3),
        received_at=None, grounds="I only called because nobody answered my emails.",
    )
    challenge = review_services.challenge_assign_reviewer(
        actor=senior_manager, challenge=challenge, reviewer=reviewer
    )
    review_services.challenge_decide(
        actor=reviewer, challenge=challenge, outcome="uphold",
        reasons="The designation was fair and the time limit proportionate.",
    )
    in_force.refresh_from_db()
    return in_force


def _bundle_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.real_pdf
def test_the_bundle_has_every_section_of_the_case(whole_story, officer, login):
    response = login(officer).get(f"/cases/{whole_story.reference}/ombudsman-bundle/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{whole_story.reference}-ombudsman-bundle.pdf"'
    )
    text = _squash(_bundle_text(response.content))
    for heading in (
        "1. Chronology", "2. The referral and the evidence relied on", "3. Warnings",
        "4. Preconditions and alternatives", "5. The decision, its reasons and the sanctions",
        "6. Letters issued", "7. Informing the council", "8. Challenges, reviews and breaches",
    ):
        assert heading in text
    assert whole_story.customer.full_name in text
    # The chronology, the referral and the warning.
    assert "Calls every day about the same missed bin collection." in text
    assert "Your behaviour is unacceptable; further calls may be restricted." in text
    # Each precondition and alternative, with who confirmed it.
    for label, check in bundle.bundle_context(whole_story)["preconditions"]:
        assert _squash(label) in text
        assert check is not None and check.note in text
        assert check.confirmed_by.get_full_name() in text
    assert "Not recorded" not in text.split("4. Preconditions and alternatives")[1].split(
        "5. The decision")[0]
    # The decision, its reasons and the sanction in force.
    assert "Persistent and unreasonable contact with staff." in text
    assert "Calls regularly run past an hour." in text
    # Every letter in full, with the day it was sent.
    assert "Designation letter, version 1: sent 1 September 2025" in text
    assert "Challenge outcome letter, version 1: sent 3 September 2025" in text
    assert "Dear " + whole_story.customer.full_name in text
    # The council notice and who received it.
    assert "Council notice, 1 September 2025" in text
    assert "Member of staff informed" in text
    # The challenge, its reviewer's decision, and the breach.
    assert "I only called because nobody answered my emails." in text
    assert "The designation was fair and the time limit proportionate." in text
    assert "Breaches of the sanctions" in text and "No breach has been recorded" not in text


@pytest.mark.real_pdf
def test_the_bundle_is_bookmarked_numbered_and_tagged(whole_story, officer, login):
    pdf = login(officer).get(f"/cases/{whole_story.reference}/ombudsman-bundle/").content
    reader = PdfReader(io.BytesIO(pdf))
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [b.title for b in top] == [f"Ombudsman bundle: case {whole_story.reference}"]
    sections = [b.title for b in reader.outline[1] if not isinstance(b, list)]
    assert sections[0] == "1. Chronology" and sections[-1] == "8. Challenges, reviews and breaches"
    assert len(sections) == 8
    # The letters' own headings are not bookmarks: only their entries in section 6 are.
    titles = [b.title for level in reader.outline[1] if isinstance(level, list) for b in level]
    assert "Designation letter, version 1: sent 1 September 2025" in titles
    assert not any(t.startswith("If you are still unhappy") for t in titles)
    pages = len(reader.pages)
    assert pages >= 8  # each section starts a page
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {pages}" in page.extract_text()
    assert_tagged(pdf, f"Ombudsman bundle: case {whole_story.reference}")


def test_the_download_is_logged_and_not_cached(in_force, officer, login):
    before = RecordView.objects.filter(user=officer, case=in_force).count()
    response = login(officer).get(f"/cases/{in_force.reference}/ombudsman-bundle/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    view = RecordView.objects.filter(user=officer, case=in_force).latest("id")
    assert RecordView.objects.filter(user=officer, case=in_force).count() == before + 1
    assert view.customer == in_force.customer
    assert view.path == f"/cases/{in_force.reference}/ombudsman-bundle/"


def test_the_case_page_offers_the_bundle(in_force, officer, login):
    page = login(officer).get(in_force.get_absolute_url()).content.decode()
    assert f'href="/cases/{in_force.reference}/ombudsman-bundle/"' in page


def test_another_directorates_staff_get_no_bundle(in_force, outsider, login):
    response = login(outsider).get(f"/cases/{in_force.reference}/ombudsman-bundle/")
    assert response.status_code == 404
    assert not RecordView.objects.filter(user=outsider).exists()


@pytest.mark.parametrize("who", ["lead", "admin_user"])
def test_roles_without_casework_get_no_bundle(in_force, who, request, login):
    client = login(request.getfixturevalue(who))
    response = client.get(f"/cases/{in_force.reference}/ombudsman-bundle/")
    assert response.status_code == 403
    assert in_force.customer.full_name.encode() not in response.content


def test_the_bundle_shows_corrections_and_disputes_of_the_evidence(in_force, officer):
    contact = case_services.contact_log(
        actor=officer, customer=in_force.customer, directorate=in_force.lead_directorate,
        channel=Channel.PHONE, direction=Direction.INBOUND,
        occurred_at=timezone.now() - dt.timedelta(hours=1), handled_by=officer,
        summary="Rang about the bins.", duration_minutes=10,
    )
    in_force.evidence_contacts.add(contact)  # as if the referral had named it
    case_services.dispute_record(
        actor=officer, record=contact, received_on=timezone.localdate(),
        statement="I only rang because nobody answered my letters.",
    )
    case_services.contact_correct(
        actor=officer, contact=contact, reason="It was our call back, not hers.",
        direction=Direction.OUTBOUND if contact.direction != Direction.OUTBOUND
        else Direction.INBOUND,
    )
    html = bundle.render_html(in_force)
    assert "The customer disputes this record" in html
    assert "I only rang because nobody answered my letters." in html
    assert "Reason: It was our call back, not hers." in html
