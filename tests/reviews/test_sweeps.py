"""The daily sweep: windows closed, reminders, escalations, lapses, reviews opened.

Idempotent (twice sends once), catches up when late, and on PostgreSQL two sweeps at once
never double-send.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from cases.models import CaseState
from reviews import services
from reviews.models import AlertKind, DeadlineAlert, Review
from reviews.sweeps import run_sweep
from sanctions.models import Sanction
from tests.conftest import LONDON
from tests.reviews.conftest import LAST_DAY, REVIEW_DUE

pytestmark = pytest.mark.django_db


def on(time_machine, day: dt.date, hour: int = 6) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(hour, 30), tzinfo=LONDON), tick=False)


def sweep() -> list:
    """Run the sweep and its outbox, as beat (or `run_sweeps`) does; returns the mail sent."""
    from outbox.services import relay

    before = len(mail.outbox)
    report = run_sweep()
    relay(older_than_seconds=0)
    sweep.report = report
    return mail.outbox[before:]


@pytest.fixture
def challenged(in_force, officer, senior_manager, reviewer, time_machine):
    """A request received on day 13 (14 September), given to the independent reviewer."""
    on(time_machine, dt.date(2025, 9, 14), hour=10)
    challenge = services.challenge_record(actor=officer, case=in_force, channel="letter",
                                          received_on=dt.date(2025, 9, 14), grounds="Unfair.")
    return services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                              reviewer=reviewer)


def test_running_twice_sends_one_reminder(challenged, time_machine):
    on(time_machine, challenged.decision_due_on - dt.timedelta(days=7))
    first = sweep()
    assert [m.to for m in first] == [[challenged.reviewer.email]]
    assert "due in 7 days" in first[0].subject
    assert sweep() == []
    assert DeadlineAlert.objects.filter(kind=AlertKind.REMINDER).count() == 1


def test_a_sweep_a_week_late_catches_up_with_one_reminder(challenged, time_machine):
    # Nothing ran between the 7-day and the 2-day mark: one reminder, the nearer one.
    on(time_machine, challenged.decision_due_on - dt.timedelta(days=1))
    sent = sweep()
    assert len(sent) == 1 and "due in 1 day" in sent[0].subject
    assert DeadlineAlert.objects.get(kind=AlertKind.REMINDER).days_before == 2
    # ...and the window that closed meanwhile is recorded once.
    assert challenged.case.events.filter(kind="challenge_window_closed").count() == 1


def test_an_overdue_challenge_is_escalated_to_the_assistant_director_once(
    challenged, time_machine
):
    on(time_machine, challenged.decision_due_on + dt.timedelta(days=1))
    sent = sweep()
    ad = challenged.case.lead_directorate.assistant_director_email
    assert len(sent) == 1 and ad in sent[0].to and "overdue" in sent[0].subject
    assert challenged.case.events.filter(kind="challenge_overdue").count() == 1
    on(time_machine, challenged.decision_due_on + dt.timedelta(days=2))
    assert sweep() == []


def test_the_window_closes_the_day_after_the_last_day(in_force, time_machine):
    on(time_machine, LAST_DAY)
    sweep()
    in_force.refresh_from_db()
    assert in_force.challenge_window_closed_at is None
    on(time_machine, LAST_DAY + dt.timedelta(days=1))
    sweep()
    in_force.refresh_from_db()
    assert in_force.challenge_window_closed_at is not None
    event = in_force.events.get(kind="challenge_window_closed")
    assert "no request for a review received" in event.summary


def test_the_review_opens_ahead_of_its_due_date(in_force, time_machine, settings):
    settings.REVIEW_OPEN_DAYS_BEFORE = 28
    on(time_machine, REVIEW_DUE - dt.timedelta(days=29))
    sweep()
    assert not Review.objects.exists()
    on(time_machine, REVIEW_DUE - dt.timedelta(days=28))
    sweep()
    review = Review.objects.get()
    assert review.due_on == REVIEW_DUE and review.opened_by is None
    sweep()
    assert Review.objects.count() == 1


def test_a_missed_review_lapses_the_restrictions_and_escalates(in_force, time_machine):
    on(time_machine, REVIEW_DUE)
    sweep()
    in_force.refresh_from_db()
    assert in_force.state == CaseState.ACTIVE
    on(time_machine, REVIEW_DUE + dt.timedelta(days=1))
    sent = sweep()
    in_force.refresh_from_db()
    assert in_force.state == CaseState.LAPSED
    review = Review.objects.get(case=in_force)
    assert review.lapsed_at is not None
    lapse = in_force.events.get(kind="lapse")
    assert lapse.actor is None and "restrictions lapsed" in lapse.summary
    assert "Time limit" in lapse.details
    ad = in_force.lead_directorate.assistant_director_email
    assert any(ad in m.to and "lapsed" in m.subject for m in sent)
    assert not Sanction.objects.in_force(REVIEW_DUE + dt.timedelta(days=1)).exists()
    assert sweep() == []


def test_a_lapsed_review_is_escalated_again_each_week(in_force, time_machine):
    on(time_machine, REVIEW_DUE + dt.timedelta(days=1))
    sweep()
    on(time_machine, REVIEW_DUE + dt.timedelta(days=7))
    assert sweep() == []
    on(time_machine, REVIEW_DUE + dt.timedelta(days=8))
    again = sweep()
    assert len(again) == 1 and "overdue" in again[0].subject


def test_a_late_review_puts_a_lapsed_designation_back_in_force(
    in_force, senior_manager, time_machine
):
    on(time_machine, REVIEW_DUE + dt.timedelta(days=3))
    sweep()
    in_force.refresh_from_db()
    assert in_force.state == CaseState.LAPSED
    services.review_decide(actor=senior_manager, case=in_force, outcome="continue",
                           reasons="Still abusive on the phone.",
                           next_review_on=dt.date(2026, 9, 1))
    in_force.refresh_from_db()
    assert in_force.state == CaseState.ACTIVE
    review = Review.objects.get(case=in_force)
    assert review.decided_in_time is False
    # The gap stays in the record: nothing was in force on the days the review was late.
    assert not Sanction.objects.filter(case=in_force, starts_on__lte=REVIEW_DUE
                                       + dt.timedelta(days=2),
                                       ends_on__gte=REVIEW_DUE + dt.timedelta(days=2),
                                       status="active").exists()
    assert Sanction.objects.in_force(REVIEW_DUE + dt.timedelta(days=3)).filter(
        case=in_force).count() == 1


def test_run_sweeps_command_runs_the_same_sweep(in_force, time_machine, capsys):
    on(time_machine, REVIEW_DUE + dt.timedelta(days=1))
    call_command("run_sweeps")
    out = capsys.readouterr().out
    assert "lapses: 1" in out and "Outbox:" in out
    in_force.refresh_from_db()
    assert in_force.state == CaseState.LAPSED


def test_the_beat_schedule_names_the_sweep_and_the_relay(settings):
    from ucp.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reviews.sweep", "outbox.relay"} <= tasks
    assert settings.CELERY_TIMEZONE == "Europe/London"
    app.loader.import_default_modules()
    assert {"reviews.sweep", "outbox.relay"} <= set(app.tasks)


def test_the_walk_from_notice_to_a_missed_review(in_force, officer, senior_manager, reviewer,
                                                  time_machine):
    """Notified on 1 September; challenged on day 13; reviewer assigned; decided on day 27;
    the six-month review falls due, is missed, and the lapse is recorded and escalated.
    The sweep runs every morning throughout."""
    case = in_force
    sent: list = []

    def days(start: dt.date, end: dt.date):
        day = start
        while day <= end:
            on(time_machine, day)
            sent.extend(sweep())
            day += dt.timedelta(days=1)

    days(dt.date(2025, 9, 2), dt.date(2025, 9, 13))
    on(time_machine, dt.date(2025, 9, 14), hour=10)  # day 13
    challenge = services.challenge_record(actor=officer, case=case, channel="email",
                                          received_at=dt.datetime(2025, 9, 14, 9, 12,
                                                                  tzinfo=LONDON),
                                          grounds="I was only asking about my care plan.")
    assert not challenge.is_late and challenge.decision_due_on == dt.date(2025, 10, 12)
    challenge = services.challenge_assign_reviewer(actor=senior_manager, challenge=challenge,
                                                   reviewer=reviewer)
    days(dt.date(2025, 9, 15), dt.date(2025, 10, 10))
    reminders = [m for m in sent if "Reminder" in m.body and reviewer.email in m.to]
    assert [m.subject.split(": ")[1] for m in reminders] == [
        "challenge decision due in 7 days", "challenge decision due in 2 days"]
    on(time_machine, dt.date(2025, 10, 11), hour=14)  # day 27 after receipt
    services.challenge_decide(actor=reviewer, challenge=challenge, outcome="uphold",
                              reasons="The limits are proportionate and were explained.")
    sent.clear()
    days(dt.date(2025, 10, 12), REVIEW_DUE)
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE
    assert Review.objects.get(case=case).opened_by is None  # opened by the sweep
    review_reminders = [m.subject for m in sent if "six-month review due" in m.subject]
    assert len(review_reminders) == 2
    assert not any("challenge decision" in m.subject for m in sent)  # decided in time
    # The outcome letter was copied to the Assistant Director and Service Manager.
    assert any("copy of the challenge outcome letter" in m.subject for m in sent)
    sent.clear()
    days(REVIEW_DUE + dt.timedelta(days=1), REVIEW_DUE + dt.timedelta(days=1))
    case.refresh_from_db()
    assert case.state == CaseState.LAPSED
    assert case.events.filter(kind="lapse").count() == 1
    ad = case.lead_directorate.assistant_director_email
    assert [m.subject for m in sent if ad in m.to] == [
        f"Case {case.reference}: six-month review missed – restrictions lapsed"]
    kinds = list(case.events.order_by("at", "id").values_list("kind", flat=True))
    for expected in ("challenge_received", "challenge_reviewer_assigned",
                     "challenge_window_closed", "challenge_decided", "review_opened", "lapse"):
        assert expected in kinds
    assert kinds.index("challenge_decided") < kinds.index("review_opened") < kinds.index("lapse")


def test_the_case_page_shows_what_the_sweep_did_as_the_system(
    in_force, time_machine, login, senior_manager
):
    on(time_machine, REVIEW_DUE + dt.timedelta(days=1))
    sweep()
    page = login(senior_manager).get(in_force.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Six-month review missed: restrictions lapsed" in html
    row = html[html.index("Six-month review missed: restrictions lapsed") - 400:]
    assert ">System<" in row


def test_a_designation_left_unnotified_is_brought_to_the_senior_managers_once(
    make_case, senior_manager, time_machine, settings
):
    settings.NOTIFY_WITHIN_DAYS = 5
    on(time_machine, dt.date(2025, 9, 1), hour=10)
    case = make_case("designated")
    on(time_machine, dt.date(2025, 9, 6))
    assert sweep() == []
    on(time_machine, dt.date(2025, 9, 7))
    sent = sweep()
    assert len(sent) == 1 and senior_manager.email in sent[0].to
    assert "not yet in force" in sent[0].subject
    assert "has not been sent the designation letter" in sent[0].body
    event = case.events.get(kind="not_notified")
    assert event.actor is None and "6 days after the decision" in event.summary
    on(time_machine, dt.date(2025, 9, 8))
    assert sweep() == []


def test_a_designation_in_force_is_not_chased(in_force, time_machine):
    on(time_machine, dt.date(2025, 9, 20))
    sweep()
    assert not in_force.events.filter(kind="not_notified").exists()
