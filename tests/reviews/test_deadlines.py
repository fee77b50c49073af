"""The deadline table: every date the policy sets, on named days (cases.deadlines).

Months are calendar months; days are London days, whatever the clocks do.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from cases import deadlines
from tests.conftest import LONDON

D = dt.date


@pytest.mark.parametrize(
    ("designated_on", "review_on"),
    [
        (D(2025, 8, 31), D(2026, 2, 28)),  # 31 August + 6 months: last day of February
        (D(2023, 8, 31), D(2024, 2, 29)),  # ... in a leap year, the 29th
        (D(2023, 8, 29), D(2024, 2, 29)),
        (D(2025, 8, 29), D(2026, 2, 28)),
        (D(2024, 2, 29), D(2024, 8, 29)),  # leap day + 6 months
        (D(2025, 3, 31), D(2025, 9, 30)),  # 31st into a 30-day month
        (D(2025, 12, 31), D(2026, 6, 30)),  # across a year end
        (D(2025, 7, 31), D(2026, 1, 31)),
        (D(2025, 6, 3), D(2025, 12, 3)),
        (D(2026, 3, 29), D(2026, 9, 29)),  # the day the clocks go forward
    ],
)
def test_six_month_review_is_six_calendar_months_on(designated_on, review_on):
    assert deadlines.review_due(designated_on) == review_on


@pytest.mark.parametrize(
    ("notified_on", "last_day"),
    [
        (D(2025, 9, 1), D(2025, 9, 15)),
        (D(2025, 2, 20), D(2025, 3, 6)),  # across the end of February
        (D(2024, 2, 20), D(2024, 3, 5)),  # ... in a leap year
        (D(2025, 12, 25), D(2026, 1, 8)),  # across the year end
        (D(2026, 3, 20), D(2026, 4, 3)),  # across the clocks going forward (29 March)
        (D(2026, 10, 20), D(2026, 11, 3)),  # across the clocks going back (25 October)
    ],
)
def test_challenge_window_is_fourteen_days_after_the_customer_is_told(notified_on, last_day):
    assert deadlines.challenge_last_day(notified_on) == last_day


@pytest.mark.parametrize(
    ("received_on", "due_on"),
    [
        (D(2025, 9, 15), D(2025, 10, 13)),
        (D(2025, 2, 1), D(2025, 3, 1)),  # 28 days from 1 February (not a leap year)
        (D(2024, 2, 1), D(2024, 2, 29)),  # ... in a leap year
        (D(2026, 3, 28), D(2026, 4, 25)),  # across the clocks going forward
        (D(2026, 12, 10), D(2027, 1, 7)),
    ],
)
def test_a_challenge_is_decided_within_28_days_of_receipt(received_on, due_on):
    assert deadlines.challenge_decision_due(received_on) == due_on


@pytest.mark.parametrize(
    ("received_at", "day", "late"),
    [
        # The 14th day is Sunday 29 March 2026, when the clocks go forward at 01:00.
        (dt.datetime(2026, 3, 29, 23, 59, tzinfo=LONDON), D(2026, 3, 29), False),
        # 00:30 BST on the 15th is 23:30 UTC on the 14th: still late, because the day is
        # the London day.
        (dt.datetime(2026, 3, 30, 0, 30, tzinfo=LONDON), D(2026, 3, 30), True),
        # The 14th day is Sunday 25 October 2026, when the clocks go back at 02:00.
        (dt.datetime(2026, 10, 25, 23, 59, tzinfo=LONDON), D(2026, 10, 25), False),
        (dt.datetime(2026, 10, 26, 0, 0, tzinfo=LONDON), D(2026, 10, 26), True),
    ],
)
def test_a_request_received_at_2359_on_the_14th_day_is_in_time(received_at, day, late):
    notified_on = day - dt.timedelta(days=14) if not late else day - dt.timedelta(days=15)
    last_day = deadlines.challenge_last_day(notified_on)
    assert deadlines.local_day(received_at) == day
    assert deadlines.challenge_is_late(deadlines.local_day(received_at), last_day) is late


def test_a_request_before_any_letter_cannot_be_late():
    assert deadlines.challenge_is_late(D(2025, 9, 30), None) is False


@pytest.mark.parametrize(
    ("decided_on", "latest"),
    [
        (D(2026, 3, 1), D(2026, 9, 1)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2027, 8, 31), D(2028, 2, 29)),
    ],
)
def test_the_next_review_is_at_most_six_months_on(decided_on, latest):
    assert deadlines.latest_next_review(decided_on) == latest


@override_settings(REMINDER_DAYS_BEFORE=[7, 2])
@pytest.mark.parametrize(
    ("today", "reminder"),
    [
        (D(2025, 10, 5), None),  # 8 days before
        (D(2025, 10, 6), 7),  # 7 days before
        (D(2025, 10, 10), 7),
        (D(2025, 10, 11), 2),  # 2 days before
        (D(2025, 10, 13), 2),  # the due day itself
        (D(2025, 10, 14), None),  # overdue: an escalation, not a reminder
    ],
)
def test_reminders_go_7_and_2_days_before(today, reminder):
    assert deadlines.reminder_due(D(2025, 10, 13), today) == reminder


@override_settings(REMINDER_DAYS_BEFORE=[14, 1])
def test_reminder_offsets_come_from_settings():
    assert deadlines.reminder_offsets() == [14, 1]
    assert deadlines.reminder_due(D(2025, 10, 13), D(2025, 9, 29)) == 14


@override_settings(REVIEW_OPEN_DAYS_BEFORE=28)
def test_the_review_opens_28_days_ahead():
    assert deadlines.review_opens_on(D(2026, 3, 1)) == D(2026, 2, 1)


def test_days_left_counts_down_and_goes_negative():
    assert deadlines.days_left(D(2025, 10, 13), D(2025, 10, 6)) == 7
    assert deadlines.days_left(D(2025, 10, 13), D(2025, 10, 13)) == 0
    assert deadlines.days_left(D(2025, 10, 13), D(2025, 10, 20)) == -7
