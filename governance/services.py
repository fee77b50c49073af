"""Writes of the information-governance role: subject access requests.

Each service is one step a data protection officer takes, keyword-only, in one
transaction; each saves with history (who, when), so the request's own history is its
audit trail. Producing and releasing the disclosure also go in the personal data access
log (`governance.access`), since they hand the customer's records out.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role, has_role
from cases import deadlines, workflow
from cases.models import Customer
from governance import access, disclosure
from governance.models import SarRedaction, SarStatus, SubjectAccessRequest
from ucp.errors import NotAllowed, ServiceError


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
    the customer. Identity must have been checked first."""
    _require_ig(actor)
    now = workflow.now_or(now)
    sar = _lock(sar)
    _require_open(sar)
    if sar.identity_checked_on is None:
        raise ServiceError("Check the requester's identity before releasing anything.")
    if sar.produced_at is None:
        raise ServiceError("Produce the disclosure and review its passages before releasing it.")
    redactions = disclosure.Redactions.of(sar.redactions.all())
    data = disclosure.build_zip(sar, redactions=redactions, release=True, now=now)
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
