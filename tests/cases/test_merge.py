"""Merging two records of one person (issue 12, item 2): everything follows the survivor,
the merged-away record keeps its history and redirects, the one-open-case rule is kept the
way the manager chose, undo puts back exactly what moved, and who may merge."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases import selectors
from cases import services as case_services
from cases.choices import Channel, ClosingReason, EventKind, WarningMethod
from cases.models import (
    AccessKind,
    CaseEvent,
    CaseState,
    Contact,
    ContactAttachment,
    Customer,
    CustomerMerge,
    DesignationCase,
    DuplicateOverride,
    OpenCasesChoice,
    RecordView,
)
from cases.services.merge import customer_merge, customer_merge_undo, customer_relations
from governance.services import legal_hold_place, sar_record
from letters.services import case_inform_council, letter_issue
from reviews.services import challenge_record
from sanctions.models import Sanction
from tests.factories import CustomerFactory, MatterFactory, UserFactory, some_indicators
from ucp.errors import NotAllowed, ServiceError

pytestmark = pytest.mark.django_db

REASON = "Same date of birth and address, confirmed with him on the phone."


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def ig(db):
    return UserFactory(username="helen", roles=[Role.INFORMATION_GOVERNANCE],
                       directorates__council_wide=True)


@pytest.fixture
def survivor(adults):
    return CustomerFactory(full_name="Ian Sewell", email="", phone="017687 12345",
                           postcode="CA12 4HF", directorates=[adults])


@pytest.fixture
def duplicate(customer, make_case, officer, service_manager, senior_manager, adults,
              children, ig, letter_storage, eager_celery):
    """The record to merge away, with a row of every kind that points at a customer: a
    matter, a contact with an upload, a kept upload, an informal warning, a designation in
    force with sanctions, its letter, a challenge, a correction and a dispute statement, a
    subject access request, a legal hold, the access log and a duplicate check's override;
    and a second directorate."""
    case = make_case("designated", customer=customer)
    letter_issue(actor=senior_manager, kind="designation", case=case)
    case_inform_council(actor=senior_manager, case=case, staff=[senior_manager])
    matter = MatterFactory(customer=customer, directorate=adults, created_by=officer)
    contact = case_services.contact_log(
        actor=officer, customer=customer, directorate=adults, channel=Channel.LETTER,
        direction="inbound", occurred_at=timezone.now() - dt.timedelta(hours=1),
        handled_by=officer, matter=matter, summary="Letter about the bins",
        files=[SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter",
                                  content_type="application/pdf")],
    )
    case_services.upload_keep(actor=officer, customer=customer, upload=SimpleUploadedFile(
        "kept.pdf", b"%PDF-1.4 kept", content_type="application/pdf"))
    case_services.warning_give_informal(
        actor=officer, customer=customer, directorate=adults, method=WarningMethod.IN_PERSON,
        given_on=timezone.localdate(), behaviours=some_indicators(1),
        summary="Told him shouting at staff is unacceptable.")
    challenge_record(actor=officer, case=case, channel="letter",
                     received_on=timezone.localdate(), grounds="The designation is unfair")
    case_services.dispute_record(actor=service_manager, record=contact,
                                 statement="I never wrote that letter.",
                                 received_on=timezone.localdate())
    case_services.customer_correct(actor=service_manager, customer=customer,
                                   reason="Misspelt when the record was made.",
                                   full_name="Ian Sewel")
    sar_record(actor=ig, customer=customer, received_on=timezone.localdate())
    legal_hold_place(actor=ig, customer=customer, reason="litigation")
    RecordView.objects.create(user=officer, customer=customer, case=case, path="/x/")
    DuplicateOverride.objects.create(customer=customer, why_matched="Same phone",
                                     reason="A different person: checked with the caller.",
                                     recorded_by=officer)
    customer.directorates.add(children)
    customer.refresh_from_db()
    return customer


def _rows(customer: Customer) -> dict[str, set[int]]:
    """The ids of every row pointing at `customer`, by model, found from the models'
    `_meta` (history aside): independent of the service's own walk."""
    found = {}
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if (field.many_to_one or field.one_to_one) and field.concrete \
                    and field.related_model is Customer and model is not CustomerMerge \
                    and field.name != "merged_into":
                ids = set(model._default_manager.filter(**{field.name: customer})
                          .values_list("pk", flat=True))
                found[f"{model._meta.label}.{field.name}"] = ids
    return found


# --- nothing is left behind ------------------------------------------------------------------


def test_the_service_walks_every_relation_to_customer():
    walked = {f"{m._meta.label}.{f.name}" for m, f in customer_relations()}
    assert walked == set(_rows(Customer(pk=0)))


