"""Customers and their matters (the 'full details' of section 2.5)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Directorate
from cases import workflow
from cases.choices import EventKind
from cases.models import Customer, Matter
from cases.services.common import link_customer_to, open_cases_of, require_directorate
from ucp.dates import require_record_date


@transaction.atomic
def customer_create(
    *, actor, directorate: Directorate, now: dt.datetime | None = None, **fields
) -> Customer:
    require_directorate(actor, directorate)
    customer = Customer(**fields)
    customer.full_clean()
    workflow.save(customer, actor, at=now)
    customer.directorates.add(directorate)
    return customer


@transaction.atomic
def customer_update(
    *, actor, customer: Customer, now: dt.datetime | None = None, **fields
) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    workflow.save(customer, actor, at=now)
    for case in open_cases_of(customer):
        workflow.record_event(
            case, actor=actor, kind=EventKind.CUSTOMER_UPDATED,
            summary="Customer's details updated", at=now,
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
