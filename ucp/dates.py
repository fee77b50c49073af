"""Dates a record can plausibly hold: one rule for the forms and the services.

A contact, a warning, a matter received, a precondition confirmed, a request for a review:
each happened, so none is in the future (times have a few minutes' grace, as the officer's
clock and the server's are not the same clock), and none is before the council's records
of this kind begin (`RECORDS_START`, 1 January 2000 unless set): "1899" or "0001" is a typing
slip, and a date that far out also breaks the arithmetic of weeks and months downstream.
Dates set ahead (a sanction's end, the next review) may be in the future, but not more than
`FURTHEST_AHEAD_YEARS` ahead. A date of birth would be a different rule; none is asked.

Forms use `RecordDateValidator` (the message goes on the field); services call
`require_record_date`, so a script or a forged POST cannot get round the form (the same
pattern as `ucp.reasons`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from ucp.errors import ServiceError

GRACE = dt.timedelta(minutes=5)
FURTHEST_AHEAD_YEARS = 5


def records_start() -> dt.date:
    return settings.RECORDS_START


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def date_problem(
    value: dt.date | dt.datetime | None, what: str = "The date", *,
    ahead: bool = False, now: dt.datetime | None = None,
) -> str | None:
    """Why `value` is not a plausible date for the record, or None. `ahead=True` for a
    date set in advance (it may be in the future, within `FURTHEST_AHEAD_YEARS`)."""
    if value is None:
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    if isinstance(value, dt.datetime):
        try:
            day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        except (OverflowError, ValueError):
            return f"{what} must be on or after {_day(records_start())}: check the year"
        if not ahead and value > now + GRACE:
            return f"{what} cannot be in the future"
    else:
        day = value
        if not ahead and day > today:
            return f"{what} cannot be in the future"
    start = records_start()
    if day < start:
        return f"{what} must be on or after {_day(start)}: check the year"
    if ahead:
        # 29 February five years on is 28 February.
        furthest = dt.date(today.year + FURTHEST_AHEAD_YEARS, today.month,
                           min(today.day, 28 if today.month == 2 else today.day))
        if day > furthest:
            return (f"{what} must be within {FURTHEST_AHEAD_YEARS} years of today: "
                    "check the year")
    return None


@deconstructible
class RecordDateValidator:
    """A form field validator for dates and times; see the module docstring."""

    def __init__(self, what: str = "The date", *, ahead: bool = False) -> None:
        self.what = what
        self.ahead = ahead

    def __call__(self, value: dt.date | dt.datetime) -> None:
        problem = date_problem(value, self.what, ahead=self.ahead)
        if problem:
            raise ValidationError(problem, code="implausible_date")

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RecordDateValidator) and other.what == self.what
                and other.ahead == self.ahead)


def require_record_date(
    value: dt.date | dt.datetime | None, what: str, *, ahead: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """ServiceError with the rule if `value` is not a plausible date for the record."""
    problem = date_problem(value, what, ahead=ahead, now=now)
    if problem:
        raise ServiceError(f"{problem}.")
