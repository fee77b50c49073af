"""The report's precomputed counts (reports/summary.py) equal the live definitions
(reports/selectors.py) after every kind of write, after the daily sweep, and after a
rebuild from scratch: for one directorate and all, for whole and partial months, for a
period that has ended and one still running."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from cases.models import (
    ClosingReason,
    DesignationCase,
    Indicator,
    IndicatorGroup,
    Warning,
    WarningKind,
)
from reports import selectors, summary
from reports.models import ReportContribution, ReportCount
from reports.periods import Period, quarter_period, year_period
from reviews import services as review_services
from reviews.models import Challenge, ChallengeStatus, Review
from sanctions import services as sanction_services
from sanctions.models import Sanction, SanctionStatus
from tests.reports.conftest import TODAY, d, live_figures
from tests.reviews.conftest import put_in_force

pytestmark = pytest.mark.django_db


def _nonzero(value):
    """The definitions leave out some zero counts and keep others: compare what is counted."""
    if isinstance(value, dict):
        kept = {k: _nonzero(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (0, {}, None)}
    if isinstance(value, list):
        return [_nonzero(v) for v in value]
    if isinstance(value, selectors.ReasonRow):
        return (value.indicator_id, value.text, _nonzero(value.counts))
    if isinstance(value, selectors.InvolvedRow):
        return (value.lead_id, value.lead_name, _nonzero(value.counts))
    return value


def live(ids: list[int], period: Period, today: dt.date) -> dict:
    """Every figure by its own definition's query (no summary)."""
    return _nonzero(live_figures(ids, period, today))


def precomputed(ids: list[int], period: Period, today: dt.date) -> dict:
    return _nonzero(selectors.summary_figures(
        ids, period, period.as_at(today), today, period.trend_months(today)))


def periods_for(today: dt.date) -> list[Period]:
    """Whole years and quarters, and periods that start and end inside a month."""
    return [
        year_period(today.year - 1), year_period(today.year),
        quarter_period(2026, 1),
        Period("custom", today - dt.timedelta(days=200), today - dt.timedelta(days=3), "c1"),
        Period("custom", d(2025, 12, 15), d(2026, 3, 20), "c2"),
        Period("custom", today.replace(day=2), today, "this month"),
    ]


def assert_summary_is_live(scopes: list[list[int]], today: dt.date, *,
                           every_period: bool = True) -> None:
    periods = periods_for(today)
    if not every_period:  # the year so far, and a period inside months (day rows)
        periods = [periods[1], periods[3], periods[4]]
    for ids in scopes:
        for period in periods:
            assert precomputed(ids, period, today) == live(ids, period, today), (ids, period)


@pytest.fixture
def scopes(adults, children, resources):
    return [[adults.pk], [children.pk], [adults.pk, children.pk, resources.pk]]


def test_the_summary_of_the_hand_built_quarter_is_its_live_figures(quarter, frozen_today,
                                                                   scopes):
    assert_summary_is_live(scopes, frozen_today)
    # Something was counted: the equality is not of two empty pages.
    q1 = precomputed(scopes[0], quarter_period(2026, 1), frozen_today)
    assert q1["invocations"][quarter.adults.pk]["total"] == 3
    assert q1["standing_designations"][quarter.adults.pk] == {"standing": 6, "restricted": 4}


# --- each kind of write, through the services where there is one ------------------------------


def _designate(world):
    world.case = world.make_case("designated")


def _in_force(world):
    world.case = put_in_force(world.make_case("designated"), world.senior)


def _closed(how: str):
    def write(world):
        world.case = world.make_case("closed", closed_by=how)
    return write


def _challenge_withdrawn(world):
    case = put_in_force(world.make_case("designated"), world.senior)
    challenge = review_services.challenge_record(
        actor=world.senior, case=case, channel="letter", received_on=case.customer_notified_on,
        grounds="I was not told why.",
    )
    challenge = review_services.challenge_assign_reviewer(
        actor=world.senior, challenge=challenge, reviewer=world.reviewer)
    review_services.challenge_decide(actor=world.reviewer, challenge=challenge,
                                     outcome="withdraw", reasons="The evidence was thin.")
    case.refresh_from_db()
    assert case.closing_reason == ClosingReason.WITHDRAWN


def _challenge_late(world):
    case = put_in_force(world.make_case("designated"), world.senior)
    later = TODAY + dt.timedelta(days=21)
    review_services.challenge_record(
        actor=world.senior, case=case, channel="letter",
        received_on=case.customer_notified_on + dt.timedelta(days=20), grounds="Late.",
        now=later,
    )
    assert Challenge.objects.get(case=case).is_late
    world.today = later.date()


def _review_lifted(world):
    case = put_in_force(world.make_case("designated"), world.senior)
    review_services.review_open(actor=world.senior, case=case)
    review_services.review_decide(actor=world.senior, case=case, outcome="lift",
                                  reasons="The behaviour has stopped.")
    case.refresh_from_db()
    assert case.closing_reason == ClosingReason.LIFTED


def _sanction_ended_early(world):
    case = put_in_force(world.make_case("designated"), world.senior)
    with transaction.atomic():
        ended = sanction_services.end_sanctions(
            actor=world.senior, case=case, on=world.today, reason="No longer needed.",
            only=Sanction.objects.filter(case=case)[:1])
    assert ended and ended[0].status == SanctionStatus.ENDED


def _sanction_deleted(world):
    case = world.make_case("designated")
    Sanction.objects.filter(case=case).delete()


