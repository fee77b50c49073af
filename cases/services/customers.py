"""Customers and their matters (the 'full details' of section 2.5)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Directorate
from cases import workflow
from cases.choices import EventKind
from cases.models import Customer, DuplicateOverride, Matter
from cases.services.common import link_customer_to, open_cases_of, require_directorate
from ucp.dates import require_record_date


@transaction.atomic
def customer_create(
    *, actor, directorate: Directorate, now: dt.datetime | None = None, matches=None,
    duplicate_reason: str = "", **fields
) -> Customer:
    """`matches` (cases.matching.Matches) and `duplicate_reason`: the duplicate check found
    likely matches and the officer went on, saying why; recorded (`_record_override`)."""
    require_directorate(actor, directorate)
    customer = Customer(**fields)
    customer.full_clean()
    _change_reason(customer, matches, duplicate_reason)
    workflow.save(customer, actor, at=now)
    customer.directorates.add(directorate)
    _record_override(customer, actor, matches, duplicate_reason, now)
    return customer


def _change_reason(customer: Customer, matches, reason: str) -> None:
    if matches:
        if not reason.strip():
            raise ValidationError(
                {"duplicate_reason": "Say why this is not the same person as the records found, "
                 "or use the existing record"})
        customer._change_reason = f"Saved despite likely matches: {reason.strip()}"[:100]


def _record_override(customer, actor, matches, reason: str, now) -> DuplicateOverride | None:
    if not matches:
        return None
    override = DuplicateOverride.objects.create(
        customer=customer, why_matched=matches.summary(), reason=reason.strip(),
        recorded_by=actor, recorded_at=now or timezone.now(),
    )
    override.matches.set([c.customer for c in matches.every])
    return override


@transaction.atomic
def customer_update(
    *, actor, customer: Customer, now: dt.datetime | None = None, matches=None,
    duplicate_reason: str = "", **fields
) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    _change_reason(customer, matches, duplicate_reason)
    workflow.save(customer, actor, at=now)
    override = _record_override(customer, actor, matches, duplicate_reason, now)
    for case in open_cases_of(customer):
        workflow.record_event(
            case, actor=actor, kind=EventKind.CUSTOMER_UPDATED,
            summary="Customer's details updated", at=now,
            details=(f"Saved despite likely matches ({override.why_matched}): "
                     f"{override.reason}" if override else ""),
        )
    return customer


def _require_matter_dates(fields: dict, *, now: dt.datetime | None = None) -> None:
    for name, what in (("received_on", "The date it was received"),
                       ("decided_on", "The date of the decision"),
                       ("closed_on", "The date it was closed")):
        require_record_date(fields.get(name), what, now=now)


@transaction.atomic
def matter_create(
    *,
    actor,
    customer: Customer,
    directorate: Directorate,
    now: dt.datetime | None = None,
    **fields,
) -> Matter:
    require_directorate(actor, directorate)
    _require_matter_dates(fields, now=now)
    matter = Matter(customer=customer, directorate=directorate, created_by=actor, **fields)
    matter.full_clean()
    workflow.save(matter, actor, at=now)
    link_customer_to(customer, directorate)
    return matter


@transaction.atomic
def matter_update(*, actor, matter: Matter, **fields) -> Matter:
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    require_directorate(actor, matter.directorate)
    _require_matter_dates(fields)
    for name, value in fields.items():
        setattr(matter, name, value)
    matter.full_clean()
    workflow.save(matter, actor)
    return matter
