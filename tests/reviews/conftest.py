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
def letters_private_media(private_media, monkeypatch):
    from django.core.files.storage import storages

    from letters.models import Letter, PolicyVersion

    for model in (Letter, PolicyVersion):
        monkeypatch.setattr(model._meta.get_field("pdf"), "storage", storages["private"])
    return private_media


@pytest.fixture(autouse=True)
def eager_celery():
    """CI has a Redis broker and no worker: run tasks in the test's process."""
    from ucp.celery import app

    wanted = {"task_always_eager": True, "task_eager_propagates": True}
    before = {key: app.conf.get(key) for key in wanted}
    app.conf.update(wanted)
    yield
    app.conf.update(before)


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