def _warning_moved_and_deleted(world):
    case = world.make_case("warned")
    warning = Warning.objects.filter(customer=case.customer).first()
    warning.given_on = d(2025, 11, 30)
    warning.kind = WarningKind.INFORMAL
    warning.directorate = world.children
    warning.save()
    Warning.objects.filter(customer=case.customer).exclude(pk=warning.pk).delete()


def _reasons_and_directorates_changed(world):
    case = world.make_case("designated")
    case.decision_indicators.set(Indicator.objects.filter(group=IndicatorGroup.ACTION)[:2])
    case.involved_directorates.set([world.children, world.resources])
    case.involved_directorates.remove(world.resources)
    # From the directorate's side too: every case involving Children no longer does.
    world.children.involved_cases.clear()


def _case_moved_and_redated(world):
    case = put_in_force(world.make_case("designated"), world.senior)
    case.lead_directorate = world.children
    case.designated_on = d(2026, 1, 31)
    case.save()


def _indicator_moved_to_another_list(world):
    world.make_case("designated")
    indicator = Indicator.objects.filter(
        pk__in=DesignationCase.decision_indicators.through.objects.values("indicator_id")
    ).first()
    indicator.group = (IndicatorGroup.ACTION if indicator.group != IndicatorGroup.ACTION
                       else IndicatorGroup.BEHAVIOUR)
    indicator.save()


def _case_deleted(world):
    case = world.make_case("referred")
    case.delete()
    assert not ReportContribution.objects.filter(source=f"case:{case.pk}").exists()


def _the_sweep(world):
    """A review missed: the sweep records the lapse (the counts need no sweep to be right)."""
    case = put_in_force(world.make_case("designated"), world.senior)
    review_services.review_open(actor=world.senior, case=case)
    with time_machine.travel(dt.datetime.combine(case.review_due_on + dt.timedelta(days=2),
                                                 dt.time(7), tzinfo=TODAY.tzinfo), tick=False):
        call_command("run_sweeps", stdout=open("/dev/null", "w"))
        assert Review.objects.filter(case=case, lapsed_at__isnull=False).exists()
        world.today = case.review_due_on + dt.timedelta(days=2)


WRITES: dict[str, Callable] = {
    "designated": _designate,
    "in force (letter, council informed)": _in_force,
    "closed at referral": _closed("close_referral"),
    "closed, behaviour stopped": _closed("behaviour_stopped"),
    "closed, a precondition failed": _closed("close_precondition_failed"),
    "closed, not designated": _closed("decline"),
    "withdrawn on challenge": _challenge_withdrawn,
    "a late challenge": _challenge_late,
    "lifted at review": _review_lifted,
    "a sanction ended early": _sanction_ended_early,
    "a sanction deleted": _sanction_deleted,
    "a warning moved and one deleted": _warning_moved_and_deleted,
    "reasons and directorates involved changed": _reasons_and_directorates_changed,
    "a case moved to another directorate and redated": _case_moved_and_redated,
    "an indicator moved to another list": _indicator_moved_to_another_list,
    "a case deleted": _case_deleted,
    "the daily sweep records a lapse": _the_sweep,
}


class World:
    pass


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_the_summary_stays_live_after_each_kind_of_write(
    write, quarter, scopes, make_case, senior_manager, reviewer, letter_storage, eager_celery,
):
    world = World()
    world.make_case, world.senior, world.reviewer = make_case, senior_manager, reviewer
    world.children, world.resources = quarter.children, quarter.resources
    with time_machine.travel(TODAY, tick=False):
        world.today = TODAY.date()
        before = ReportCount.objects.count()
        WRITES[write](world)
        assert_summary_is_live(scopes, world.today, every_period=False)
    assert ReportCount.objects.count() >= before
    # And a rebuild from scratch (the data migration, `seed_volume`) gives the same counts.
    kept = {(r.grain, r.day, r.directorate_id, r.figure): r.n
            for r in ReportCount.objects.exclude(n=0)}
    summary.rebuild()
    assert {(r.grain, r.day, r.directorate_id, r.figure): r.n
            for r in ReportCount.objects.all()} == kept


def test_a_rebuild_at_volume_is_the_live_figures(quarter, frozen_today, scopes):
    """`seed_volume` writes in bulk (no signals) and rebuilds the counts when it ends."""
    ReportCount.objects.all().delete()
    call_command("seed_volume", customers=150, seed=11, stdout=open("/dev/null", "w"))
    assert_summary_is_live(scopes, frozen_today)
    assert precomputed(scopes[2], year_period(2026), frozen_today)["invocations"]


def test_a_late_challenge_refused_is_no_longer_undecided(quarter, frozen_today, scopes,
                                                         senior_manager):
    challenge = Challenge.objects.get(status=ChallengeStatus.LATE)
    review_services.challenge_refuse_late(actor=senior_manager, challenge=challenge,
                                          reason="Nothing prevented an earlier request.")
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.NOT_ACCEPTED
    assert_summary_is_live(scopes, frozen_today, every_period=False)


def test_a_warning_given_today_counts_today(quarter, frozen_today, scopes, senior_manager):
    Warning.objects.create(customer=quarter.a1.customer, directorate=quarter.adults,
                           kind=WarningKind.FORMAL, method="letter", given_on=frozen_today,
                           given_by=senior_manager, summary="Stop.")
    assert_summary_is_live(scopes, frozen_today)