def test_every_record_of_every_kind_follows_the_survivor(duplicate, survivor, service_manager,
                                                         adults, children):
    before = _rows(duplicate)
    # The fixture has a row of every kind but one (a disposal proposal refuses the merge,
    # tested below), so a model added later with no row here fails this test.
    empty = {k for k, ids in before.items() if not ids}
    assert empty == {"governance.DisposalProposal.customer"}
    survivor_before = _rows(survivor)

    merge = customer_merge(actor=service_manager, survivor=survivor, merged=duplicate,
                           reason=REASON)

    after_merged, after_survivor = _rows(duplicate), _rows(survivor)
    for key, ids in before.items():
        assert not after_merged[key] & ids, key
        assert ids <= after_survivor[key] and survivor_before[key] <= after_survivor[key], key
        if key != "cases.RecordView.customer":  # the merge itself is logged on both
            assert after_merged[key] == set(), key
            assert after_survivor[key] == survivor_before[key] | ids, key
    assert {label: set(ids) for label, ids in merge.moved.items()} == {
        key.rsplit(".", 1)[0]: ids for key, ids in before.items() if ids}
    # What hangs off the cases went with them: sanctions, letters, challenges, uploads.
    case = DesignationCase.objects.get(customer=survivor)
    assert Sanction.objects.filter(case=case).exists()
    assert case.letters.filter(customer=survivor).exists()
    assert case.challenges.exists()
    assert ContactAttachment.objects.filter(contact__customer=survivor).count() == 1
    assert set(survivor.directorates.all()) == {adults, children}
    assert merge.directorates_added == [children.pk]


def test_the_merged_away_record_stays_with_its_history_and_is_never_listed(
    duplicate, survivor, service_manager, officer
):
    customer_merge(actor=service_manager, survivor=survivor, merged=duplicate, reason=REASON)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor and duplicate.merged_at is not None
    assert duplicate.full_name == "Ian Sewel"  # its own details kept
    latest = duplicate.history.first()
    assert latest.merged_into_id == survivor.pk
    assert latest.history_change_reason == f"Merged {duplicate.reference} into {survivor.reference}"
    assert duplicate.history.count() >= 2  # made, corrected, merged
    assert survivor.history.first().history_user == service_manager
    # A moved contact's history says it moved.
    contact = Contact.objects.get(customer=survivor)
    assert contact.history.first().customer_id == survivor.pk
    assert contact.history.last().customer_id == duplicate.pk
    assert duplicate not in selectors.customers_for(officer)
    assert list(selectors.customer_search(officer, "Sewel")) == [survivor]


def test_details_chosen_from_the_other_record_survive(duplicate, survivor, service_manager):
    merge = customer_merge(actor=service_manager, survivor=survivor, merged=duplicate,
                           reason=REASON, take=["email"])
    survivor.refresh_from_db()
    assert survivor.email == duplicate.email and survivor.full_name == "Ian Sewell"
    assert merge.fields_taken == {"email": ["", duplicate.email]}


def test_the_merge_is_in_the_chronology_of_the_cases_and_the_access_log(
    duplicate, survivor, service_manager
):
    customer_merge(actor=service_manager, survivor=survivor, merged=duplicate, reason=REASON,
                   path="/customers/x/merge/")
    event = CaseEvent.objects.get(kind=EventKind.CUSTOMER_MERGED)
    assert event.case.customer == survivor and event.actor == service_manager
    assert event.summary == f"{duplicate.reference} merged into {survivor.reference}"
    logged = RecordView.objects.filter(user=service_manager, kind=AccessKind.ACTION)
    assert {r.customer_id for r in logged} == {survivor.pk, duplicate.pk}


# --- the merged reference ------------------------------------------------------------------


