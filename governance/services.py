"""Retention and disposal: legal holds, the sweep's proposals, and disposal itself.

Disposal erases a customer completely, in dependency order, in one transaction: every row
about them, their history rows, their uploaded and letter files (removed once the
transaction commits, so a rollback loses nothing) and the access log's entries about them.

What the directorate report counts (designations, their indicators and directorates,
warnings, sanctions, challenges, reviews) is not deleted but anonymised: the rows keep
their dates, states, kinds, directorates and indicators and lose every word of free text
and the references printed on letters; the customer row stays as an empty "Erased record"
with `erased_at` set, which casework never lists. So the report's past figures stay true
without a second set of books to keep in step with every figure (README, "Retention and
disposal").

Writes of the information-governance role: subject access requests.

Each service is one step a data protection officer takes, keyword-only, in one
transaction; each saves with history (who, when), so the request's own history is its
audit trail. Producing and releasing the disclosure also go in the personal data access
log (`governance.access`), since they hand the customer's records out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.roles import Role, has_role
from cases import deadlines, workflow
from cases.models import (
    AlternativeConsideration,
    CaseEvent,
    CaseTurn,
    Contact,
    ContactAttachment,
    Correction,
    Customer,
    CustomerMerge,
    DesignationCase,
    DisputeStatement,
    DuplicateOverride,
    KeptUpload,
    Matter,
    PreconditionCheck,
    RecordView,
    Warning,
)
from cases.references import unique_reference
from governance import access, disclosure
from governance.models import (
    DisposalProposal,
    DisposalRecord,
    HoldReason,
    LegalHold,
    ProposalStatus,
    SarAlert,
    SarFileChoice,
    SarFileDecision,
    SarRedaction,
    SarStatus,
    SubjectAccessRequest,
)
from governance.retention import customers_due, is_held
from letters.models import CouncilNotice, CouncilNoticeRecipient, Letter
from reviews.models import Challenge, DeadlineAlert, Review
from sanctions.models import ContactBreach, FiledItem, Sanction
from ucp.errors import NotAllowed, ServiceError

ERASED_NAME = "Erased record"

# Every model holding a customer's data, and what disposal does to it. The test
# `test_every_model_reaching_a_customer_is_disposed_of` walks the foreign keys from
# Customer and fails on a model in neither list, so a new kind of record cannot be missed.
DELETED: tuple[type[models.Model], ...] = (
    SarAlert, SarRedaction, SarFileDecision, SubjectAccessRequest, Correction, DisputeStatement,
    CouncilNoticeRecipient, CouncilNotice, Letter, DeadlineAlert, ContactBreach, FiledItem,
    CaseEvent, PreconditionCheck, AlternativeConsideration, ContactAttachment, KeptUpload,
    Contact, Matter, RecordView, LegalHold, DisposalProposal, DuplicateOverride, CustomerMerge,
    CaseTurn,
)
ANONYMISED: dict[type[models.Model], dict[str, str | None]] = {
    DesignationCase: {"referral_reason": "", "warning_skip_reason": "",
                      "decision_reasons": "", "closing_note": ""},
    Warning: {"summary": ""},
    Sanction: {"reasons": "", "council_wide_justification": "", "ended_reason": "",
               "offices": "", "reference": ""},
    Challenge: {"grounds": "", "late_decision_reason": "", "outcome_reasons": ""},
    Review: {"reasons": ""},
    Customer: {"full_name": ERASED_NAME, "address": "", "postcode": "", "email": "",
               "phone": "", "phone_digits": "", "communication_needs": "",
               "name_key": "", "email_key": "", "postcode_key": "", "postcode_outward": "",
               "address_key": "",
               "reasonable_adjustments": "", "representative_name": "",
               "representative_details": "", "preferred_contact_method": "",
               # When they were last in touch goes with the contacts.
               "last_contact_at": None},
}


def _information_governance(actor) -> None:
    if not has_role(actor, Role.INFORMATION_GOVERNANCE):
        raise NotAllowed("Only the information governance role approves disposals and holds.")


# --- legal holds -------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(*, actor, customer: Customer, reason: str, note: str = "",
                     now: dt.datetime | None = None) -> LegalHold:
    _information_governance(actor)
    if reason not in HoldReason.values:
        raise ServiceError("Choose why the records are held.")
    hold = LegalHold.objects.create(customer=customer, reason=reason, note=note.strip(),
                                    placed_by=actor, placed_at=now or timezone.now())
    DisposalProposal.objects.filter(customer=customer).update(status=ProposalStatus.HELD)
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold: LegalHold, now: dt.datetime | None = None) -> LegalHold:
    _information_governance(actor)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ServiceError("This hold was already lifted.")
    hold.lifted_by, hold.lifted_at = actor, now or timezone.now()
    hold.save(update_fields=["lifted_by", "lifted_at"])
    # Whether the records are still due is the next sweep's question.
    if not is_held(hold.customer_id):
        DisposalProposal.objects.filter(customer_id=hold.customer_id,
                                        status=ProposalStatus.HELD).delete()
    return hold


# --- the sweep's proposals ---------------------------------------------------------------------


@transaction.atomic
def disposals_propose(*, now: dt.datetime | None = None) -> int:
    """List every customer due for disposal as a proposal; drop proposals no longer due (a
    new contact, a new case); mark held the proposals of customers since held. Returns how
    many proposals are new. Idempotent: a second run the same day proposes nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = {d.customer_id: d for d in customers_due(today)}
    existing = {p.customer_id: p for p in DisposalProposal.objects.select_for_update()}
    for customer_id, proposal in existing.items():
        if customer_id in due:
            continue
        if is_held(customer_id):
            if proposal.status != ProposalStatus.HELD:
                proposal.status = ProposalStatus.HELD
                proposal.save(update_fields=["status"])
        else:
            proposal.delete()
    new = [
        DisposalProposal(customer_id=d.customer_id, rule=d.rule, due_since=d.due_since,
                         proposed_at=now)
        for customer_id, d in due.items() if customer_id not in existing
    ]
    DisposalProposal.objects.bulk_create(new)
    return len(new)


