"""Challenges and reviews: a designation in force, reached through the real services.

Named days (Europe/London): the customer is designated and told on Monday 1 September
2025, so the last day to ask for a review is Monday 15 September, and the six-month review
is due on Sunday 1 March 2026.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import LONDON

MON_1_SEPT = dt.datetime(2025, 9, 1, 10, 0, tzinfo=LONDON)
LAST_DAY = dt.date(2025, 9, 15)
REVIEW_DUE = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _letters_in_test_storage_and_eager(letter_storage, eager_celery):
    """Outcome letters in the per-test folder; tasks run in-process (CI has no worker)."""


def put_in_force(case, senior_manager):
    """Issue the designation letter and inform the council, as the senior manager would."""
    from letters.services import case_inform_council, letter_issue

    letter_issue(actor=senior_manager, kind="designation", case=case)
    case_inform_council(actor=senior_manager, case=case, staff=[senior_manager])
    # The council notice goes now, so each test's mail is only what it caused.
    from django.core import mail

    from outbox.services import relay

    relay(older_than_seconds=0)
    mail.outbox.clear()
    case.refresh_from_db()
    assert case.state == "active", case.state
    return case


@pytest.fixture
def in_force(time_machine, make_case, customer, senior_manager):
    """Designated, told and in force on Monday 1 September 2025 (15-minute time limit)."""
    time_machine.move_to(MON_1_SEPT, tick=False)
    case = make_case("designated", customer=customer)
    return put_in_force(case, senior_manager)
