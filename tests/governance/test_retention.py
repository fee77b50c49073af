"""Retention and disposal: the schedule, legal holds, and erasure that leaves nothing of
the customer behind but the anonymous figures the directorate report counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from accounts.roles import Role
from cases import services as case_services
from cases.choices import Channel, ClosingReason
from cases.models import (
    CaseState,
    Contact,
    ContactAttachment,
    Customer,
    DesignationCase,
    KeptUpload,
    Matter,
    RecordView,
    Warning,
)
from cases.selectors import cases_for, customers_for
from governance import services
from governance.models import (
    DisposalProposal,
    DisposalRecord,
    HoldReason,
    ProposalStatus,
    RetentionRule,
)
from governance.retention import customers_due, due_date
from letters.models import CouncilNotice, Letter
from letters.services import case_inform_council, letter_issue
from reviews.models import Challenge
from reviews.services import challenge_record
from reviews.sweeps import run_sweep
from sanctions.models import Sanction
from tests.factories import ContactFactory, CustomerFactory, MatterFactory, UserFactory
from ucp.errors import NotAllowed, ServiceError

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Morgan Hartley-Evans", "morgan.he@example.org"
NEIGHBOUR = "Jo Bloggs-Neighbour"


@pytest.fixture
def ig(db):
    return UserFactory(username="helen", roles=[Role.INFORMATION_GOVERNANCE],
                       directorates__council_wide=True)


def years_on(years: int, days: int = 0) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=365 * years + 2 + days)


@pytest.fixture
def full_customer(customer, make_case, officer, senior_manager, adults, letter_storage,
                  eager_celery):
    """A customer with every kind of record: a matter, contacts with an upload, a kept
    upload, a warning, a designation with sanctions, its letter and council notice, a
    challenge, the chronology and the access log; then the case closed."""
    case = make_case("designated", customer=customer)
    letter_issue(actor=senior_manager, kind="designation", case=case)
    case_inform_council(actor=senior_manager, case=case, staff=[senior_manager])
    matter = MatterFactory(customer=customer, directorate=adults, created_by=officer)
    case_services.contact_log(
        actor=officer, customer=customer, directorate=adults, channel=Channel.LETTER,
        direction="inbound", occurred_at=timezone.now() - dt.timedelta(hours=1),
        handled_by=officer, matter=matter, summary=f"Letter naming {NEIGHBOUR}",
        files=[SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter",
                                  content_type="application/pdf")],
    )
    case_services.upload_keep(actor=officer, customer=customer, upload=SimpleUploadedFile(
        "kept.pdf", b"%PDF-1.4 kept", content_type="application/pdf"))
    challenge_record(actor=officer, case=case, channel="letter",
                     received_on=timezone.localdate(), grounds=f"{NEIGHBOUR} lied about me")
    RecordView.objects.create(user=officer, customer=customer, case=case, path="/x/")
    case.refresh_from_db()
    # Years later the designation was lifted (set directly: the test is about disposal).
    DesignationCase.objects.filter(pk=case.pk).update(
        state=CaseState.CLOSED, closing_reason=ClosingReason.LIFTED, closed_at=timezone.now()
    )
    return customer


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out, exclude=["contenttypes", "auth.permission"])
    return out.getvalue()


def _propose_and_approve(ig, when: dt.datetime, on_commit) -> DisposalRecord:
    assert services.disposals_propose(now=when) >= 1
    proposal = DisposalProposal.objects.get()
    # Files go once the disposal commits.
    with on_commit(execute=True):
        return services.dispose_customer(actor=ig, proposal=proposal, now=when)


# --- the schedule ---------------------------------------------------------------------------


def test_never_referred_customers_are_due_six_years_after_their_last_contact():
    assert due_date(last_case_closed=None, last_activity=dt.date(2019, 3, 1)) == (
        RetentionRule.AFTER_LAST_CONTACT, dt.date(2025, 3, 1))


def test_referred_customers_are_due_six_years_after_their_last_case_closed():
    assert due_date(last_case_closed=dt.date(2019, 1, 31),
                    last_activity=dt.date(2018, 6, 1)) == (
        RetentionRule.AFTER_CASE_CLOSED, dt.date(2025, 1, 31))


def test_a_contact_after_the_case_closed_keeps_the_records_longer():
    assert due_date(last_case_closed=dt.date(2019, 1, 31),
                    last_activity=dt.date(2020, 5, 4))[1] == dt.date(2026, 5, 4)


def test_a_29_february_anchor_falls_due_on_28_february_in_calendar_months():
    assert due_date(last_case_closed=None,
                    last_activity=dt.date(2020, 2, 29))[1] == dt.date(2026, 2, 28)


def test_the_schedule_follows_the_settings(settings):
    settings.RETENTION_YEARS_AFTER_LAST_CONTACT = 2
    assert due_date(last_case_closed=None,
                    last_activity=dt.date(2020, 1, 10))[1] == dt.date(2022, 1, 10)


def test_a_customer_is_due_only_once_six_years_have_passed_since_the_last_contact(adults):
    customer = CustomerFactory(directorates=[adults])
    contact = ContactFactory(customer=customer, directorate=adults)
    last = timezone.localdate(contact.occurred_at)
    Customer.objects.filter(pk=customer.pk).update(created_at=contact.occurred_at)
    due_day = due_date(last_case_closed=None, last_activity=last)[1]
    assert customers_due(due_day - dt.timedelta(days=1)) == []
    [due] = customers_due(due_day)
    assert (due.customer_id, due.rule, due.due_since) == (
        customer.pk, RetentionRule.AFTER_LAST_CONTACT, due_day)


def test_a_customer_with_an_open_case_is_never_due(make_case, customer):
    make_case("referred", customer=customer)
    assert customers_due(timezone.localdate() + dt.timedelta(days=365 * 30)) == []


def test_a_customer_with_a_designation_in_force_is_never_due(make_case, customer,
                                                             letter_storage):
    make_case("designated", customer=customer)
    assert customers_due(timezone.localdate() + dt.timedelta(days=365 * 30)) == []


def test_a_customer_whose_case_closed_is_due_six_years_later(full_customer):
    assert customers_due(timezone.localdate(years_on(6, -10))) == []
    [due] = customers_due(timezone.localdate(years_on(6)))
    assert (due.customer_id, due.rule) == (full_customer.pk, RetentionRule.AFTER_CASE_CLOSED)


# --- the sweep and legal holds --------------------------------------------------------------


def test_the_daily_sweep_proposes_disposal_once_and_deletes_nothing(full_customer):
    before = _counts()
    report = run_sweep(now=years_on(6))
    assert report.disposals_proposed == 1
    assert run_sweep(now=years_on(6)).disposals_proposed == 0
    proposal = DisposalProposal.objects.get()
    assert (proposal.customer_id, proposal.status) == (full_customer.pk, ProposalStatus.PROPOSED)
    after = _counts()
    # The sweep's other work adds reminders and events; of the customer's records nothing
    # has gone (its own housekeeping removes only stale kept uploads).
    fewer = {k for k, v in after.items() if v < before[k]} - {"cases.KeptUpload"}
    assert fewer == set()
    assert Customer.objects.get(pk=full_customer.pk).full_name == NAME


def test_a_legal_hold_stops_the_proposal_and_the_approval(full_customer, ig):
    when = years_on(6)
    services.disposals_propose(now=when)
    proposal = DisposalProposal.objects.get()
    hold = services.legal_hold_place(actor=ig, customer=full_customer,
                                     reason=HoldReason.OMBUDSMAN, note="Case 24 001 234")
    before = _counts()
    with pytest.raises(ServiceError, match="legal hold"):
        services.dispose_customer(actor=ig, proposal=proposal, now=when)
    assert _counts() == before
    assert DisposalProposal.objects.get().status == ProposalStatus.HELD
    assert customers_due(timezone.localdate(when)) == []
    assert services.disposals_propose(now=when) == 0

    services.legal_hold_lift(actor=ig, hold=hold)
    assert services.disposals_propose(now=when) == 1
    assert DisposalProposal.objects.get().status == ProposalStatus.PROPOSED


def test_approving_refuses_records_no_longer_due(full_customer, ig, officer, adults):
    when = years_on(6)
    services.disposals_propose(now=when)
    ContactFactory(customer=full_customer, directorate=adults, occurred_at=when)
    with pytest.raises(ServiceError, match="no longer due"):
        services.dispose_customer(actor=ig, proposal=DisposalProposal.objects.get(), now=when)
    assert Customer.objects.get(pk=full_customer.pk).full_name == NAME


def test_only_information_governance_approves_a_disposal(full_customer, senior_manager):
    services.disposals_propose(now=years_on(6))
    with pytest.raises(NotAllowed):
        services.dispose_customer(actor=senior_manager, proposal=DisposalProposal.objects.get(),
                                  now=years_on(6))


# --- erasure ----------------------------------------------------------------------------------


def test_approval_erases_every_row_history_row_and_file_of_the_customer(
    full_customer, ig, private_media, django_capture_on_commit_callbacks
):
    case = DesignationCase.objects.get(customer=full_customer)
    assert Letter.objects.filter(case=case).exists() and CouncilNotice.objects.exists()
    files = [p for p in private_media.rglob("*") if p.is_file()]
    assert len(files) >= 3  # the letter, the attachment, the kept upload
    dump = _dump()
    assert NAME in dump and EMAIL in dump and NEIGHBOUR in dump and case.reference in dump

    record = _propose_and_approve(ig, years_on(6), django_capture_on_commit_callbacks)

    for model in (Contact, ContactAttachment, KeptUpload, Matter, Letter, CouncilNotice,
                  RecordView, DisposalProposal):
        assert model.objects.count() == 0, model
    dump = _dump()
    for text in (NAME, EMAIL, NEIGHBOUR, full_customer.reference, case.reference,
                 "Persistent and unreasonable contact", "Calls every day"):
        assert text not in dump, text
    assert [p for p in private_media.rglob("*") if p.is_file()] == []
    assert record.files_removed == len(files)
    assert record.counts["cases.Contact"] == 1 and record.counts["letters.Letter"] == 1
    assert record.history_rows > 0


def test_erased_customers_and_their_cases_leave_casework(
    full_customer, ig, service_manager, django_capture_on_commit_callbacks
):
    assert customers_for(service_manager).filter(pk=full_customer.pk).exists()
    _propose_and_approve(ig, years_on(6), django_capture_on_commit_callbacks)
    assert not customers_for(service_manager).filter(pk=full_customer.pk).exists()
    assert not cases_for(service_manager).filter(customer=full_customer).exists()


def test_what_the_report_counts_is_kept_without_its_words(
    full_customer, ig, django_capture_on_commit_callbacks
):
    case = DesignationCase.objects.get(customer=full_customer)
    kept = (case.designated_on, case.lead_directorate_id, case.state,
            set(case.decision_indicators.values_list("pk", flat=True)))
    _propose_and_approve(ig, years_on(6), django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert (case.designated_on, case.lead_directorate_id, case.state,
            set(case.decision_indicators.values_list("pk", flat=True))) == kept
    assert (case.referral_reason, case.decision_reasons) == ("", "")
    assert Warning.objects.filter(case=case).get().summary == ""
    assert set(Sanction.objects.filter(case=case).values_list("reasons", flat=True)) == {""}
    assert Challenge.objects.get(case=case).grounds == ""
    assert DesignationCase.history.filter(id=case.pk).count() == 0
    customer = Customer.objects.get(pk=full_customer.pk)
    assert customer.erased_at is not None and customer.full_name == services.ERASED_NAME
    assert customer.last_contact_at is None  # went with the contacts


def test_the_disposal_record_names_nobody(
    full_customer, ig, django_capture_on_commit_callbacks
):
    case_reference = DesignationCase.objects.get(customer=full_customer).reference
    record = _propose_and_approve(ig, years_on(6), django_capture_on_commit_callbacks)
    stored = str({f.attname: getattr(record, f.attname) for f in DisposalRecord._meta.fields})
    for text in (NAME, EMAIL, full_customer.reference, case_reference):
        assert text not in stored
    assert not any(isinstance(f, models.ForeignKey) and f.related_model is not None
                   and f.related_model is not get_user_model()
                   for f in DisposalRecord._meta.fields)
    assert (record.rule, record.approved_by) == (RetentionRule.AFTER_CASE_CLOSED, ig)


def test_approving_several_disposes_of_each_and_reports_the_refused(adults, ig):
    customers = [CustomerFactory(directorates=[adults]) for _ in range(3)]
    long_ago = timezone.now() - dt.timedelta(days=365 * 7)
    Customer.objects.update(created_at=long_ago)
    services.disposals_propose()
    services.legal_hold_place(actor=ig, customer=customers[0], reason=HoldReason.LITIGATION)
    records, refused = services.disposals_approve(
        actor=ig, proposals=list(DisposalProposal.objects.all()))
    assert len(records) == 2 and len(refused) == 1
    assert Customer.objects.filter(erased_at__isnull=True).get() == customers[0]


# --- nothing can be forgotten ---------------------------------------------------------------


def _reaching_customer() -> set[type[models.Model]]:
    """Every model (history aside) with a foreign key chain to Customer."""
    reach = {Customer}
    grown = True
    while grown:
        grown = False
        for model in apps.get_models():
            if model in reach or model._meta.label.split(".")[1].startswith("Historical"):
                continue
            targets = {f.related_model for f in model._meta.get_fields()
                       if f.many_to_one or f.one_to_one}
            if targets & reach:
                reach.add(model)
                grown = True
    return reach


def test_every_model_reaching_a_customer_is_disposed_of():
    """A new kind of record holding a customer's data must be added to disposal (deleted or
    anonymised), or this fails: nothing is silently kept."""
    handled = set(services.DELETED) | set(services.ANONYMISED)
    assert _reaching_customer() - handled == set()