# --- disposal ----------------------------------------------------------------------------------


def erase_access_log(customer_id: int) -> int:
    """The one place the access log's entries about a customer go (the access log's own
    model may replace RecordView: change this function, nothing else)."""
    return _delete(RecordView.objects.filter(customer_id=customer_id))


def _ids(qs) -> list[int]:
    return list(qs.values_list("pk", flat=True))


def _history_ids(model, **lookup) -> set[int]:
    """Ids of rows the history remembers (those deleted since included)."""
    return set(model.history.filter(**lookup).values_list("id", flat=True))


def _delete(qs) -> int:
    # `QuerySet.delete` here only, on purpose: the rows' history goes too (below), which
    # is the point of disposal.
    deleted, _ = qs.delete()
    return deleted


def _delete_history(model, ids: Iterable[int]) -> int:
    """Delete every history row of these objects, with the history of their many-to-many
    fields (simple-history keeps those in tables of their own, keyed to the history row)."""
    ids = list(ids)
    if not ids or not hasattr(model, "history"):
        return 0
    historical = model.history.model
    history_ids = list(historical.objects.filter(id__in=ids).values_list("history_id", flat=True))
    n = 0
    for rel in historical._meta.related_objects:
        n += _delete(rel.related_model._default_manager.filter(
            **{f"{rel.field.name}__in": history_ids}
        ))
    return n + _delete(historical.objects.filter(history_id__in=history_ids))


def _label(model) -> str:
    return model._meta.label


