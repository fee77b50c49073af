"""The files of a subject access disclosure (correspondence and letters): each included,
included after review, or withheld with a reason; the release copy leaves out what is
withheld and lists it in its index, and remakes letters from their redacted text; the
internal copy keeps everything."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Channel, RecordView
from cases.services import contact_log
from governance import disclosure, services
from governance.models import SarFileDecision
from letters import services as letter_services
from letters.models import LetterKind
from tests import factories, pdfstub
from ucp.errors import ServiceError

pytestmark = pytest.mark.django_db

NEIGHBOUR = "Priya Okonkwo-Smith"


@pytest.fixture
def ig(db):
    return factories.UserFactory(
        username="helen", first_name="Helen", last_name="Dodd",
        roles=[Role.INFORMATION_GOVERNANCE], directorates__council_wide=True,
    )


@pytest.fixture
def with_files(letter_storage, adults, officer, senior_manager, make_case, customer):
    case = make_case("designated", customer=customer)
    letter = letter_services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION,
                                          case=case)
    contact = contact_log(
        actor=officer, customer=customer, directorate=adults, channel=Channel.EMAIL,
        direction="inbound", occurred_at=timezone.now(), handled_by=officer,
        summary="Sent two letters.", indicators=[],
        files=[SimpleUploadedFile("mine.txt", b"My own complaint.", content_type="text/plain"),
               SimpleUploadedFile("theirs.txt", b"Her medical notes.", content_type="text/plain")],
    )
    mine, theirs = contact.attachments.order_by("pk")
    return {"customer": customer, "case": case, "letter": letter, "mine": mine,
            "theirs": theirs}


def _archive(field) -> zipfile.ZipFile:
    with field.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _ready(ig, customer):
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    services.sar_check_identity(actor=ig, sar=sar, checked_on=timezone.localdate(),
                                how="Passport seen.")
    return services.sar_produce(actor=ig, sar=sar)


def _include_all(ig, sar) -> None:
    services.sar_include_files(actor=ig, sar=sar, files=[
        key for key, _what, _obj in disclosure.files_of(sar.customer)])


def test_a_withheld_file_is_left_out_of_the_release_and_listed_with_its_reason(ig, with_files):
    f = with_files
    sar = _ready(ig, f["customer"])
    services.sar_decide_file(actor=ig, sar=sar, file=disclosure.file_key(f["theirs"]),
                             decision="withhold", reason="Another person's health data.")
    services.sar_decide_file(actor=ig, sar=sar, file=disclosure.file_key(f["mine"]),
                             decision="reviewed")
    services.sar_decide_file(actor=ig, sar=sar, file=disclosure.file_key(f["letter"]),
                             decision="withhold", reason="Exemption: legal advice.")
    sar = services.sar_release(actor=ig, sar=sar)

    released = _archive(sar.release_copy)
    names = set(released.namelist())
    assert disclosure.attachment_name(f["theirs"]) not in names
    assert disclosure.letter_name(f["letter"]) not in names
    assert released.read(disclosure.attachment_name(f["mine"])) == b"My own complaint."
    index = released.read("index.html").decode()
    assert f'data-withheld-file="{disclosure.attachment_name(f["theirs"])}"' in index
    assert "Another person&#x27;s health data." in index
    assert f'data-withheld-file="{disclosure.letter_name(f["letter"])}"' in index
    assert "Exemption: legal advice." in index
    assert "Included, reviewed before release" in index
    assert f'data-withheld-file="{disclosure.attachment_name(f["mine"])}"' not in index

    internal = _archive(sar.internal_copy)
    assert internal.read(disclosure.attachment_name(f["theirs"])) == b"Her medical notes."
    assert disclosure.letter_name(f["letter"]) in internal.namelist()
    assert "data-withheld-file" not in internal.read("index.html").decode()


def test_withholding_needs_a_reason_and_a_file_of_this_customer(ig, with_files, customer):
    f = with_files
    sar = _ready(ig, f["customer"])
    with pytest.raises(ServiceError, match="Say why"):
        services.sar_decide_file(actor=ig, sar=sar, file=disclosure.file_key(f["theirs"]),
                                 decision="withhold", reason="  ")
    other = factories.CustomerFactory()
    other_sar = services.sar_record(actor=ig, customer=other, received_on=timezone.localdate())
    with pytest.raises(ServiceError, match="not in this customer"):
        services.sar_decide_file(actor=ig, sar=other_sar,
                                 file=disclosure.file_key(f["theirs"]), decision="include")
    assert not SarFileDecision.objects.exists()


def test_deciding_again_replaces_the_decision_and_history_keeps_both(ig, with_files):
    f = with_files
    sar = _ready(ig, f["customer"])
    key = disclosure.file_key(f["theirs"])
    services.sar_decide_file(actor=ig, sar=sar, file=key, decision="withhold",
                             reason="Third party.")
    services.sar_decide_file(actor=ig, sar=sar, file=key, decision="reviewed")
    decision = SarFileDecision.objects.get()
    assert decision.decision == "reviewed"
    assert [h.decision for h in decision.history.order_by("history_date", "history_id")] == [
        "withhold", "reviewed"]


def test_a_letter_quoting_a_redacted_phrase_is_remade_from_its_redacted_text(ig, with_files):
    f = with_files
    letter = f["letter"]
    # A phrase of the letter that is also in a passage of the customer's records.
    passage = next(p for p in disclosure.passages(f["customer"])
                   if p.text and p.text[:30] in letter.html)
    phrase = passage.text[:30]
    sar = _ready(ig, f["customer"])
    services.sar_mark_redaction(actor=ig, sar=sar, passage=passage.key, phrase=phrase,
                                reason="Names a neighbour.")
    _include_all(ig, sar)
    sar = services.sar_release(actor=ig, sar=sar)
    redacted_html = disclosure.redact_letter_html(letter.html,
                                                  disclosure.Redactions.of(sar.redactions.all()))
    assert phrase not in redacted_html and disclosure.REDACTED in redacted_html
    released = _archive(sar.release_copy)
    pdf = released.read(disclosure.letter_name(letter))
    assert pdf == pdfstub.stub_pdf(redacted_html)
    with letter.pdf.open("rb") as handle:
        assert pdf != handle.read()
    assert "data-regenerated" in released.read("index.html").decode()
    # The internal copy has the letter as it was sent.
    with letter.pdf.open("rb") as handle:
        assert _archive(sar.internal_copy).read(disclosure.letter_name(letter)) == handle.read()


def test_redact_letter_html_matches_text_as_escaped_in_the_html():
    marks = disclosure.Redactions(phrases={"k": [f"{NEIGHBOUR} & son"]})
    html = f"<p>About {NEIGHBOUR} &amp; son, and <b>{NEIGHBOUR.upper()}</b>.</p>"
    out = disclosure.redact_letter_html(html, marks)
    assert out == f"<p>About {disclosure.REDACTED}, and <b>{NEIGHBOUR.upper()}</b>.</p>"


def test_the_files_page_decides_and_keeps_a_bad_decision_as_typed(client, ig, with_files):
    f = with_files
    sar = services.sar_record(actor=ig, customer=f["customer"], received_on=timezone.localdate())
    client.force_login(ig)
    url = reverse("governance:sar_files", args=[sar.pk])
    page = client.get(url).content.decode()
    for obj in (f["mine"], f["theirs"], f["letter"]):
        assert f'data-file="{disclosure.file_key(obj)}"' in page
    key = disclosure.file_key(f["theirs"])
    response = client.post(url, {"file": key, "decision": "withhold", "reason": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Say why the file is withheld" in body
    # The form sent (the second file's) keeps its choice; the others show their own.
    (sent,) = re.findall(r'<input[^>]*id="file-1-decision_2"[^>]*>', body)
    assert "checked" in sent
    response = client.post(url, {"file": key, "decision": "withhold", "reason": "Third party."})
    assert response.status_code == 302
    assert SarFileDecision.objects.get().reason == "Third party."
    assert "Withhold: Third party." in client.get(url).content.decode()
    response = client.post(url, {"file": "attachment:999999", "decision": "include"})
    assert response.status_code == 422


def test_releasing_with_an_undecided_file_is_refused_listing_it_and_loses_nothing(
    client, ig, with_files
):
    f = with_files
    sar = _ready(ig, f["customer"])
    theirs = disclosure.file_key(f["theirs"])
    services.sar_decide_file(actor=ig, sar=sar, file=theirs, decision="withhold",
                             reason="Another person's health data.")
    passage = disclosure.passages(f["customer"])[0]
    services.sar_mark_redaction(actor=ig, sar=sar, passage=passage.key, reason="A neighbour.")
    client.force_login(ig)
    response = client.post(reverse("governance:sar_release", args=[sar.pk]))
    assert response.status_code == 422
    body = response.content.decode()
    assert "2 files have no decision" in body and "Nothing was released" in body
    undecided = re.findall(r"<li data-undecided-file>(.*?)</li>", body)
    assert len(undecided) == 2
    assert any("mine.txt" in u for u in undecided) and any("sent" in u for u in undecided)
    assert not any("theirs.txt" in u for u in undecided)
    # Nothing lost, nothing released.
    sar.refresh_from_db()
    assert sar.is_open and not sar.release_copy and sar.released_at is None
    assert SarFileDecision.objects.get(request=sar).file == theirs
    assert sar.redactions.get().passage == passage.key
    assert not RecordView.objects.filter(customer=f["customer"], path__contains="released").exists()

    # The files page includes what it shows undecided; the withheld file stays withheld.
    url = reverse("governance:sar_files", args=[sar.pk])
    page = client.get(url).content.decode()
    assert page.count('name="include_undecided"') == 2
    response = client.post(url, {"include_undecided": [disclosure.file_key(f["mine"]),
                                                       disclosure.file_key(f["letter"]),
                                                       theirs]})
    assert response.status_code == 302
    decisions = dict(SarFileDecision.objects.values_list("file", "decision"))
    assert decisions == {theirs: "withhold", disclosure.file_key(f["mine"]): "include",
                         disclosure.file_key(f["letter"]): "include"}
    sar = services.sar_release(actor=ig, sar=sar)
    assert disclosure.attachment_name(f["theirs"]) not in _archive(sar.release_copy).namelist()


def test_a_file_decision_must_be_chosen_not_assumed(client, ig, with_files):
    f = with_files
    sar = services.sar_record(actor=ig, customer=f["customer"], received_on=timezone.localdate())
    client.force_login(ig)
    url = reverse("governance:sar_files", args=[sar.pk])
    assert "checked" not in "".join(re.findall(r'<input[^>]*type="radio"[^>]*>',
                                               client.get(url).content.decode()))
    response = client.post(url, {"file": disclosure.file_key(f["mine"])})
    assert response.status_code == 422
    assert "Choose whether to include the file" in response.content.decode()
    assert not SarFileDecision.objects.exists()
    response = client.post(url, {"include_undecided": ["attachment:999999"]})
    assert response.status_code == 302 and not SarFileDecision.objects.exists()
