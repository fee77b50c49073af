"""The period a report covers: a month, a quarter, a calendar or financial year, or two dates.

Quarters are calendar quarters (quarter 1 is January to March), as in the quarterly report's
address (`?year=2026&quarter=3` is July to September 2026); the financial year runs from
1 April, which is how the council's own performance reports are set out. Dates are UK dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from cases.deadlines import add_months

MONTH_NAMES = [calendar.month_name[m] for m in range(1, 13)]
QUARTER_MONTHS = {1: "January to March", 2: "April to June", 3: "July to September",
                  4: "October to December"}
# A trend shows at least this many months, ending with the period's last month.
TREND_MONTHS = 12


def _long(day: dt.date) -> str:
    return date_format(day, "j F Y")


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, financial_year or custom
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @property
    def slug(self) -> str:
        """For file names: 2026-07-01-to-2026-09-30."""
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"

    @property
    def dates(self) -> str:
        return f"{_long(self.start)} to {_long(self.end)}"

    def as_at(self, today: dt.date) -> dt.date:
        """The day standing figures (designations, sanctions in force) are counted on: the
        period's last day, or today while the period is still running."""
        return min(self.end, today)

    def is_running(self, today: dt.date) -> bool:
        return self.start <= today <= self.end

    @property
    def start_instant(self) -> dt.datetime:
        return day_start(self.start)

    @property
    def end_instant(self) -> dt.datetime:
        """The first instant after the period (exclusive)."""
        return day_start(self.end + dt.timedelta(days=1))

    def trend_months(self, today: dt.date) -> list[dt.date]:
        """First days of the months a trend shows: the period's months up to today's (the
        months to come have nothing to show yet), and at least the 12 months to the last."""
        last = max(self.start, min(self.end, today)).replace(day=1)
        first = min(self.start.replace(day=1), add_months(last, -(TREND_MONTHS - 1)))
        months = []
        month = first
        while month <= last:
            months.append(month)
            month = add_months(month, 1)
        return months


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of a UK day, as an aware instant (clock changes included)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period("month", dt.date(year, month, 1), dt.date(year, month, last),
                  f"{MONTH_NAMES[month - 1]} {year}")


def quarter_period(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    start = dt.date(year, first_month, 1)
    end = add_months(start, 3) - dt.timedelta(days=1)
    return Period("quarter", start, end,
                  f"Quarter {quarter} {year} ({QUARTER_MONTHS[quarter]})")


def year_period(year: int) -> Period:
    return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31), f"Calendar year {year}")


def financial_year_period(year: int) -> Period:
    """The financial year starting on 1 April of `year`."""
    return Period("financial_year", dt.date(year, 4, 1), dt.date(year + 1, 3, 31),
                  f"Financial year {year} to {year + 1}")


def custom_period(start: dt.date, end: dt.date) -> Period:
    return Period("custom", start, end, f"{_long(start)} to {_long(end)}")


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def last_complete_quarter(today: dt.date) -> tuple[int, int]:
    quarter = quarter_of(today) - 1
    return (today.year, quarter) if quarter else (today.year - 1, 4)