@transaction.atomic
def dispose_customer(*, actor, proposal: DisposalProposal,
                     now: dt.datetime | None = None) -> DisposalRecord:
    """Erase the customer of an approved proposal (see the module's docstring).

    Refused, with nothing changed, when the actor is not information governance, the
    customer is held, or the records are no longer due (a contact or a case since the
    proposal)."""
    _information_governance(actor)
    now = now or timezone.now()
    proposal = DisposalProposal.objects.select_for_update().filter(pk=proposal.pk).first()
    if proposal is None:
        raise ServiceError("This proposal has already been dealt with.")
    customer = Customer.objects.select_for_update().get(pk=proposal.customer_id)
    if is_held(customer.pk):
        proposal.status = ProposalStatus.HELD
        proposal.save(update_fields=["status"])
        raise ServiceError("These records are under a legal hold: they cannot be disposed of.")
    if not customers_due(timezone.localdate(now), customer_ids=[customer.pk]):
        proposal.delete()
        raise ServiceError("These records are no longer due for disposal (something new "
                           "happened since the proposal): nothing was deleted.")
    c = customer.pk
    # What belongs to them, living or remembered only by the history.
    case_ids = set(_ids(DesignationCase.objects.filter(customer_id=c))) | _history_ids(
        DesignationCase, customer_id=c)
    contact_ids = set(_ids(Contact.objects.filter(customer_id=c))) | _history_ids(
        Contact, customer_id=c)
    matter_ids = set(_ids(Matter.objects.filter(customer_id=c))) | _history_ids(
        Matter, customer_id=c)
    letter_q = Q(customer_id=c) | Q(case_id__in=case_ids)
    letter_ids = set(_ids(Letter.objects.filter(letter_q))) | {
        i for i in Letter.history.filter(letter_q).values_list("id", flat=True)}
    sanction_ids = set(_ids(Sanction.objects.filter(case_id__in=case_ids))) | _history_ids(
        Sanction, case_id__in=case_ids)
    notice_ids = set(_ids(CouncilNotice.objects.filter(case_id__in=case_ids))) | _history_ids(
        CouncilNotice, case_id__in=case_ids)
    by_case = {"case_id__in": case_ids}
    by_contact = {"contact_id__in": contact_ids}
    sar_ids = set(_ids(SubjectAccessRequest.objects.filter(customer_id=c)))
    owned: dict[type[models.Model], set[int]] = {
        CouncilNoticeRecipient: set(_ids(CouncilNoticeRecipient.objects.filter(
            notice_id__in=notice_ids))) | _history_ids(CouncilNoticeRecipient,
                                                       notice_id__in=notice_ids),
        CouncilNotice: notice_ids,
        Letter: letter_ids,
        DeadlineAlert: set(_ids(DeadlineAlert.objects.filter(**by_case)))
        | _history_ids(DeadlineAlert, **by_case),
        ContactBreach: set(_ids(ContactBreach.objects.filter(
            Q(contact_id__in=contact_ids) | Q(sanction_id__in=sanction_ids))))
        | _history_ids(ContactBreach, **by_contact),
        FiledItem: set(_ids(FiledItem.objects.filter(
            Q(contact_id__in=contact_ids) | Q(sanction_id__in=sanction_ids))))
        | _history_ids(FiledItem, **by_contact),
        CaseEvent: set(_ids(CaseEvent.objects.filter(**by_case)))
        | _history_ids(CaseEvent, **by_case),
        PreconditionCheck: set(_ids(PreconditionCheck.objects.filter(**by_case)))
        | _history_ids(PreconditionCheck, **by_case),
        AlternativeConsideration: set(_ids(AlternativeConsideration.objects.filter(**by_case)))
        | _history_ids(AlternativeConsideration, **by_case),
        ContactAttachment: set(_ids(ContactAttachment.objects.filter(**by_contact)))
        | _history_ids(ContactAttachment, **by_contact),
        KeptUpload: set(_ids(KeptUpload.objects.filter(customer_id=c))),
        Contact: contact_ids,
        Matter: matter_ids,
        # Subject access requests answered or closed (an open one is a hold), with their
        # redactions, reminders and history; their disclosure files go below.
        SubjectAccessRequest: sar_ids | _history_ids(SubjectAccessRequest, customer_id=c),
        SarRedaction: set(_ids(SarRedaction.objects.filter(request_id__in=sar_ids)))
        | _history_ids(SarRedaction, request_id__in=sar_ids),
        SarFileDecision: set(_ids(SarFileDecision.objects.filter(request_id__in=sar_ids)))
        | _history_ids(SarFileDecision, request_id__in=sar_ids),
        SarAlert: set(_ids(SarAlert.objects.filter(request_id__in=sar_ids))),
        # The access log keeps no history of itself.
        RecordView: set(_ids(RecordView.objects.filter(customer_id=c))),
        # Corrections (with the old values) and dispute statements, and their history.
        Correction: set(_ids(Correction.objects.filter(customer_id=c)))
        | _history_ids(Correction, customer_id=c),
        DisputeStatement: set(_ids(DisputeStatement.objects.filter(customer_id=c)))
        | _history_ids(DisputeStatement, customer_id=c),
        LegalHold: set(_ids(LegalHold.objects.filter(customer_id=c))),
        # Whose turn each case's next step is (cases.turns): derived, kept by every save;
        # a disposed-of case has no step left for anyone.
        CaseTurn: set(_ids(CaseTurn.objects.filter(case_id__in=case_ids))),
        DisposalProposal: {proposal.pk},
        DuplicateOverride: set(_ids(DuplicateOverride.objects.filter(customer_id=c))),
        # A merge record keeps the values each record had: it goes with either side.
        CustomerMerge: set(_ids(CustomerMerge.objects.filter(
            Q(survivor_id=c) | Q(merged_id=c)))),
    }
    kept: dict[type[models.Model], set[int]] = {
        DesignationCase: set(_ids(DesignationCase.objects.filter(customer_id=c))),
        Warning: set(_ids(Warning.objects.filter(customer_id=c))),
        Sanction: set(_ids(Sanction.objects.filter(case_id__in=case_ids))),
        Challenge: set(_ids(Challenge.objects.filter(**by_case))),
        Review: set(_ids(Review.objects.filter(**by_case))),
        # The records merged into this one: their rows moved here, and what is left of
        # them (the details and their history) is this person's too.
        Customer: {c} | set(_ids(Customer.objects.filter(merged_into_id=c))),
    }
    kept_history: dict[type[models.Model], set[int]] = {
        **kept,
        DesignationCase: case_ids,
        Warning: kept[Warning] | _history_ids(Warning, customer_id=c),
        Sanction: sanction_ids,
        Challenge: kept[Challenge] | _history_ids(Challenge, **by_case),
        Review: kept[Review] | _history_ids(Review, **by_case),
    }

    files = [
        (row.file.storage, row.file.name)
        for model in (ContactAttachment, KeptUpload)
        for row in model.objects.filter(pk__in=owned[model]) if row.file
    ] + [
        (row.pdf.storage, row.pdf.name) for row in Letter.objects.filter(pk__in=letter_ids)
        if row.pdf
    ] + [
        (copy.storage, copy.name)
        for row in SubjectAccessRequest.objects.filter(pk__in=sar_ids)
        for copy in (row.internal_copy, row.release_copy) if copy
    ]

    # Links first (many-to-many rows to what goes), then the rows in dependency order.
    DesignationCase.evidence_contacts.through.objects.filter(contact_id__in=contact_ids).delete()
    Sanction.evidence_contacts.through.objects.filter(contact_id__in=contact_ids).delete()
    Sanction.matters.through.objects.filter(matter_id__in=matter_ids).delete()
    CouncilNotice.letters.through.objects.filter(
        Q(councilnotice_id__in=notice_ids) | Q(letter_id__in=letter_ids)).delete()
    Contact.indicators.through.objects.filter(contact_id__in=contact_ids).delete()
    DuplicateOverride.matches.through.objects.filter(
        Q(customer_id=c) | Q(duplicateoverride__customer_id=c)).delete()
    counts: dict[str, int] = {}
    history_rows = 0
    for model in DELETED:
        ids = owned[model]
        if model is RecordView:
            n = erase_access_log(c)
        else:
            n = _delete(model.objects.filter(pk__in=ids))
        if n:
            counts[_label(model)] = n
        history_rows += _delete_history(model, ids)

    anonymised: dict[str, int] = {}
    for model, blanks in ANONYMISED.items():
        ids = kept[model]
        values = dict(blanks)
        # `update`, not `save`: a save would write one more history row carrying the
        # change, and disposal leaves no history of what was there.
        n = model.objects.filter(pk__in=ids).update(**values)
        if n:
            anonymised[_label(model)] = n
        history_rows += _delete_history(model, kept_history[model])
    # The references printed on letters would still identify the customer: new ones.
    for case_id in kept[DesignationCase]:
        DesignationCase.objects.filter(pk=case_id).update(
            reference=unique_reference(DesignationCase, "E"))
    Customer.objects.filter(pk=c).update(reference=unique_reference(Customer, "E"),
                                         erased_at=now)
    Customer.directorates.through.objects.filter(customer_id=c).delete()

    record = DisposalRecord.objects.create(
        rule=proposal.rule, due_since=proposal.due_since, approved_by=actor, disposed_at=now,
        counts=counts, anonymised=anonymised, history_rows=history_rows,
        files_removed=len(files),
    )

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    # After commit: a disposal that rolls back keeps its files.
    transaction.on_commit(remove_files)
    return record


