"""The six-month review (step 12): lift, vary or continue with reasons and the next date."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import CaseState
from letters.models import LetterKind
from reviews import services
from reviews.models import Review, ReviewOutcome, ReviewStatus
from sanctions.models import Sanction, SanctionStatus
from tests.conftest import LONDON
from tests.reviews.conftest import REVIEW_DUE
from ucp.errors import NotAllowed, ServiceError

pytestmark = pytest.mark.django_db


def move_to(time_machine, day: dt.date) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(11), tzinfo=LONDON), tick=False)


def test_the_review_is_due_six_calendar_months_after_designation(in_force):
    assert in_force.designated_on == dt.date(2025, 9, 1)
    assert in_force.review_due_on == REVIEW_DUE


def test_continue_needs_reasons_and_a_next_review_within_six_months(
    in_force, senior_manager, time_machine
):
    move_to(time_machine, dt.date(2026, 2, 20))
    with pytest.raises(ServiceError, match="reasons"):
        services.review_decide(actor=senior_manager, case=in_force, outcome="continue",
                               reasons="", next_review_on=dt.date(2026, 8, 20))
    with pytest.raises(ServiceError, match="within six months"):
        services.review_decide(actor=senior_manager, case=in_force, outcome="continue",
                               reasons="You are still calling us every day.",
                               next_review_on=dt.date(2026, 8, 21))
    with pytest.raises(ServiceError, match="next review"):
        services.review_decide(actor=senior_manager, case=in_force, outcome="continue",
                               reasons="You are still calling us every day.", next_review_on=None)
    letter = services.review_decide(actor=senior_manager, case=in_force, outcome="continue",
                                    reasons="You are still calling us every day.",
                                    next_review_on=dt.date(2026, 8, 20))
    in_force.refresh_from_db()
    assert in_force.state == CaseState.ACTIVE
    assert in_force.review_due_on == dt.date(2026, 8, 20)
    # The old sanction ended today; a renewed copy runs to the next review.
    renewed = in_force.sanctions.get(status=SanctionStatus.ACTIVE)
    assert (renewed.starts_on, renewed.ends_on, renewed.max_minutes) == (
        dt.date(2026, 2, 20), dt.date(2026, 8, 20), 15)
    review = Review.objects.get(case=in_force)
    assert review.status == ReviewStatus.DECIDED and review.decided_in_time is True
    assert review.next_review_on == dt.date(2026, 8, 20)
    change = in_force.events.get(kind="review_due_changed")
    assert "1 March 2026 → 20 August 2026" in change.details
    assert letter.kind == LetterKind.REVIEW_OUTCOME and "same restrictions" in letter.html


def test_lift_ends_the_designation_and_its_sanctions(in_force, senior_manager, time_machine):
    move_to(time_machine, dt.date(2026, 2, 25))
    letter = services.review_decide(actor=senior_manager, case=in_force, outcome="lift",
                                    reasons="No contact of concern since November.")
    in_force.refresh_from_db()
    assert in_force.state == CaseState.CLOSED and in_force.closing_reason == "lifted"
    assert not Sanction.objects.in_force(dt.date(2026, 2, 26)).filter(case=in_force).exists()
    assert "have been lifted" in letter.html


def test_vary_sets_new_sanctions_to_the_next_review(in_force, senior_manager, time_machine):
    from tests.factories import time_limit_sanction

    move_to(time_machine, dt.date(2026, 2, 25))
    spec = time_limit_sanction(in_force, minutes=20, ends_on=dt.date(2026, 8, 1))
    services.review_decide(actor=senior_manager, case=in_force, outcome="vary",
                           reasons="Calls are shorter now.", next_review_on=dt.date(2026, 8, 1),
                           sanctions=spec)
    current = in_force.sanctions.get(status=SanctionStatus.ACTIVE)
    assert current.max_minutes == 20 and current.ends_on == dt.date(2026, 8, 1)
    assert in_force.sanctions.filter(status=SanctionStatus.ENDED).count() == 1


def test_only_a_senior_manager_of_the_case_reviews(in_force, service_manager, outsider, reviewer):
    for who in (service_manager, outsider, reviewer):
        with pytest.raises(NotAllowed):
            services.review_decide(actor=who, case=in_force, outcome="lift",
                                   reasons="The behaviour has stopped since March.")
    assert not Review.objects.filter(status=ReviewStatus.DECIDED).exists()


def test_a_review_opened_early_is_the_one_decided(in_force, senior_manager, time_machine):
    move_to(time_machine, dt.date(2026, 2, 1))
    opened = services.review_open(actor=senior_manager, case=in_force)
    assert services.review_open(actor=senior_manager, case=in_force) == opened
    services.review_decide(actor=senior_manager, case=in_force, outcome="lift",
                           reasons="The behaviour has stopped since March.")
    assert Review.objects.get().pk == opened.pk
    assert Review.objects.get().outcome == ReviewOutcome.LIFT
