"""What the case services share: directorate checks and the customer's cases."""

from __future__ import annotations

from accounts.models import Directorate
from accounts.selectors import directorate_ids_for
from cases.choices import OPEN_STATES, CaseState
from cases.models import Customer, DesignationCase
from ucp.errors import NotAllowed


def require_directorate(actor, directorate: Directorate) -> None:
    ids = directorate_ids_for(actor)
    if ids is not None and directorate.pk not in ids:
        raise NotAllowed(f"You do not work in {directorate.name}.")


def link_customer_to(customer: Customer, directorate: Directorate) -> None:
    """The customer now deals with `directorate`, so its staff may see them."""
    if not customer.directorates.filter(pk=directorate.pk).exists():
        customer.directorates.add(directorate)


def open_cases_of(customer: Customer):
    return DesignationCase.objects.filter(customer=customer, state__in=OPEN_STATES)


def cases_recording_contacts(customer: Customer):
    """Cases whose chronology records new contacts: open ones, and designations being
    monitored (section 2.2: "arrangements ... for recording and monitoring")."""
    return DesignationCase.objects.filter(
        customer=customer, state__in=(*OPEN_STATES, CaseState.DESIGNATED, CaseState.ACTIVE)
    )
