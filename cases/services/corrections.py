"""Corrections (rectification, UK GDPR Article 16) and the customer's dispute statements
(Article 18).

A correction changes the record with a reason and keeps what it said: the record's history
row carries the reason as its change reason, and one `Correction` row per field changed
holds the old and the new value, which the record's page shows struck through. Nothing is
overwritten silently. A correction to evidence a decision relied on (a contact in a case's
evidence, the warning of a case, a matter those contacts were about) is noted in that
case's chronology; so is a dispute statement attached to such evidence.

Who may: `cases.rules.may_correct` (the roles that record it, in its directorate).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import dateformat, timezone

from cases import rules, workflow
from cases.choices import EventKind, RecordKind, WarningKind
from cases.models import (
    Contact,
    Correction,
    Customer,
    DesignationCase,
    DisputeStatement,
    Matter,
    Warning,
)
from cases.services.common import open_cases_of
from ucp import phones, text
from ucp.dates import require_record_date
from ucp.errors import NotAllowed, ServiceError

# What may be corrected on each kind of record. A contact's channel, time and duration are
# not among them: they decide whether it was outside a restriction, which was recorded
# when it was logged; a contact logged with the wrong time is a matter for a manager.
CORRECTABLE: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.CUSTOMER: (
        "full_name", "address", "postcode", "address_outside_uk", "email", "phone",
    ),
    RecordKind.MATTER: ("kind", "summary", "details", "received_on"),
    RecordKind.CONTACT: ("direction", "summary", "indicators"),
    RecordKind.WARNING: ("method", "given_on", "summary", "behaviours"),
}
# Dates a correction may set, with what the message calls them.
RECORD_DATES = {"received_on": "The date it was received", "given_on": "The date of the warning"}


def kind_of(record) -> RecordKind:
    return {
        Customer: RecordKind.CUSTOMER,
        Matter: RecordKind.MATTER,
        Contact: RecordKind.CONTACT,
        Warning: RecordKind.WARNING,
    }[type(record)]


def directorate_ids_of(record) -> list[int]:
    """The directorates a record belongs to, for `rules.may_correct`."""
    if isinstance(record, Customer):
        return [d.pk for d in record.directorates.all()]  # prefetched on the customer page
    return [record.directorate_id]


def may_correct(user, record) -> bool:
    """Whether `user` may correct `record` or attach a dispute statement to it."""
    formal = isinstance(record, Warning) and record.kind == WarningKind.FORMAL
    return rules.may_correct(user, directorate_ids_of(record), managers_only=formal)


def _require_may_correct(actor, record) -> None:
    if not may_correct(actor, record):
        raise NotAllowed(
            f"Only the staff of the directorate that recorded this {kind_of(record).label} "
            "may correct it or record the customer's dispute."
        )


def display_value(record, name: str) -> str:
    """A field's value as the record's page shows it, kept as text in the correction."""
    field = record._meta.get_field(name)
    if field.many_to_many:
        return "; ".join(str(item) for item in getattr(record, name).all())
    value = getattr(record, name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or ""))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return dateformat.format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, dt.date):
        return dateformat.format(value, "j F Y")
    if name == "phone":
        return phones.display(value)
    return "" if value is None else str(value)


def cases_relying_on(record) -> QuerySet[DesignationCase]:
    """The cases whose decisions rely on `record`: a contact in their evidence, their
    warning (the formal one, or one given in the case), a matter their evidence is about;
    for the customer's own details, their open cases."""
    if isinstance(record, Contact):
        condition = Q(evidence_contacts=record)
    elif isinstance(record, Warning):
        condition = Q(formal_warning=record) | Q(pk=record.case_id)
    elif isinstance(record, Matter):
        condition = Q(evidence_contacts__matter=record)
    else:
        return open_cases_of(record)
    return DesignationCase.objects.filter(condition).distinct()


def _note_keys(record) -> dict[str, Any]:
    kind = kind_of(record)
    if kind == RecordKind.CUSTOMER:
        return {"customer": record}
    return {"customer": record.customer, kind.value: record}