def disposals_approve(*, actor, proposals: Iterable[DisposalProposal],
                      now: dt.datetime | None = None) -> tuple[list[DisposalRecord], list[str]]:
    """Approve several at once: each disposal in its own transaction, so one refused (a
    hold placed meanwhile) does not stop the others. Returns the records and the refusals."""
    _information_governance(actor)
    records, refusals = [], []
    for proposal in proposals:
        try:
            records.append(dispose_customer(actor=actor, proposal=proposal, now=now))
        except ServiceError as error:
            refusals.append(error.message)
    return records, refusals




def _require_ig(actor) -> None:
    if not has_role(actor, Role.INFORMATION_GOVERNANCE):
        raise NotAllowed("Only the information governance role handles subject access requests.")


def _lock(sar: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().select_related("customer").get(
        pk=sar.pk
    )


def _require_open(sar: SubjectAccessRequest) -> None:
    if not sar.is_open:
        raise ServiceError(f"This request is {sar.get_status_display().lower()}: nothing more "
                           "can be done to it.")


@transaction.atomic
def sar_record(*, actor, customer: Customer, received_on: dt.date, how_received: str = "",
               now: dt.datetime | None = None) -> SubjectAccessRequest:
    """Record a request received on `received_on`; it is due one calendar month later."""
    _require_ig(actor)
    now = workflow.now_or(now)
    if received_on > timezone.localdate(now):
        raise ServiceError("The date received cannot be in the future.")
    sar = SubjectAccessRequest(
        customer=customer, received_on=received_on, how_received=how_received,
        due_on=deadlines.subject_access_due(received_on), recorded_by=actor, recorded_at=now,
    )
    workflow.save(sar, actor, at=now)
    return sar


@transaction.atomic
def sar_check_identity(*, actor, sar: SubjectAccessRequest, checked_on: dt.date, how: str,
                       now: dt.datetime | None = None) -> SubjectAccessRequest:
    """Record that the requester was shown to be the customer (or acts for them), and how."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    if checked_on > timezone.localdate(now):
        raise ServiceError("The date identity was checked cannot be in the future.")
    if checked_on < sar.received_on:
        raise ServiceError("Identity cannot have been checked before the request was received.")
    sar.identity_checked_on, sar.identity_check_how = checked_on, how
    sar.identity_checked_by = actor
    workflow.save(sar, actor, at=now)
    return sar


@transaction.atomic
def sar_extend(*, actor, sar: SubjectAccessRequest, months: int, reason: str,
               now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """Extend the deadline to `months` further months from the one-month day (1 or 2 in
    all, UK GDPR Art. 12(3)), with the reason the customer will be told. Returns the old
    and new due dates; both are in the request's history."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    if not reason.strip():
        raise ServiceError("Say why the request needs more time.")
    if not 1 <= months <= deadlines.SUBJECT_ACCESS_MAX_EXTENSION_MONTHS:
        raise ServiceError("A request can be extended by one or two further months.")
    if months <= sar.extension_months:
        raise ServiceError(f"The request is already extended by {sar.extension_months} "
                           f"month{'s' if sar.extension_months != 1 else ''}.")
    old = sar.due_on
    sar.extension_months = months
    sar.due_on = deadlines.subject_access_due(sar.received_on, months)
    sar.extension_reason, sar.extended_by, sar.extended_at = reason.strip(), actor, now
    sar._change_reason = f"Due date {old.isoformat()} → {sar.due_on.isoformat()}"
    workflow.save(sar, actor, at=now)
    return old, sar.due_on


@transaction.atomic
def sar_mark_redaction(*, actor, sar: SubjectAccessRequest, passage: str, phrase: str = "",
                       reason: str, now: dt.datetime | None = None) -> SarRedaction:
    """Withhold a passage (or a phrase in it) from the release copy."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    texts = {p.key: p.text for p in disclosure.passages(sar.customer)}
    if passage not in texts:
        raise ServiceError("That passage is not in this customer's records.")
    phrase = phrase.strip()
    if phrase and phrase.lower() not in texts[passage].lower():
        raise ServiceError("That phrase is not in the passage: copy it exactly, or leave it "
                           "empty to withhold the whole passage.")
    if not reason.strip():
        raise ServiceError("Say why it is withheld (for example, it names another person).")
    mark = SarRedaction(request=sar, passage=passage, phrase=phrase, reason=reason.strip(),
                        marked_by=actor, marked_at=now)
    workflow.save(mark, actor, at=now)
    return mark


@transaction.atomic
def sar_remove_redaction(*, actor, mark: SarRedaction) -> None:
    """Take back a redaction marked in error (its history keeps that it was there)."""
    _require_ig(actor)
    sar = _lock(mark.request)
    _require_open(sar)
    mark._history_user = actor
    mark.delete()


def _decide(actor, sar: SubjectAccessRequest, file: str, decision: str, reason: str,
            now: dt.datetime) -> SarFileDecision:
    if decision not in SarFileChoice.values:
        raise ServiceError("Choose whether to include the file, include it as reviewed, or "
                           "withhold it.")
    reason = reason.strip()
    if decision == SarFileChoice.WITHHOLD and not reason:
        raise ServiceError("Say why the file is withheld (for example, it is another "
                           "person's personal data, or an exemption applies).")
    found = SarFileDecision.objects.filter(request=sar, file=file).first()
    found = found or SarFileDecision(request=sar, file=file)
    found.decision, found.reason = decision, reason
    found.decided_by, found.decided_at = actor, now
    workflow.save(found, actor, at=now)
    return found


@transaction.atomic
def sar_decide_file(*, actor, sar: SubjectAccessRequest, file: str, decision: str,
                    reason: str = "", now: dt.datetime | None = None) -> SarFileDecision:
    """Decide what the release copy does with one file (a piece of correspondence or a
    letter): include it, include it as reviewed, or withhold it with the reason. Deciding
    again replaces the decision; the history keeps every one."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    if file not in {key for key, _what, _obj in disclosure.files_of(sar.customer)}:
        raise ServiceError("That file is not in this customer's records.")
    return _decide(actor, sar, file, decision, reason, now)


@transaction.atomic
def sar_include_files(*, actor, sar: SubjectAccessRequest, files: Iterable[str],
                      now: dt.datetime | None = None) -> int:
    """Include as they are the files of `files` that have no decision yet (the files
    review page offers it for the files it shows); a file already decided keeps its
    decision. Each is a decision of its own, with history. Returns how many were decided."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    files = list(dict.fromkeys(files))
    if not set(files) <= {key for key, _what, _obj in disclosure.files_of(sar.customer)}:
        raise ServiceError("That file is not in this customer's records.")
    decided = set(sar.file_decisions.values_list("file", flat=True))
    undecided = [key for key in files if key not in decided]
    for key in undecided:
        _decide(actor, sar, key, SarFileChoice.INCLUDE, "", now)
    return len(undecided)


@transaction.atomic
def sar_produce(*, actor, sar: SubjectAccessRequest,
                now: dt.datetime | None = None) -> SubjectAccessRequest:
    """Produce the disclosure, in one action: the internal copy, everything unredacted, to
    review. Producing again replaces it (records change while a request is open)."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    data = disclosure.build_zip(sar, redactions=disclosure.NO_REDACTIONS, release=False,
                                now=now)
    old = sar.internal_copy.name if sar.internal_copy else ""
    sar.internal_copy.save(f"sar-{sar.pk}-internal.zip", ContentFile(data), save=False)
    sar.produced_at, sar.produced_by = now, actor
    workflow.save(sar, actor, at=now)
    access.log_disclosure(actor, sar.customer, f"subject access {sar.pk}: internal copy produced")
    if old:
        transaction.on_commit(lambda: sar.internal_copy.storage.delete(old))
    return sar


