"""Subject access requests: the deadline, the disclosure ZIP and its completeness, redaction
in the release copy only, the sweep's reminders, /deadlines/, and who may do any of it."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases import deadlines
from cases.models import AccessKind, Channel, Contact, Customer, RecordView
from cases.services import contact_correct, contact_log, dispute_record
from governance import disclosure, services
from governance.models import SarAlert, SarRedaction, SarStatus, SubjectAccessRequest
from letters import services as letter_services
from letters.models import LetterKind
from outbox.services import relay
from reviews import services as review_services
from reviews.dashboard import DeadlineKind, Horizon, deadlines_for
from reviews.sweeps import run_sweep
from sanctions.models import ContactBreach
from tests import factories
from tests.conftest import LONDON
from tests.tagged_pdf import assert_tagged
from ucp.errors import ServiceError

pytestmark = pytest.mark.django_db

NEIGHBOUR = "Priya Okonkwo-Smith"


@pytest.fixture
def ig(db):
    return factories.UserFactory(
        username="helen", first_name="Helen", last_name="Dodd", email="dpo@example.gov.uk",
        roles=[Role.INFORMATION_GOVERNANCE], directorates__council_wide=True,
    )


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _index(sar: SubjectAccessRequest, which: str = "internal_copy") -> str:
    with getattr(sar, which).open("rb") as handle:
        return _zip(handle.read()).read("index.html").decode()


# --- the deadline --------------------------------------------------------------------------


@pytest.mark.parametrize(("received", "due"), [
    (dt.date(2025, 1, 31), dt.date(2025, 2, 28)),
    (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),  # a leap year
    (dt.date(2025, 3, 15), dt.date(2025, 4, 15)),
    (dt.date(2025, 12, 31), dt.date(2026, 1, 31)),
])
def test_a_request_is_due_one_calendar_month_after_receipt(received, due):
    assert deadlines.subject_access_due(received) == due


def test_an_extension_of_two_months_counts_from_receipt_and_no_further():
    assert deadlines.subject_access_due(dt.date(2025, 1, 31), 2) == dt.date(2025, 4, 30)
    assert deadlines.subject_access_due(dt.date(2025, 11, 30), 2) == dt.date(2026, 2, 28)
    with pytest.raises(ValueError):
        deadlines.subject_access_due(dt.date(2025, 1, 31), 3)


@time_machine.travel(dt.datetime(2025, 2, 10, 10, 0, tzinfo=LONDON), tick=False)
def test_extending_records_the_reason_and_the_old_and_new_due_dates(ig, customer):
    sar = services.sar_record(actor=ig, customer=customer, received_on=dt.date(2025, 1, 31))
    assert sar.due_on == dt.date(2025, 2, 28)
    old, new = services.sar_extend(actor=ig, sar=sar, months=2, reason="Forty boxes of files.")
    assert (old, new) == (dt.date(2025, 2, 28), dt.date(2025, 4, 30))
    sar.refresh_from_db()
    assert sar.extension_reason == "Forty boxes of files." and sar.extended_by == ig
    created, extended = sar.history.order_by("history_id")
    assert extended.history_user == ig
    assert "2025-02-28 → 2025-04-30" in extended.history_change_reason
    assert (created.due_on, extended.due_on) == (dt.date(2025, 2, 28), dt.date(2025, 4, 30))
    with pytest.raises(ServiceError, match="already extended"):
        services.sar_extend(actor=ig, sar=sar, months=1, reason="More.")
    with pytest.raises(ServiceError, match="one or two"):
        services.sar_extend(actor=ig, sar=sar, months=3, reason="More.")


# --- a customer with every kind of record ------------------------------------------------


@pytest.fixture
def full_customer(letter_storage, adults, officer, service_manager, senior_manager, make_case,
                  customer):
    """Morgan, with at least one of every record the system keeps about a customer."""
    matter = factories.MatterFactory(
        customer=customer, directorate=adults, created_by=officer,
        details=f"Complains that {NEIGHBOUR} at number 16 blocks the drive.",
    )
    case = make_case("designated", customer=customer)
    letter = letter_services.letter_issue(actor=senior_manager, kind=LetterKind.DESIGNATION,
                                          case=case)
    letter_services.case_inform_council(actor=senior_manager, case=case, staff=[officer])
    # A phone call longer than the 15 minutes allowed.
    contact = contact_log(
        actor=officer, customer=customer, directorate=adults, channel=Channel.PHONE,
        direction="inbound", occurred_at=timezone.now() - dt.timedelta(minutes=5),
        handled_by=officer, duration_minutes=70, matter=matter,
        summary=f"Shouted about {NEIGHBOUR} again; said she parks on the verge.",
        indicators=factories.some_indicators(1),
        files=[SimpleUploadedFile("complaint.txt", b"Dear council, my neighbour ...",
                                  content_type="text/plain")],
    )
    # The breach check has its own tests (tests/sanctions/); here one is simply on record.
    ContactBreach.objects.get_or_create(contact=contact, sanction=case.sanctions.first(),
                                        defaults={"message": "Call longer than 15 minutes."})
    challenge = review_services.challenge_record(
        actor=senior_manager, case=case, channel="letter", received_on=timezone.localdate(),
        grounds="I was not told why.",
    )
    review, _created = review_services.open_review_for(case, actor=None, at=timezone.now())
    RecordView.objects.create(user=officer, customer=customer, case=case, path="/cases/x/")
    (correction,) = contact_correct(actor=officer, contact=contact, direction="outbound",
                                    reason="It was our call back to her, not hers to us.")
    dispute = dispute_record(actor=officer, record=contact, received_on=timezone.localdate(),
                             statement="I did not shout; I asked to speak to a manager.")
    return {"customer": customer, "matter": matter, "case": case, "letter": letter,
            "contact": contact, "challenge": challenge, "review": review,
            "correction": correction, "dispute": dispute}


@time_machine.travel(dt.datetime(2025, 6, 3, 10, 0, tzinfo=LONDON), tick=False)
def test_the_disclosure_holds_every_kind_of_record_about_the_customer(ig, full_customer):
    f = full_customer
    customer: Customer = f["customer"]
    assert ContactBreach.objects.filter(contact=f["contact"]).exists()
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    sar = services.sar_produce(actor=ig, sar=sar)
    with sar.internal_copy.open("rb") as handle:
        archive = _zip(handle.read())
    names = set(archive.namelist())
    assert {"index.html", "index.pdf"} <= names
    attachment = f["contact"].attachments.get()
    assert archive.read(disclosure.attachment_name(attachment)) == b"Dear council, my neighbour ..."
    assert archive.read(disclosure.letter_name(f["letter"])).startswith(b"%PDF")
    html = archive.read("index.html").decode()
    case = f["case"]
    expected_records = [
        f"customer-{customer.pk}", f"matter-{f['matter'].pk}", f"contact-{f['contact'].pk}",
        f"contactattachment-{attachment.pk}", f"designationcase-{case.pk}",
        f"challenge-{f['challenge'].pk}", f"review-{f['review'].pk}", f"letter-{f['letter'].pk}",
        *(f"warning-{w.pk}" for w in customer.warnings.all()),
        *(f"caseevent-{e.pk}" for e in case.events.all()),
        *(f"sanction-{s.pk}" for s in case.sanctions.all()),
        *(f"contactbreach-{b.pk}" for b in ContactBreach.objects.filter(contact=f["contact"])),
        *(f"preconditioncheck-{p.pk}" for p in case.precondition_checks.all()),
        *(f"alternativeconsideration-{a.pk}" for a in case.alternatives.all()),
        *(f"councilnotice-{n.pk}" for n in case.notices.all()),
        f"correction-{f['correction'].pk}", f"disputestatement-{f['dispute'].pk}",
    ]
    missing = [r for r in expected_records if f'data-record="{r}"' not in html]
    assert missing == []
    assert customer.warnings.exists() and case.sanctions.exists() and case.events.count() > 3
    # Summaries and indicators; the record's history; who looked (the export itself too).
    assert "Shouted about" in html
    assert "I did not shout; I asked to speak to a manager." in html
    assert str(f["contact"].indicators.get()) in html
    assert "History of this record" in html
    assert html.count('data-access-entry="1"') == RecordView.objects.filter(
        customer=customer).count() - 1  # the export's own entry is written after the index
    assert RecordView.objects.filter(customer=customer, user=ig,
                                     path__contains="internal copy produced").exists()


@time_machine.travel(dt.datetime(2025, 6, 3, 10, 0, tzinfo=LONDON), tick=False)
def test_redactions_apply_to_the_release_copy_only(ig, full_customer):
    f = full_customer
    sar = services.sar_record(actor=ig, customer=f["customer"], received_on=timezone.localdate())
    sar = services.sar_produce(actor=ig, sar=sar)
    keys = {p.key: p for p in disclosure.passages(f["customer"])}
    summary_key = disclosure.passage_key(f["contact"], "summary")
    details_key = disclosure.passage_key(f["matter"], "details")
    assert summary_key in keys and details_key in keys
    services.sar_mark_redaction(actor=ig, sar=sar, passage=summary_key, phrase=NEIGHBOUR,
                                reason="Names a neighbour.")
    services.sar_mark_redaction(actor=ig, sar=sar, passage=details_key,
                                reason="About a neighbour throughout.")
    services.sar_check_identity(actor=ig, sar=sar, checked_on=timezone.localdate(),
                                how="Passport seen.")
    services.sar_include_files(actor=ig, sar=sar, files=[
        key for key, _what, _obj in disclosure.files_of(f["customer"])])
    sar = services.sar_release(actor=ig, sar=sar)

    released = _index(sar, "release_copy")
    assert NEIGHBOUR not in released
    assert "Shouted about [redacted] again" in released
    assert "blocks the drive" not in released
    internal = _index(sar, "internal_copy")
    assert NEIGHBOUR in internal and "blocks the drive" in internal
    assert NEIGHBOUR in Contact.objects.get(pk=f["contact"].pk).summary  # the record unchanged
    assert sar.status == SarStatus.RELEASED and sar.released_by == ig
    assert RecordView.objects.filter(user=ig, path__contains="released").exists()


def test_a_redaction_must_name_a_passage_of_this_customer_and_words_in_it(ig, customer):
    factories.ContactFactory(customer=customer, summary="Talked about the bins.")
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    other = factories.ContactFactory(summary="Someone else's contact.")
    with pytest.raises(ServiceError, match="not in this customer"):
        services.sar_mark_redaction(actor=ig, sar=sar, reason="x",
                                    passage=disclosure.passage_key(other, "summary"))
    key = next(p.key for p in disclosure.passages(customer) if "bins" in p.text)
    with pytest.raises(ServiceError, match="not in the passage"):
        services.sar_mark_redaction(actor=ig, sar=sar, passage=key, phrase="recycling",
                                    reason="x")
    assert not SarRedaction.objects.exists()


def test_nothing_is_released_before_identity_is_checked(ig, customer):
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    sar = services.sar_produce(actor=ig, sar=sar)
    with pytest.raises(ServiceError, match="identity"):
        services.sar_release(actor=ig, sar=sar)
    assert not SubjectAccessRequest.objects.get(pk=sar.pk).release_copy


@pytest.mark.real_pdf
def test_the_index_pdf_is_tagged_with_a_title_and_language(ig, customer, officer, adults):
    import pypdf

    factories.ContactFactory(customer=customer, directorate=adults, handled_by=officer)
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    sar = services.sar_produce(actor=ig, sar=sar)
    with sar.internal_copy.open("rb") as handle:
        data = _zip(handle.read()).read("index.pdf")
    assert_tagged(data, customer.reference)
    pdf = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "What the council holds about you" in text and customer.full_name in text
    # Its tables are tagged as tables, with header cells, for a screen reader to walk.
    kinds = set()

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
                walk(kid)
        elif isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)

    walk(pdf.trailer["/Root"]["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= kinds


@time_machine.travel(dt.datetime(2025, 6, 3, 10, 0, tzinfo=LONDON), tick=False)
def test_the_index_pdf_lists_each_kind_of_record_every_file_and_who_looked(
    ig, full_customer, monkeypatch
):
    f = full_customer
    customer = f["customer"]
    made: list[str] = []
    monkeypatch.setattr(disclosure, "html_to_tagged_pdf",
                        lambda html: made.append(html) or b"%PDF-1.7 stand-in")
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    services.sar_produce(actor=ig, sar=sar)
    (index,) = made
    # The customer's own record in full; the rest counted, each in index.html in detail.
    assert customer.address.splitlines()[0] in index
    assert re.search(r'data-section="contacts"><td>Contacts</td><td>'
                     rf'{customer.contacts.count()}</td>', index)
    assert re.search(r'data-section="chronology"><td>Case chronology</td><td>'
                     rf'{f["case"].events.count()}</td>', index)
    attachment = f["contact"].attachments.get()
    for name in (disclosure.attachment_name(attachment), disclosure.letter_name(f["letter"])):
        assert f'data-file="{name}"' in index
    # Who looked, by person: the officer's one view (the export is logged after the index).
    assert index.count('data-access-person="1"') == 1 and "Olivia" in index
    assert "Shouted about" not in index  # contact summaries are in index.html only


def test_the_disclosure_costs_the_same_queries_for_three_contacts_or_thirty(
    ig, customer, adults, officer
):
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())

    def produce() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            data = disclosure.build_zip(sar, redactions=disclosure.NO_REDACTIONS,
                                        release=False, now=timezone.now())
        return len(queries), _zip(data).read("index.html").decode()

    made = factories.ContactFactory.create_batch(3, customer=customer, directorate=adults,
                                                 handled_by=officer)
    few, _html = produce()
    factories.ContactFactory.create_batch(27, customer=customer, directorate=adults,
                                          handled_by=officer)
    made[0].summary = "Rang to say the bins were late again."
    made[0].save()
    many, html = produce()
    assert many == few
    # The history is still each record's own: the changed summary, old and new.
    assert f"{made[0].history.earliest().summary} → Rang to say the bins were late" in html


# --- the sweep and /deadlines/ -----------------------------------------------------------------


def test_the_sweep_reminds_information_governance_once_per_offset_and_once_when_overdue(
    ig, customer, settings
):
    settings.REMINDER_DAYS_BEFORE = [7, 2]
    received = dt.date(2025, 5, 3)
    sar = services.sar_record(actor=ig, customer=customer, received_on=received,
                              now=dt.datetime(2025, 5, 3, 9, tzinfo=LONDON))
    assert sar.due_on == dt.date(2025, 6, 3)
    for day, count in ((dt.date(2025, 5, 27), 1), (dt.date(2025, 5, 27), 1),
                       (dt.date(2025, 6, 2), 2), (dt.date(2025, 6, 4), 3),
                       (dt.date(2025, 6, 11), 3)):
        run_sweep(now=dt.datetime.combine(day, dt.time(6), tzinfo=LONDON))
        assert SarAlert.objects.filter(request=sar).count() == count, day
    relay(older_than_seconds=0)
    subjects = sorted(m.subject for m in mail.outbox if "Subject access" in m.subject)
    assert len(subjects) == 3 and all(m.to == ["dpo@example.gov.uk"] for m in mail.outbox
                                      if "Subject access" in m.subject)
    assert any("overdue" in s for s in subjects)
    assert customer.full_name not in " ".join(m.body + m.subject for m in mail.outbox)


def test_deadlines_shows_information_governance_only_subject_access_requests(
    client, ig, customer, senior_manager, make_case
):
    make_case("designated")  # a senior manager's deadline, not information governance's
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    found = deadlines_for(ig, horizon=Horizon.ALL)
    assert [(r.kind, r.pk) for r in found.rows[:10]] == [(DeadlineKind.SUBJECT_ACCESS, sar.pk)]
    assert not any(r.kind == DeadlineKind.SUBJECT_ACCESS
                   for r in deadlines_for(senior_manager, horizon=Horizon.ALL).rows[:50])
    client.force_login(ig)
    page = client.get(reverse("reviews:deadlines"), {"horizon": "all"}).content.decode()
    assert f'data-deadline="subject_access-{sar.pk}"' in page
    assert sar.get_absolute_url() in page


# --- the pages ---------------------------------------------------------------------------------


def test_an_officer_records_a_request_by_customer_reference_and_bad_input_is_kept(
    client, ig, customer
):
    client.force_login(ig)
    url = reverse("governance:sar_create")
    response = client.post(url, {"customer": "C-NOPE", "received_on": "2025-02-30",
                                 "how_received": "Letter to the chief executive"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "No customer has that reference." in page
    assert "Letter to the chief executive" in page
    response = client.post(url, {"customer": customer.reference.lower(),
                                 "received_on": timezone.localdate().isoformat()})
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == sar.get_absolute_url()
    assert sar.recorded_by == ig and sar.history.count() == 1


def test_a_bad_extension_is_shown_on_the_page_with_what_was_typed(client, ig, customer):
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    client.force_login(ig)
    response = client.post(reverse("governance:sar_extend", args=[sar.pk]),
                           {"extend-months": "7", "extend-reason": "Lots of files"})
    assert response.status_code == 422
    assert "Lots of files" in response.content.decode()
    sar.refresh_from_db()
    assert sar.extension_months == 0


@pytest.mark.parametrize(
    "role", [Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER, Role.DIRECTORATE_LEAD,
             Role.ADMINISTRATOR, Role.INDEPENDENT_REVIEWER]
)
def test_only_information_governance_reaches_a_request_or_its_download(
    client, role, ig, customer, adults
):
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    services.sar_produce(actor=ig, sar=sar)
    client.force_login(factories.UserFactory(roles=[role], directorates=[adults]))
    for url in (reverse("governance:sar_list"), sar.get_absolute_url(),
                reverse("governance:sar_passages", args=[sar.pk]),
                reverse("governance:sar_download", args=[sar.pk, "internal"])):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("governance:sar_produce", args=[sar.pk])).status_code == 403
    with pytest.raises(ServiceError):
        services.sar_produce(actor=factories.UserFactory(roles=[role]), sar=sar)


def test_the_download_is_logged_and_an_unproduced_copy_is_not_found(client, ig, customer):
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    client.force_login(ig)
    assert client.get(reverse("governance:sar_download", args=[sar.pk, "release"])
                      ).status_code == 404
    assert client.get(reverse("governance:sar_download", args=[sar.pk, "other"])
                      ).status_code == 404
    services.sar_produce(actor=ig, sar=sar)
    response = client.get(reverse("governance:sar_download", args=[sar.pk, "internal"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "index.html" in _zip(b"".join(response.streaming_content)).namelist()
    # Logged by the one layer (cases.access_log), as a download of this address.
    assert RecordView.objects.filter(
        user=ig, customer=customer, kind=AccessKind.DOWNLOAD,
        path=reverse("governance:sar_download", args=[sar.pk, "internal"]),
    ).exists()


def test_the_passages_page_marks_a_phrase_and_refuses_a_wrong_one_keeping_it(
    client, ig, customer
):
    contact = factories.ContactFactory(customer=customer, summary=f"Mentioned {NEIGHBOUR}.")
    sar = services.sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    client.force_login(ig)
    url = reverse("governance:sar_passages", args=[sar.pk])
    key = disclosure.passage_key(contact, "summary")
    response = client.post(url, {"passage": key, "phrase": "Someone Else", "reason": "Name"})
    assert response.status_code == 422
    assert 'value="Someone Else"' in response.content.decode()
    response = client.post(url, {"passage": key, "phrase": NEIGHBOUR, "reason": "Name"})
    assert response.status_code == 302
    assert SarRedaction.objects.get().phrase == NEIGHBOUR
