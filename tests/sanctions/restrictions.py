"""Helpers for the restriction tests: an active designation, and sanctions put on it.

`activate` stands in for the letters app's services (letter issued, council informed):
only `cases.services.case_activate_if_ready` is real here. Sanctions are created
directly, with any dates, so each test says exactly which rules are in force; on an
active designation they are in force from the moment it came into force (Monday 6 January
2025, 09:00).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from cases import services
from sanctions.models import Sanction

LONDON = zoneinfo.ZoneInfo("Europe/London")

# Sanctions run all of 2025 unless a test says otherwise.
JAN_1 = dt.date(2025, 1, 1)
DEC_31 = dt.date(2025, 12, 31)
# The case is designated (and its designation put in force) on Monday 6 January 2025.
DESIGNATED_AT = dt.datetime(2025, 1, 6, 9, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def activate(case, actor):
    """The customer has been sent the letter and the council informed: in force."""
    case.customer_notified_on = timezone.localdate()
    case.council_informed_at = timezone.now()
    # These tests check contacts across the whole of 2025 (both clock changes); a
    # year-end review date keeps their year-long sanctions within it.
    case.review_due_on = DEC_31
    case._history_user = actor
    case.save()
    return services.case_activate_if_ready(actor=actor, case=case)


def add_sanction(
    case,
    kind: str,
    *,
    starts_on: dt.date = JAN_1,
    ends_on: dt.date = DEC_31,
    directorates=None,
    council_wide: bool = False,
    matters=(),
    **params,
) -> Sanction:
    # On a designation in force, a sanction restricts from the moment the designation came
    # into force (as if chosen with it); on one not yet in force, from its activation.
    activated = case.events.filter(kind="activate").order_by("at").first()
    sanction = Sanction(
        case=case,
        in_force_from=activated.at if activated is not None else None,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        council_wide=council_wide,
        council_wide_justification="Contact reaches every service." if council_wide else "",
        reasons="Needed for the purposes of this test.",
        created_by=case.decided_by,
        **params,
    )
    sanction.full_clean(exclude=["case", "created_by"])
    sanction.save()
    if directorates is None:
        directorates = [] if council_wide else [case.lead_directorate]
    sanction.directorates.set(directorates)
    if matters:
        sanction.matters.set(matters)
    return sanction


@pytest.fixture
def designated_case(make_case, time_machine):
    """Designated on Monday 6 January 2025, with no sanction yet, and not yet in force."""
    time_machine.move_to(DESIGNATED_AT, tick=False)
    case = make_case("designated")
    # make_case's own time limit would muddle the boundaries: each test adds its own.
    case.sanctions.all().delete()
    return case


@pytest.fixture
def restricted_case(designated_case, senior_manager):
    """An active designation (customer told, council informed) with no sanction yet."""
    case = activate(designated_case, senior_manager)
    assert case.state == "active"
    return case


@pytest.fixture
def eager_tasks(eager_celery):
    """Run Celery tasks in-process even where REDIS_URL points at a broker (as in CI)."""
