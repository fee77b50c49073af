"""Reads about sanctions: the restriction banner, the filed-items queue, case monitoring.

Personal data is scoped through `cases.selectors`, like every other read: a filed item by
the case whose sanction filed it (`cases_for`), since the item is read for that case and
its page names and links to it; a directorate that only shares the customer sees the
contact on the customer's timeline, not the case's reading.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases import access_log
from cases.models import Channel, Contact, Customer, DesignationCase, Indicator
from cases.selectors import SubqueryCount, capped, case_row_scope
from sanctions.checks import (
    Verdict,
    banner_lines,
    call_windows,
    check_contact,
    count_calls,
    sanctions_in_force,
    sanctions_in_force_at,
)
from sanctions.models import ContactBreach, FiledItem, Sanction, end_of_day

RECENT_BREACHES = 10
# Filed items that raised something, latest first: the page shows these and says how many.
FLAGGED_SHOWN = 10


def restriction_banner(
    customer: Customer | None, at: dt.datetime | dt.date | None = None
) -> list[str] | None:
    """The plain-English lines of the restrictions in force at `at` (now), or None. A day
    (the API's `on`) means the end of that day, as `Sanction.objects.in_force` does.

    Every scope counts: whoever is looking, they need to know. Two queries at most (the
    sanctions with their named officers, then the matters of any refusal).
    """
    if customer is None or customer.pk is None:
        return None
    if at is None:
        at = timezone.now()
    elif not isinstance(at, dt.datetime):
        at = end_of_day(at)
    sanctions = sanctions_in_force(customer, at)
    return banner_lines(sanctions) if sanctions else None


# The front desk's "Right now": what a member of staff at the desk needs to know first.
RIGHT_NOW_CHANNELS = [
    (Channel.PHONE, "A telephone call"),
    (Channel.IN_PERSON, "A visit in person"),
    (Channel.EMAIL, "An email"),
    (Channel.LETTER, "A letter"),
]


def front_desk(customer: Customer, check: dict | None = None,
               now: dt.datetime | None = None) -> dict:
    """What the front desk shows of a customer: the restrictions in force now, whether
    they may call, come in, email or write right now, and (with `check`, the clean data
    of the check form) the verdict on one contact and the restrictions at its instant.

    Every sanction in force, whatever its scope: the front desk serves the whole council.
    One query for the sanctions at both instants, one for any refused matters, one count
    of calls for every call limit and both checks: a fixed number whatever is asked.
    """
    now = now or timezone.now()
    instants = [now] + ([check["at"]] if check else [])
    in_force = sanctions_in_force_at(customer, instants)
    current = in_force[now]
    checks = [(channel, now) for channel, _ in RIGHT_NOW_CHANNELS] if current else []
    windows = set()
    for channel, at in checks:
        windows |= call_windows(current, channel, at)
    if check:
        windows |= call_windows(in_force[check["at"]], check["channel"], check["at"])
    calls = count_calls(customer, windows)
    verdict: Verdict | None = None
    if check:
        verdict = check_contact(customer=customer, sanctions=in_force[check["at"]],
                                call_counts=calls, **check)
    return {
        "restrictions": banner_lines(current) if current else None,
        "right_now": [
            (label, check_contact(customer=customer, channel=channel, at=now,
                                  sanctions=current, call_counts=calls))
            for channel, label in RIGHT_NOW_CHANNELS
        ] if current else None,
        "verdict": verdict,
        "check_restrictions": banner_lines(in_force[check["at"]]) if check else None,
        "now": now,
    }


def mark_restricted(customers: list[Customer], at: dt.datetime | None = None) -> list[Customer]:
    """Set `restricted` on each of a page of customers already read: one query for the page.

    For a list that is ordered and cut before it is flagged (a page of search results, the
    duplicate check's candidates). `with_restricted_flag` in the same query makes PostgreSQL
    build a hash of every sanction in force before the LIMIT (80 ms at 100,000 customers);
    asked of the page's ids it is an index probe each."""
    ids = [c.pk for c in customers]
    restricted = set(Sanction.objects.in_force_at(at or timezone.now()).filter(
        case__customer_id__in=ids).values_list("case__customer_id", flat=True)) if ids else set()
    for c in customers:
        c.restricted = c.pk in restricted
    return customers


def with_restricted_flag(customers: QuerySet[Customer], at: dt.datetime | None = None):
    """Annotate `restricted`: whether any sanction is in force for each customer now."""
    in_force = Sanction.objects.in_force_at(at or timezone.now()).filter(
        case__customer=OuterRef("pk")
    )
    return customers.annotate(restricted=Exists(in_force))


# --- filed correspondence ------------------------------------------------------------------


def filed_items_to_read(user) -> QuerySet[FiledItem]:
    """Unread filed items of cases the user may see, oldest first."""
    return (
        FiledItem.objects.filter(case_row_scope(user, "sanction__case"), read_at__isnull=True)
        .select_related(
            "contact__customer", "contact__matter", "contact__directorate", "sanction__case"
        )
        # What the queue shows: not the contact's text nor every column of the rest.
        .only("id", "contact__id", "contact__occurred_at", "contact__channel",
              "contact__customer__id", "contact__customer__full_name",
              "contact__customer__reference", "contact__matter__reference",
              "contact__directorate__name", "sanction__id", "sanction__case__reference")
        .order_by("contact__occurred_at", "id")
    )


def get_filed_item_for_user(user, pk: int) -> FiledItem:
    try:
        item = (
            FiledItem.objects.filter(case_row_scope(user, "sanction__case"))
            .select_related(
                "contact__customer",
                "contact__matter",
                "contact__directorate",
                "contact__handled_by",
                "sanction__case",
                "read_by",
            )
            .prefetch_related("contact__attachments", "contact__indicators")
            .get(pk=pk)
        )
    except FiledItem.DoesNotExist:
        raise Http404("No filed item found") from None
    access_log.noted(user, item.contact.customer_id, item.sanction.case_id)
    return item


# --- monitoring a designation (section 2.2: "record and monitor further contact") -----------


def _designation_start(case: DesignationCase) -> dt.datetime | None:
    if case.decided_at is not None:
        return case.decided_at
    if case.designated_on is not None:
        return timezone.make_aware(dt.datetime.combine(case.designated_on, dt.time.min))
    return None


def case_monitoring(case: DesignationCase) -> dict:
    """What has happened since the designation: breaches, new contacts by indicator, and
    filed items read or waiting, with the ones that raised something. Empty before a
    designation. A fixed number of queries, whatever the numbers.
    """
    since = _designation_start(case)
    if since is None or case.designated_on is None:
        return {}
    breaches = ContactBreach.objects.filter(sanction__case=case, filed=False)
    recent_breaches = capped(
        breaches.select_related("contact__handled_by", "sanction").order_by(
            "-contact__occurred_at", "-id"
        ),
        RECENT_BREACHES,
    )
    # The customer and date in WHERE, before the count (filter() ahead of annotate() counts
    # over the same join): as a FILTER clause of the COUNT instead, every contact in the
    # council was joined to its indicators on each view of the page (1 s at 100,000
    # customers; issue 13).
    by_indicator = list(
        Indicator.objects.filter(
            contacts__customer_id=case.customer_id, contacts__occurred_at__gte=since
        )
        .annotate(contacts_since=Count("contacts"))
        .order_by("-contacts_since", "group", "order", "id")
    )
    filed = FiledItem.objects.filter(sanction__case=case)
    # Three counts of two tables as one row.
    counts = (
        DesignationCase.objects.filter(pk=case.pk)
        .annotate(
            contacts_since=SubqueryCount(Contact.objects.filter(
                customer_id=case.customer_id, occurred_at__gte=since).values("pk")),
            filed_read=SubqueryCount(filed.filter(read_at__isnull=False).values("pk")),
            filed_unread=SubqueryCount(filed.filter(read_at__isnull=True).values("pk")),
        )
        .values("contacts_since", "filed_read", "filed_unread")
        .get()
    )
    flagged = capped(
        filed.filter(Q(significant_new_information=True) | Q(safeguarding_concern=True))
        .select_related("contact", "read_by")
        .order_by("-read_at", "-id"),
        FLAGGED_SHOWN,
    )
    return {
        "since": since,
        "breach_count": recent_breaches.total,
        "recent_breaches": recent_breaches,
        "contacts_since": counts["contacts_since"],
        "by_indicator": by_indicator,
        "filed_read": counts["filed_read"],
        "filed_unread": counts["filed_unread"],
        "flagged": flagged,
    }


def case_monitoring_section(case: DesignationCase, user) -> dict:
    """The case page's monitoring section (registered in `cases.sections`)."""
    return {"monitoring": case_monitoring(case)}
