"""Contacts: every interaction with a customer, checked against the restrictions in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.files import File
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import Directorate
from cases import workflow
from cases.choices import EventKind
from cases.models import Contact, ContactAttachment, Customer, Indicator, KeptUpload, Matter
from cases.services.common import cases_recording_contacts, link_customer_to, require_directorate
from cases.services.uploads import uploads_forget, uploads_take
from sanctions.services import check_logged_contact
from ucp.dates import require_record_date
from ucp.errors import ServiceError


@transaction.atomic
def contact_log(
    *,
    actor,
    customer: Customer,
    directorate: Directorate,
    channel: str,
    direction: str,
    occurred_at: dt.datetime,
    handled_by,
    summary: str,
    duration_minutes: int | None = None,
    recipients: int = 1,
    matter: Matter | None = None,
    indicators: Iterable[Indicator] = (),
    files: Iterable = (),
    kept: Iterable[KeptUpload] = (),
    witness_present: bool = False,
    now: dt.datetime | None = None,
) -> Contact:
    """Record one contact and check it against the restrictions in force.

    A breach is recorded on the contact (`contact.verdict` holds the result) and never
    stops the contact being saved: the record of what happened comes first. `files` are
    the uploads of this post; `kept` the actor's files kept from an earlier post of the
    form (`cases.services.uploads`), which become attachments too.
    """
    require_directorate(actor, directorate)
    if matter is not None and matter.customer_id != customer.pk:
        raise ServiceError("That matter belongs to another customer.")
    require_record_date(occurred_at, "The time of the contact", now=now)
    contact = Contact(
        customer=customer,
        matter=matter,
        directorate=directorate,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        handled_by=handled_by,
        recipients=recipients,
        summary=summary,
        logged_by=actor,
    )
    contact.full_clean()
    workflow.save(contact, actor, at=now)
    note_last_contact([customer.pk])
    indicators = list(indicators)
    if indicators:
        contact.indicators.set(indicators)
    for upload in files:
        attachment = ContactAttachment(
            contact=contact,
            original_name=upload.name[:255],
            content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:120],
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        workflow.save(attachment, actor)
    taken = uploads_take(actor=actor, customer=customer, kept=kept)
    for row in taken:
        attachment = ContactAttachment(
            contact=contact,
            original_name=row.original_name,
            content_type=row.content_type,
            size=row.size,
            uploaded_by=actor,
        )
        with row.file.open("rb") as handle:
            attachment.file.save(row.original_name, File(handle), save=False)
        workflow.save(attachment, actor)
    uploads_forget(taken)
    link_customer_to(customer, directorate)
    contact.verdict = check_logged_contact(
        actor=actor, contact=contact, witness_present=witness_present
    )
    for case in cases_recording_contacts(customer):
        seen = f" Indicators: {', '.join(i.text for i in indicators)}." if indicators else ""
        breaches = contact.verdict.breaches
        if breaches:
            seen += " Outside the restrictions: " + " ".join(b.message for b in breaches)
        workflow.record_event(
            case,
            actor=actor,
            kind=EventKind.CONTACT_LOGGED,
            summary=f"{contact.get_channel_display()} contact logged"[:300],
            details=f"{summary}{seen}",
            at=now,
        )
    return contact


def note_last_contact(customer_ids: Iterable[int] | QuerySet) -> None:
    """Set each customer's `last_contact_at` from their contacts, in one statement: after a
    contact is logged, contacts move in a merge or its undo, or a seeder wrote rows.

    `QuerySet.update()` although Customer has history: the column is derived from the
    contacts, excluded from the history, and a history row per contact logged would say
    nothing a contact's own history does not."""
    latest = Contact.objects.filter(customer_id=OuterRef("pk")).order_by("-occurred_at")
    Customer.objects.filter(pk__in=customer_ids).update(
        last_contact_at=Subquery(latest.values("occurred_at")[:1]))