@transaction.atomic
def record_correct(
    *, actor, record, reason: str, now: dt.datetime | None = None, **fields: Any
) -> list[Correction]:
    """Correct `record` (a customer, matter, contact or warning): set `fields`, keep what
    each said in a `Correction`, and save with the reason in the record's history.

    Only the fields of `CORRECTABLE` may be given; a field given unchanged is no
    correction, and a correction that changes nothing is refused with a message.
    """
    kind = kind_of(record)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    _require_may_correct(actor, record)
    unknown = set(fields) - set(CORRECTABLE[kind])
    if unknown:
        raise ServiceError(f"These cannot be corrected here: {', '.join(sorted(unknown))}.")
    reason = workflow.clean_text(reason, "why the record is being corrected", limit=text.NOTE_MAX)
    for name, what in RECORD_DATES.items():
        if name in fields:
            require_record_date(fields[name], what, now=now)
    at = workflow.now_or(now)
    before = {name: display_value(record, name) for name in fields}
    many = {}
    for name, value in fields.items():
        if record._meta.get_field(name).many_to_many:
            value = list(value)
            if set(getattr(record, name).values_list("pk", flat=True)) != {v.pk for v in value}:
                many[name] = value
        elif getattr(record, name) != value:
            setattr(record, name, value)
    record.full_clean()
    # `display_value` of the record as it will be saved (many-to-many: the new choice).
    after = {
        name: (
            "; ".join(str(v) for v in many[name]) if name in many
            else before[name] if record._meta.get_field(name).many_to_many
            else display_value(record, name)
        )
        for name in fields
    }
    changed = [name for name in fields if after[name] != before[name]]
    if not changed:
        raise ServiceError(
            "Nothing was changed. Change what is wrong, or go back to the record."
        )
    # simple-history writes this as the history row's reason.
    record._change_reason = f"Correction: {reason}"[:100]
    workflow.save(record, actor, at=now)
    for name, value in many.items():
        getattr(record, name).set(value)
    corrections = [
        Correction(
            **_note_keys(record),
            field=name,
            label=str(_label(record, name)),
            old_value=before[name],
            new_value=after[name],
            reason=reason,
            corrected_by=actor,
            corrected_at=at,
        )
        for name in changed
    ]
    for correction in corrections:
        workflow.save(correction, actor, at=now)
    what = kind.label
    details = "\n".join(
        f"{c.label}: was \u201c{c.old_value}\u201d, now \u201c{c.new_value}\u201d"
        for c in corrections
    )
    for case in cases_relying_on(record):
        workflow.record_event(
            case, actor=actor, kind=EventKind.RECORD_CORRECTED,
            summary=f"Corrected: the {what} ({_describe(record)})",
            details=f"{details}\nReason: {reason}", at=now,
        )
    return corrections


def _label(record, name: str) -> str:
    field = record._meta.get_field(name)
    label = getattr(field, "verbose_name", name)
    return {"full_name": "Full name", "indicators": "Indicators seen",
            "behaviours": "Behaviours the warning is about"}.get(name, str(label).capitalize())


def _describe(record) -> str:
    if isinstance(record, Customer):
        return record.reference
    if isinstance(record, Matter):
        return record.reference
    return str(record)


def contact_correct(*, actor, contact: Contact, reason: str, **fields: Any) -> list[Correction]:
    return record_correct(actor=actor, record=contact, reason=reason, **fields)


def warning_correct(*, actor, warning: Warning, reason: str, **fields: Any) -> list[Correction]:
    return record_correct(actor=actor, record=warning, reason=reason, **fields)


def matter_correct(*, actor, matter: Matter, reason: str, **fields: Any) -> list[Correction]:
    return record_correct(actor=actor, record=matter, reason=reason, **fields)


def customer_correct(
    *, actor, customer: Customer, reason: str, **fields: Any
) -> list[Correction]:
    return record_correct(actor=actor, record=customer, reason=reason, **fields)


@transaction.atomic
def dispute_record(
    *,
    actor,
    record: models.Model,
    statement: str,
    received_on: dt.date,
    now: dt.datetime | None = None,
) -> DisputeStatement:
    """Attach the customer's statement that they dispute `record`."""
    _require_may_correct(actor, record)
    statement = workflow.clean_text(statement, "the customer's statement", limit=text.DETAILS_MAX)
    if received_on is None:
        raise ServiceError("Enter the date the statement was received.")
    require_record_date(received_on, "The date the statement was received", now=now)
    dispute = DisputeStatement(
        **_note_keys(record),
        statement=statement,
        received_on=received_on,
        recorded_by=actor,
        recorded_at=workflow.now_or(now),
    )
    dispute.full_clean()
    workflow.save(dispute, actor, at=now)
    for case in cases_relying_on(record):
        workflow.record_event(
            case, actor=actor, kind=EventKind.DISPUTE_RECORDED,
            summary=f"The customer disputes the {kind_of(record).label} ({_describe(record)})",
            details=statement, at=now,
        )
    return dispute