@transaction.atomic
def sar_release(*, actor, sar: SubjectAccessRequest,
                now: dt.datetime | None = None) -> SubjectAccessRequest:
    """Make the release copy, with the marked redactions applied, and record that it went to
    the customer. Identity must have been checked first, and every file (correspondence and
    letters) decided: a file nobody looked at is not released by default. The refusal lists
    the files still undecided (`ServiceError.reasons`)."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    if sar.identity_checked_on is None:
        raise ServiceError("Check the requester's identity before releasing anything.")
    if sar.produced_at is None:
        raise ServiceError("Produce the disclosure and review its passages before releasing it.")
    decisions = list(sar.file_decisions.all())
    decided = {d.file for d in decisions}
    undecided = [what for key, what, _obj in disclosure.files_of(sar.customer)
                 if key not in decided]
    if undecided:
        raise ServiceError(
            f"Decide what the release copy does with every file first: {len(undecided)} "
            f"file{'s have' if len(undecided) != 1 else ' has'} no decision (include it, "
            "include it after review, or withhold it with the reason). Nothing was released.",
            reasons=undecided,
        )
    redactions = disclosure.Redactions.of(sar.redactions.all())
    files = disclosure.FileDecisions.of(decisions)
    data = disclosure.build_zip(sar, redactions=redactions, release=True, now=now, files=files)
    sar.release_copy.save(f"sar-{sar.pk}-release.zip", ContentFile(data), save=False)
    sar.released_at, sar.released_by = now, actor
    sar.status = SarStatus.RELEASED
    workflow.save(sar, actor, at=now)
    access.log_disclosure(actor, sar.customer, f"subject access {sar.pk}: released")
    return sar


@transaction.atomic
def sar_close(*, actor, sar: SubjectAccessRequest, reason: str,
              now: dt.datetime | None = None) -> SubjectAccessRequest:
    """Close a request without a disclosure (withdrawn, or identity never confirmed)."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    if not reason.strip():
        raise ServiceError("Say why the request is closed without a disclosure.")
    sar.status, sar.closed_reason = SarStatus.CLOSED, reason.strip()
    workflow.save(sar, actor, at=now)
    return sar
