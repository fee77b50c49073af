"""Reads for the information-governance pages: council-wide, never scoped to a directorate
(the role has no casework and sees every record's accounting, not the records)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import StaffProfile
from cases.models import CaseEvent, Contact, Customer, DesignationCase, RecordView
from cases.references import normalise_reference
from reviews.models import Challenge


def customer_by_reference(reference: str) -> Customer | None:
    """Any customer in the council, by reference (the role's pages name one to look up)."""
    reference = normalise_reference(reference)
    if reference is None:
        return None
    return Customer.objects.filter(reference=reference).first()


def staff_by_username(username: str):
    return get_user_model().objects.filter(username__iexact=username.strip()).first()


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_log(
    *, customer: Customer | None = None, user=None, from_date: dt.date | None = None,
    to_date: dt.date | None = None, kind: str = "",
) -> QuerySet[RecordView]:
    """Entries of the access log, newest first; filtered on the (customer, at) or (user, at)
    index. `to_date` is inclusive."""
    qs = RecordView.objects.select_related("user", "customer", "case")
    if customer is not None:
        qs = qs.filter(customer=customer)
    if user is not None:
        qs = qs.filter(user=user)
    if from_date:
        qs = qs.filter(at__gte=_day_start(from_date))
    if to_date:
        qs = qs.filter(at__lt=_day_start(to_date + dt.timedelta(days=1)))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-id")


def without_part(entries: Iterable[RecordView]) -> set[int]:
    """The ids of the entries made by staff with no part in the customer's record (tagged
    "No part in their cases"). Reading the log on the information-governance pages is that
    role's work, not a look at the record, and is never tagged."""
    entries = list(entries)
    part = with_part_in_record(entries)
    return {e.pk for e in entries if (e.user_id, e.customer_id) not in part
            and not e.path.startswith(GOVERNANCE_PATH)}


GOVERNANCE_PATH = "/governance/"


def with_part_in_record(entries: Iterable[RecordView]) -> set[tuple[int, int]]:
    """The (user id, customer id) pairs of these entries where the member of staff has a
    part in the customer's record.

    A part is: working in a directorate the customer deals with (that is why they may see
    it), or, for anyone else (council-wide staff, a reviewer from another directorate),
    having done something on the record: an event on one of the customer's cases, being
    named on one (referrer, key officer, deciding manager, decider), reviewing a challenge
    to one, or logging or handling one of their contacts. An entry outside these pairs is
    tagged "No part in their cases". A fixed number of queries for any page of entries.
    """
    entries = list(entries)
    users = {e.user_id for e in entries}
    customers = {e.customer_id for e in entries}
    if not entries:
        return set()
    part: set[tuple[int, int]] = set()
    user_dirs: dict[int, set[int]] = {}
    for user_id, directorate_id in StaffProfile.directorates.through.objects.filter(
        staffprofile__user_id__in=users
    ).values_list("staffprofile__user_id", "directorate_id"):
        user_dirs.setdefault(user_id, set()).add(directorate_id)
    customer_dirs: dict[int, set[int]] = {}
    for customer_id, directorate_id in Customer.directorates.through.objects.filter(
        customer_id__in=customers
    ).values_list("customer_id", "directorate_id"):
        customer_dirs.setdefault(customer_id, set()).add(directorate_id)
    for user_id in users:
        for customer_id in customers:
            if user_dirs.get(user_id, set()) & customer_dirs.get(customer_id, set()):
                part.add((user_id, customer_id))
    part.update(
        (actor, customer) for actor, customer in CaseEvent.objects.filter(
            case__customer_id__in=customers, actor_id__in=users
        ).values_list("actor_id", "case__customer_id").distinct()
    )
    named = ("referred_by_id", "key_officer_id", "deciding_manager_id", "decided_by_id")
    for row in DesignationCase.objects.filter(customer_id__in=customers).values_list(
        "customer_id", *named
    ):
        part.update((user_id, row[0]) for user_id in row[1:] if user_id in users)
    part.update(
        Challenge.objects.filter(case__customer_id__in=customers, reviewer_id__in=users)
        .values_list("reviewer_id", "case__customer_id").distinct()
    )
    for handled, logged, customer in Contact.objects.filter(
        Q(handled_by_id__in=users) | Q(logged_by_id__in=users), customer_id__in=customers
    ).values_list("handled_by_id", "logged_by_id", "customer_id").distinct():
        part.update({(handled, customer), (logged, customer)})
    return part
