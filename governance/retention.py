"""The retention schedule: whose records are due for disposal, under which rule, since when.

The rule (settings, README "Retention and disposal"):

- a customer ever referred is due `RETENTION_YEARS_AFTER_CASE_CLOSED` years after their
  last case closed, and never before `RETENTION_YEARS_AFTER_LAST_CONTACT` years after
  their last contact or warning (a customer still in touch is still being dealt with);
- a customer never referred is due `RETENTION_YEARS_AFTER_LAST_CONTACT` years after their
  last contact or warning, or after the record was made if there is none;
- never while any of their cases is open (not closed: a designation in force included),
  while a sanction on them is in force, or while a legal hold is in place.

Everything is a query on stored dates, so the answer is right whenever the sweep runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.choices import CaseState
from cases.deadlines import add_months
from cases.models import Contact, Customer, DesignationCase, Warning
from governance.models import (
    DisposalProposal,
    DisposalRecord,
    LegalHold,
    RetentionRule,
    SarStatus,
    SubjectAccessRequest,
)
from sanctions.models import Sanction


@dataclass(frozen=True)
class Due:
    customer_id: int
    rule: str
    due_since: dt.date


def _years_later(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def due_date(*, last_case_closed: dt.date | None, last_activity: dt.date) -> tuple[str, dt.date]:
    """The rule that applies and the day the records become due for disposal.

    `last_case_closed` is None for a customer never referred; `last_activity` is the day
    of the last contact or warning (or the day the record was made)."""
    after_contact = _years_later(last_activity, settings.RETENTION_YEARS_AFTER_LAST_CONTACT)
    if last_case_closed is None:
        return RetentionRule.AFTER_LAST_CONTACT, after_contact
    after_case = _years_later(last_case_closed, settings.RETENTION_YEARS_AFTER_CASE_CLOSED)
    return RetentionRule.AFTER_CASE_CLOSED, max(after_case, after_contact)


def open_subject_access_requests() -> QuerySet:
    """Subject access requests not yet answered: an open request is a legal hold."""
    return SubjectAccessRequest.objects.filter(status=SarStatus.OPEN)


def held_customers() -> Q:
    """Customers under a legal hold: one placed and not lifted, or an open subject access
    request. The one definition the sweep and the approval both ask."""
    held = Q(Exists(LegalHold.objects.in_place().filter(customer_id=OuterRef("pk"))))
    requests = open_subject_access_requests()
    return held | Q(Exists(requests.filter(customer_id=OuterRef("pk"))))


def _annotated(today: dt.date) -> QuerySet[Customer]:
    cases = DesignationCase.objects.filter(customer_id=OuterRef("pk"))
    return (
        Customer.objects.filter(erased_at__isnull=True)
        .annotate(
            open_case=Exists(cases.exclude(state=CaseState.CLOSED)),
            ever_referred=Exists(cases),
            sanction_in_force=Exists(
                Sanction.objects.in_force(today).filter(case__customer_id=OuterRef("pk"))
            ),
            last_case_closed=Subquery(
                cases.order_by().values("customer_id").annotate(m=Max("closed_at")).values("m")
            ),
            last_contact=Subquery(
                Contact.objects.filter(customer_id=OuterRef("pk")).order_by()
                .values("customer_id").annotate(m=Max("occurred_at")).values("m")
            ),
            last_warning=Subquery(
                Warning.objects.filter(customer_id=OuterRef("pk")).order_by()
                .values("customer_id").annotate(m=Max("given_on")).values("m")
            ),
        )
    )


def _due(customer: Customer) -> Due:
    activity = [timezone.localdate(customer.created_at)]
    if customer.last_contact is not None:
        activity.append(timezone.localdate(customer.last_contact))
    if customer.last_warning is not None:
        activity.append(customer.last_warning)
    closed = (
        timezone.localdate(customer.last_case_closed)
        if customer.ever_referred and customer.last_case_closed is not None else None
    )
    rule, day = due_date(last_case_closed=closed, last_activity=max(activity))
    return Due(customer.pk, rule, day)


def customers_due(today: dt.date, *, customer_ids: list[int] | None = None) -> list[Due]:
    """Customers past retention today and free to dispose of (no open case, no sanction in
    force, no hold), oldest first. `customer_ids` narrows it (the approval's re-check)."""
    # A coarse cut in SQL (nothing touched within the shorter period can be due); the
    # exact rule, calendar months and all, in `due_date`.
    years = min(settings.RETENTION_YEARS_AFTER_CASE_CLOSED,
                settings.RETENTION_YEARS_AFTER_LAST_CONTACT)
    cutoff = timezone.make_aware(dt.datetime.combine(
        _years_later(today, -years) + dt.timedelta(days=1), dt.time.min
    ))
    qs = _annotated(today).filter(open_case=False, sanction_in_force=False)
    qs = qs.exclude(held_customers()).filter(created_at__lt=cutoff)
    qs = qs.filter(Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))
    if customer_ids is not None:
        qs = qs.filter(pk__in=customer_ids)
    due = [_due(c) for c in qs.order_by("pk")]
    return sorted((d for d in due if d.due_since <= today),
                  key=lambda d: (d.due_since, d.customer_id))


def is_held(customer_id: int) -> bool:
    return Customer.objects.filter(pk=customer_id).filter(held_customers()).exists()


# --- what the information governance pages list ---------------------------------------------


def proposals_listed() -> QuerySet[DisposalProposal]:
    return DisposalProposal.objects.select_related("customer").order_by("status", "due_since",
                                                                        "pk")


def holds_listed() -> QuerySet[LegalHold]:
    return LegalHold.objects.select_related("customer", "placed_by", "lifted_by").order_by(
        "lifted_at", "-placed_at")


def disposals_done() -> QuerySet[DisposalRecord]:
    return DisposalRecord.objects.select_related("approved_by")
