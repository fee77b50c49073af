"""Every deadline of the policy is computed here, and only here.

Dates are legal dates in UK local time (`timezone.localdate()`); months are calendar months,
so 31 August plus six months is the last day of February. The results are stored on the
rows that own them; scheduled jobs read the stored dates, they never recompute them.
"""

from __future__ import annotations

import calendar
import datetime as dt

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


def review_due(designated_on: dt.date) -> dt.date:
    """The six-month review of a designation."""
    return add_months(designated_on, REVIEW_AFTER_MONTHS)


def challenge_last_day(notified_on: dt.date) -> dt.date:
    """The last day a customer's written request for a review is in time."""
    return notified_on + dt.timedelta(days=CHALLENGE_DAYS)