def test_a_merged_reference_redirects_to_the_survivor_with_a_notice(
    duplicate, survivor, service_manager, officer, login
):
    customer_merge(actor=service_manager, survivor=survivor, merged=duplicate, reason=REASON)
    client = login(officer)
    response = client.get(f"/customers/{duplicate.reference.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == survivor.get_absolute_url()
    page = text(client.get(response["Location"]))
    day = timezone.localdate().strftime("%-d %B %Y")
    assert (f"{duplicate.reference} was merged into {survivor.reference} on {day} by "
            f"{service_manager.get_full_name()}") in page
    # Every route that takes a customer reference follows it, to the same page.
    response = client.get(reverse("customers:contact_create", args=[duplicate.reference]))
    assert response["Location"] == reverse("customers:contact_create",
                                           args=[survivor.reference])
    # A form posted to the old reference is not saved, and says so.
    response = client.post(reverse("customers:contact_create", args=[duplicate.reference]),
                           {"summary": "x"})
    assert response.status_code == 302 and response["Location"] == survivor.get_absolute_url()
    assert "Nothing was saved" in text(client.get(response["Location"]))


def test_a_merged_reference_is_a_404_to_whoever_may_not_see_the_survivor(
    duplicate, survivor, service_manager, outsider, login
):
    customer_merge(actor=service_manager, survivor=survivor, merged=duplicate, reason=REASON)
    # The outsider works in Children, which only the merged-away record dealt with... and
    # the survivor now does too; take Children off to test the scope.
    survivor.directorates.remove(*survivor.directorates.exclude(short_name="adults"))
    assert login(outsider).get(f"/customers/{duplicate.reference}/").status_code == 404


# --- the one open case ---------------------------------------------------------------------


@pytest.fixture
def two_open(make_case, adults, survivor):
    other = CustomerFactory(full_name="Ian Sewel", directorates=[adults])
    return (make_case("assessment", customer=survivor),
            make_case("referred", customer=other), other)


def test_both_open_cases_need_the_managers_choice(two_open, survivor, service_manager):
    _kept, _closed, other = two_open
    with pytest.raises(ServiceError, match="choose which one stays open"):
        customer_merge(actor=service_manager, survivor=survivor, merged=other, reason=REASON)
    assert not CustomerMerge.objects.exists()


@pytest.mark.parametrize("choice", [OpenCasesChoice.KEEP_SURVIVOR, OpenCasesChoice.KEEP_MERGED])
def test_the_case_not_kept_is_closed_as_a_duplicate_and_the_choice_recorded(
    two_open, survivor, service_manager, choice
):
    survivor_case, merged_case, other = two_open
    merge = customer_merge(actor=service_manager, survivor=survivor, merged=other,
                           reason=REASON, keep_open=choice)
    kept, closed = ((survivor_case, merged_case) if choice == OpenCasesChoice.KEEP_SURVIVOR
                    else (merged_case, survivor_case))
    kept.refresh_from_db()
    closed.refresh_from_db()
    assert kept.is_open and closed.state == CaseState.CLOSED
    assert closed.closing_reason == ClosingReason.DUPLICATE
    assert kept.reference in closed.closing_note
    assert (merge.open_cases, merge.closed_case) == (choice, closed)
    assert closed.events.filter(kind=EventKind.CLOSE_AS_DUPLICATE).exists()
    assert survivor.cases.filter(state__in=("referred", "warned", "assessment",
                                            "awaiting_decision")).count() == 1


def test_the_last_contact_follows_the_contacts_and_comes_back_on_undo(
    duplicate, survivor, service_manager
):
    latest = duplicate.contacts.order_by("-occurred_at").first().occurred_at
    duplicate.refresh_from_db()
    assert survivor.last_contact_at is None and duplicate.last_contact_at == latest
    merge = customer_merge(actor=service_manager, survivor=survivor, merged=duplicate,
                           reason=REASON)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert survivor.last_contact_at == latest and duplicate.last_contact_at is None
    customer_merge_undo(actor=service_manager, merge=merge)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert survivor.last_contact_at is None and duplicate.last_contact_at == latest


# --- undo ----------------------------------------------------------------------------------


def test_undo_moves_back_exactly_what_moved(duplicate, survivor, service_manager, children):
    survivor_rows = _rows(survivor)
    duplicate_rows = _rows(duplicate)
    merge = customer_merge(actor=service_manager, survivor=survivor, merged=duplicate,
                           reason=REASON, take=["email"])
    customer_merge_undo(actor=service_manager, merge=merge)

    after_survivor, after_duplicate = _rows(survivor), _rows(duplicate)
    views = "cases.RecordView.customer"  # the merge itself is in the access log of both
    for key in survivor_rows:
        if key == views:
            continue
        assert after_survivor[key] == survivor_rows[key], key
        assert after_duplicate[key] == duplicate_rows[key], key
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.merged_into is None and duplicate in selectors.customers_for(
        service_manager)
    assert survivor.email == "" and children not in survivor.directorates.all()
    merge.refresh_from_db()
    assert merge.undone_by == service_manager and merge.undone_at is not None
    assert CaseEvent.objects.filter(kind=EventKind.CUSTOMER_MERGE_UNDONE).exists()


def test_undo_reopens_the_case_closed_as_a_duplicate(two_open, survivor, service_manager):
    survivor_case, merged_case, other = two_open
    merge = customer_merge(actor=service_manager, survivor=survivor, merged=other,
                           reason=REASON, keep_open=OpenCasesChoice.KEEP_SURVIVOR)
    customer_merge_undo(actor=service_manager, merge=merge)
    merged_case.refresh_from_db()
    assert merged_case.state == CaseState.REFERRED and merged_case.customer == other
    assert merged_case.closing_reason == "" and merged_case.closed_at is None
    assert merged_case.events.filter(kind=EventKind.REOPEN_AFTER_UNMERGE).exists()


@pytest.mark.parametrize("added", ["contact", "matter", "case_event", "details"])
def test_undo_is_refused_once_something_was_added(
    duplicate, survivor, service_manager, officer, adults, added
):
    merge = customer_merge(actor=service_manager, survivor=survivor, merged=duplicate,
                           reason=REASON)
    if added == "contact":
        case_services.contact_log(
            actor=officer, customer=survivor, directorate=adults, channel=Channel.PHONE,
            direction="inbound", occurred_at=timezone.now(), duration_minutes=5,
            handled_by=officer, summary="Rang again")
    elif added == "matter":
        MatterFactory(customer=survivor, directorate=adults, created_by=officer)
    elif added == "case_event":
        case = survivor.cases.get()
        from cases import workflow
        workflow.record_event(case, actor=officer, kind=EventKind.CUSTOMER_UPDATED,
                              summary="Something happened", at=timezone.now())
    else:
        case_services.customer_update(actor=officer, customer=survivor, address="New address")
    with pytest.raises(ServiceError, match="cannot be undone"):
        customer_merge_undo(actor=service_manager, merge=merge)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor


# --- who may merge ---------------------------------------------------------------------------


def test_an_officer_cannot_merge(duplicate, survivor, officer, login):
    with pytest.raises(NotAllowed):
        customer_merge(actor=officer, survivor=survivor, merged=duplicate, reason=REASON)
    url = reverse("customers:merge", args=[survivor.reference])
    assert login(officer).get(url, {"other": duplicate.reference}).status_code == 403


def test_a_manager_of_another_directorate_cannot_merge(survivor, children, login):
    other_manager = UserFactory(roles=[Role.SERVICE_MANAGER], directorates=[children])
    url = reverse("customers:merge", args=[survivor.reference])
    assert login(other_manager).get(url).status_code == 404


def test_a_record_the_manager_may_not_see_is_refused_on_the_form(
    survivor, service_manager, children, login
):
    hidden = CustomerFactory(directorates=[children])
    url = reverse("customers:merge", args=[survivor.reference])
    response = login(service_manager).get(url, {"other": hidden.reference})
    assert response.status_code == 422
    page = text(response)
    assert "No customer record you can see has that reference" in page
    assert hidden.full_name not in page and hidden.reference in page  # what was typed


def test_a_record_proposed_for_disposal_is_not_merged(survivor, service_manager, adults):
    from governance.models import DisposalProposal
    other = CustomerFactory(directorates=[adults])
    DisposalProposal.objects.create(customer=other, rule="after_last_contact",
                                    due_since=timezone.localdate())
    with pytest.raises(ServiceError, match="proposed for disposal"):
        customer_merge(actor=service_manager, survivor=survivor, merged=other, reason=REASON)


# --- the pages -----------------------------------------------------------------------------


def test_the_comparison_shows_both_side_by_side_and_the_merge_happens_from_it(
    duplicate, survivor, service_manager, login
):
    client = login(service_manager)
    url = reverse("customers:merge", args=[survivor.reference])
    page = text(client.get(url, {"other": duplicate.reference}))
    for shown in (survivor.full_name, duplicate.full_name, duplicate.email, "Restricted",
                  "Differs", "Contacts", "Subject access requests"):
        assert shown in page, shown
    # Keep the duplicate's email, and merge the duplicate into this record.
    response = client.post(f"{url}?other={duplicate.reference}", {
        "survivor": survivor.reference, "field_email": duplicate.reference,
        "field_full_name": survivor.reference, "field_phone": survivor.reference,
        "field_postcode": survivor.reference, "field_address": survivor.reference,
        "reason": REASON,
    })
    assert response.status_code == 302 and response["Location"] == survivor.get_absolute_url()
    survivor.refresh_from_db()
    assert survivor.email == duplicate.email
    page = text(client.get(response["Location"]))
    assert f"{duplicate.reference}</strong> ({duplicate.full_name}) was merged into this record" \
        in page
    merge = CustomerMerge.objects.get()
    undo = reverse("customers:merge_undo", args=[survivor.reference, merge.pk])
    assert undo in page
    assert client.post(undo).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_a_merge_form_without_a_reason_keeps_what_was_chosen(
    duplicate, survivor, service_manager, login
):
    client = login(service_manager)
    url = reverse("customers:merge", args=[survivor.reference])
    response = client.post(f"{url}?other={duplicate.reference}", {
        "survivor": duplicate.reference, "field_email": duplicate.reference, "reason": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'value="{duplicate.reference}" checked' in page or \
        f'value="{duplicate.reference}"\n' in page or "checked" in page
    assert not CustomerMerge.objects.exists()


def test_every_relation_field_is_a_real_foreign_key():
    # The walk relies on concrete keys; a generic relation would escape it.
    for model, field in customer_relations():
        assert isinstance(field, models.ForeignKey), (model, field)
