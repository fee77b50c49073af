"""Every deadline of the policy is computed here, and only here.

Dates are legal dates in UK local time (`timezone.localdate()`); months are calendar months,
so 31 August plus six months is the last day of February. The results are stored on the
rows that own them (the case, the challenge, the review) and changed only by named services
that record the old and new value; scheduled jobs read the stored dates, they never
recompute them.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db.models import DateField, F
from django.db.models.functions import Cast
from django.utils import timezone

REVIEW_AFTER_MONTHS = 6  # section 2.4: "a review will be carried out after a period of 6 months"
CHALLENGE_DAYS = 14  # section 2.4: a written request "within 14 days of the policy being invoked"
REVIEW_DECISION_DAYS = 28  # section 2.4: "within 28 days from receipt of the request"


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month `months` later, or that month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def local_day(at: dt.datetime) -> dt.date:
    """The legal date of an instant: its date in UK local time, clock changes included.

    23:59 BST on the 14th day is still the 14th day, though it is 22:59 UTC; 00:30 BST on
    the 15th is the 15th, though UTC still says the 14th.
    """
    return timezone.localdate(at)


def review_due(designated_on: dt.date) -> dt.date:
    """The six-month review of a designation."""
    return add_months(designated_on, REVIEW_AFTER_MONTHS)


def latest_next_review(decided_on: dt.date) -> dt.date:
    """A review that continues or varies a designation sets the next review at most six
    calendar months after the day it is decided."""
    return add_months(decided_on, REVIEW_AFTER_MONTHS)


def challenge_last_day(notified_on: dt.date) -> dt.date:
    """The last day a customer's written request for a review is in time."""
    return notified_on + dt.timedelta(days=CHALLENGE_DAYS)


def challenge_is_late(received_on: dt.date, last_day: dt.date | None) -> bool:
    """A request is late only after the last day; with no letter sent yet it cannot be."""
    return last_day is not None and received_on > last_day


def challenge_decision_due(received_on: dt.date) -> dt.date:
    """The independent reviewer decides within 28 days of receiving the request."""
    return received_on + dt.timedelta(days=REVIEW_DECISION_DAYS)


def notify_by(designated_on: dt.date) -> dt.date:
    """The day by which the customer should have been written to and the council informed;
    after it the sweep reminds the senior managers (a designation nobody was told about
    restricts nothing, and the Ombudsman finds fault with one the customer never heard of)."""
    return designated_on + dt.timedelta(days=settings.NOTIFY_WITHIN_DAYS)


def notify_by_in_query(designated_on: str = "designated_on") -> Cast:
    """`notify_by` as a database expression on the case's stored `designated_on`, so a
    query can filter and sort on the day itself (the deadline dashboard does)."""
    return Cast(
        F(designated_on) + dt.timedelta(days=settings.NOTIFY_WITHIN_DAYS),
        output_field=DateField(),
    )


def review_opens_on(due_on: dt.date) -> dt.date:
    """The day the six-month review record is opened, so the senior manager has time."""
    return due_on - dt.timedelta(days=settings.REVIEW_OPEN_DAYS_BEFORE)


def reminder_offsets() -> list[int]:
    """Days before a due date that reminders go, most notice first (settings: 7 and 2)."""
    return sorted({int(d) for d in settings.REMINDER_DAYS_BEFORE if int(d) > 0}, reverse=True)


def reminder_due(due_on: dt.date, today: dt.date) -> int | None:
    """The reminder that is due on `today` for something due on `due_on`, or None.

    The most urgent offset reached, so a sweep that runs a week late sends one reminder
    (the 2-day one) rather than both at once. Nothing once the due date has passed: that is
    an escalation, not a reminder.
    """
    if today > due_on:
        return None
    reached = [d for d in reminder_offsets() if today >= due_on - dt.timedelta(days=d)]
    return min(reached) if reached else None


def days_left(due_on: dt.date, today: dt.date | None = None) -> int:
    """Days until `due_on` (0 on the day, negative once overdue)."""
    return (due_on - (today or timezone.localdate())).days


def days_text(days: int) -> str:
    """`days_left` as every page says it: "due today", "3 days left", "1 day overdue"."""
    if days == 0:
        return "due today"
    count = abs(days)
    return f"{count} day{'' if count == 1 else 's'} {'left' if days > 0 else 'overdue'}"


SUBJECT_ACCESS_MONTHS = 1  # UK GDPR Art. 12(3): "within one month of receipt of the request"
SUBJECT_ACCESS_MAX_EXTENSION_MONTHS = 2  # "extended by two further months where necessary"


def subject_access_due(received_on: dt.date, extension_months: int = 0) -> dt.date:
    """The day a subject access request must be answered by: one calendar month from
    receipt (31 January gives the last day of February), plus any extension of up to two
    further months, counted from receipt as well (the ICO counts every limit from the day
    the request arrived)."""
    if not 0 <= extension_months <= SUBJECT_ACCESS_MAX_EXTENSION_MONTHS:
        raise ValueError("a subject access request can be extended by at most two months")
    return add_months(received_on, SUBJECT_ACCESS_MONTHS + extension_months)


KEYS_PER_QUERY = 5000


def not_done(keyed, ledger) -> list:
    """The daily sweep's filter: `keyed` is (key, item) pairs, a key None for an item that
    needs nothing today; the items whose key is not yet in `ledger` (a model with a unique
    `key`: reviews' `DeadlineAlert`, governance's `SarAlert`), in order. One query per
    5,000 keys, so a sweep's cost follows what is due, not what was done before."""
    keyed = [(key, item) for key, item in keyed if key is not None]
    done: set[str] = set()
    for start in range(0, len(keyed), KEYS_PER_QUERY):
        chunk = [key for key, _item in keyed[start:start + KEYS_PER_QUERY]]
        done.update(ledger.objects.filter(key__in=chunk).values_list("key", flat=True))
    return [item for key, item in keyed if key not in done]
