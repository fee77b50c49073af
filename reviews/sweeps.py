"""The daily sweep: what the deadlines of section 2.4 need doing about them.

In order: open each six-month review ahead of its due date; record challenge windows that
have closed; send reminders before each due date; mark what is overdue and escalate it to
the lead directorate's Assistant Director; and when a review date passes undecided, record
that the restrictions lapsed (the case moves to "lapsed") and escalate that too; and remind
the information-governance role of subject access deadlines (governance/sweeps.py).

Whether something is overdue or in force is always a query on stored dates, so pages are
right even if the sweep never ran; the sweep only records, reminds and escalates. It is
idempotent and safe to run late or twice at once:

- each item is claimed in its own transaction with `select_for_update(skip_locked=True)`,
  so a second worker running at the same moment skips what the first holds;
- each thing done is a `DeadlineAlert` with a unique key (the reminder for this due date at
  this offset, the escalation of this challenge), checked under the lock, so what was done
  once is never done again;
- a sweep that runs a week late catches up: windows still close, the nearest reminder is
  sent (not every one it missed), and overdue items are escalated.

Its cost follows what is due today, not the history: each step works out, from one query on
stored dates, the key of what each candidate needs today, drops (one more query) the keys
already in the ledger (`cases.deadlines.not_done`), and claims only what is left. An item
escalated last month is not locked again every morning; the check under the lock stays,
for two sweeps racing.

Mail goes through the outbox in the same transaction as the alert it reports.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format

from cases import deadlines, workflow
from cases.choices import CaseState, EventKind
from cases.models import DesignationCase
from cases.services import uploads_remove_stale
from governance.services import disposals_propose
from governance.sweeps import subject_access_deadlines
from letters.services import remove_orphan_pdfs
from outbox.services import enqueue
from reviews.models import (
    CLOCK_RUNNING_STATES,
    AlertKind,
    Challenge,
    ChallengeStatus,
    DeadlineAlert,
    Review,
    ReviewStatus,
)
from reviews.services import CHALLENGEABLE_STATES, case_lapse, open_review_for

log = logging.getLogger(__name__)

# Challenges whose 28 days are running: a late one waiting for a senior manager counts too,
# since the days run from receipt.
ESCALATED_CHALLENGE_STATES = (*CLOCK_RUNNING_STATES, ChallengeStatus.LATE)


@dataclass
class SweepReport:
    reviews_opened: int = 0
    windows_closed: int = 0
    reminders: int = 0
    escalations: int = 0
    lapses: int = 0
    disposals_proposed: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "reviews_opened": self.reviews_opened,
            "windows_closed": self.windows_closed,
            "reminders": self.reminders,
            "escalations": self.escalations,
            "lapses": self.lapses,
            "disposals_proposed": self.disposals_proposed,
        }

    def __str__(self) -> str:
        return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in self.as_dict().items())


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _claim_case(pk: int, **still) -> DesignationCase | None:
    """Lock the case if no other worker holds it and it still needs the work."""
    return (
        DesignationCase.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("lead_directorate")
        .filter(pk=pk, **still)
        .first()
    )


def _claim_challenge(pk: int, **still) -> Challenge | None:
    return (
        Challenge.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("case__lead_directorate", "reviewer")
        .filter(pk=pk, **still)
        .first()
    )


def _record(key: str, **fields) -> DeadlineAlert | None:
    """The ledger entry for `key`, or None if it was already done."""
    if DeadlineAlert.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a duplicate key must not end the claim
            alert = DeadlineAlert(key=key, **fields)
            workflow.save(alert, None)
            return alert
    except IntegrityError:
        return None


def _mail(alert: DeadlineAlert) -> None:
    enqueue(handler="reviews.notifications.send_deadline_alert", args=[alert.pk],
            key=f"deadline-alert:{alert.pk}")


# --- the steps --------------------------------------------------------------------------------


def open_reviews(now: dt.datetime, today: dt.date, report: SweepReport) -> None:
    """Open the six-month review record ahead of its due date."""
    horizon = today + dt.timedelta(days=settings.REVIEW_OPEN_DAYS_BEFORE)
    has_review = Review.objects.filter(case=OuterRef("pk"), due_on=OuterRef("review_due_on"))
    candidates = DesignationCase.objects.filter(
        state__in=(CaseState.ACTIVE, CaseState.LAPSED), review_due_on__lte=horizon
    ).exclude(reviews__status=ReviewStatus.OPEN).exclude(Exists(has_review)).values_list(
        "pk", flat=True
    )
    for pk in list(candidates):
        with transaction.atomic():
            case = _claim_case(pk, state__in=(CaseState.ACTIVE, CaseState.LAPSED))
            if case is None or case.reviews.filter(due_on=case.review_due_on).exists():
                continue
            review, created = open_review_for(case, actor=None, at=now)
            if created:
                _record(f"review:{case.pk}:{review.due_on}:opened", kind=AlertKind.REVIEW_OPENED,
                        case=case, review=review, due_on=review.due_on)
                report.reviews_opened += 1


def close_challenge_windows(now: dt.datetime, today: dt.date, report: SweepReport) -> None:
    """Record on each case that its 14-day window has closed, and what came in."""
    still = {
        "challenge_ends_on__lt": today,
        "challenge_window_closed_at__isnull": True,
        # A designation already withdrawn or lifted has nothing left to challenge.
        "state__in": CHALLENGEABLE_STATES,
    }
    candidates = DesignationCase.objects.filter(**still).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            case = _claim_case(pk, **still)
            if case is None:
                continue
            in_time = case.challenges.filter(is_late=False).count()
            case.challenge_window_closed_at = now
            workflow.save(case, None)
            _record(f"window:{case.pk}:{case.challenge_ends_on}", kind=AlertKind.WINDOW_CLOSED,
                    case=case, due_on=case.challenge_ends_on)
            workflow.record_event(
                case, actor=None, kind=EventKind.CHALLENGE_WINDOW_CLOSED, at=now,
                summary=(
                    f"Challenge window closed on {_day(case.challenge_ends_on)}: "
                    + (f"{in_time} request{'s' if in_time != 1 else ''} received in time"
                       if in_time else "no request for a review received")
                ),
                details="A request received from now on is late: it is recorded and "
                "flagged, and needs a senior manager's reasons to be accepted.",
            )
            report.windows_closed += 1


def challenge_deadlines(now: dt.datetime, today: dt.date, report: SweepReport) -> None:
    """Reminders before a challenge decision is due; escalation once it is overdue."""
    candidates = Challenge.objects.filter(
        status__in=ESCALATED_CHALLENGE_STATES,
        decision_due_on__lte=today + dt.timedelta(days=max(deadlines.reminder_offsets() or [0])),
    ).values_list("pk", "decision_due_on", "status")

    def key(pk: int, due: dt.date, status: str) -> str | None:
        if due < today:
            return f"challenge:{pk}:overdue"
        offset = deadlines.reminder_due(due, today)
        if offset is None or status == ChallengeStatus.LATE:
            return None
        return f"challenge:{pk}:reminder:{offset}"

    for pk in deadlines.not_done(((key(*row), row[0]) for row in candidates), DeadlineAlert):
        with transaction.atomic():
            challenge = _claim_challenge(pk, status__in=ESCALATED_CHALLENGE_STATES)
            if challenge is None:
                continue
            due = challenge.decision_due_on
            case = challenge.case
            if due < today:
                alert = _record(f"challenge:{challenge.pk}:overdue", kind=AlertKind.OVERDUE,
                                case=case, challenge=challenge, due_on=due)
                if alert is None:
                    continue
                workflow.record_event(
                    case, actor=None, kind=EventKind.CHALLENGE_OVERDUE, at=now,
                    summary=f"Challenge decision overdue (due {_day(due)}): escalated to the "
                    "Assistant Director",
                    details=f"Escalated to {case.lead_directorate.assistant_director_name}, "
                    f"Assistant Director, {case.lead_directorate.name}.",
                )
                _mail(alert)
                report.escalations += 1
                continue
            offset = deadlines.reminder_due(due, today)
            if offset is None or challenge.status == ChallengeStatus.LATE:
                continue
            alert = _record(f"challenge:{challenge.pk}:reminder:{offset}",
                            kind=AlertKind.REMINDER, case=case, challenge=challenge,
                            due_on=due, days_before=offset)
            if alert is not None:
                _mail(alert)
                report.reminders += 1


def review_deadlines(now: dt.datetime, today: dt.date, report: SweepReport) -> None:
    """Reminders before a six-month review; a lapse, recorded and escalated, after it."""
    horizon = today + dt.timedelta(days=max(deadlines.reminder_offsets() or [0]))
    candidates = DesignationCase.objects.filter(
        state=CaseState.ACTIVE, review_due_on__lte=horizon
    ).values_list("pk", "review_due_on")

    def key(pk: int, due: dt.date) -> str | None:
        if due < today:
            return f"review:{pk}:{due}:lapse"
        offset = deadlines.reminder_due(due, today)
        return None if offset is None else f"review:{pk}:{due}:reminder:{offset}"

    for pk in deadlines.not_done(((key(*row), row[0]) for row in candidates), DeadlineAlert):
        with transaction.atomic():
            case = _claim_case(pk, state=CaseState.ACTIVE)
            if case is None or case.review_due_on is None:
                continue
            due = case.review_due_on
            review = case.reviews.filter(status=ReviewStatus.OPEN).first()
            if due < today:
                _lapse(case, review, now, today, report)
                continue
            offset = deadlines.reminder_due(due, today)
            if offset is None:
                continue
            alert = _record(f"review:{case.pk}:{due}:reminder:{offset}",
                            kind=AlertKind.REMINDER, case=case, review=review, due_on=due,
                            days_before=offset)
            if alert is not None:
                _mail(alert)
                report.reminders += 1


def _lapse(case: DesignationCase, review: Review | None, now: dt.datetime, today: dt.date,
           report: SweepReport) -> None:
    """The review date passed with no decision: recorded once (the ledger's key), by the
    named service, and escalated; never silent."""
    due = case.review_due_on
    if review is None:
        review, _created = open_review_for(case, actor=None, at=now)
    alert = _record(f"review:{case.pk}:{due}:lapse", kind=AlertKind.LAPSE, case=case,
                    review=review, due_on=due)
    if alert is None:
        return
    case_lapse(case=case, review=review, now=now)
    _mail(alert)
    report.lapses += 1
    report.escalations += 1


def review_escalations_for_lapsed(
    now: dt.datetime, today: dt.date, report: SweepReport
) -> None:
    """A lapsed designation still unreviewed is escalated again each week after its lapse,
    so it cannot be forgotten after the first email."""
    candidates = Review.objects.filter(
        status=ReviewStatus.OPEN, lapsed_at__isnull=False, case__state=CaseState.LAPSED
    ).values_list("pk", "case_id", "lapsed_at", "due_on")
    keyed = []
    for review_pk, case_pk, lapsed_at, due in candidates:
        weeks = (today - timezone.localdate(lapsed_at)).days // 7
        if weeks >= 1:
            keyed.append((f"review:{case_pk}:{due}:overdue:week{weeks}",
                          (review_pk, case_pk, due, weeks)))
    for review_pk, case_pk, due, weeks in deadlines.not_done(keyed, DeadlineAlert):
        with transaction.atomic():
            case = _claim_case(case_pk, state=CaseState.LAPSED)
            if case is None:
                continue
            alert = _record(f"review:{case.pk}:{due}:overdue:week{weeks}",
                            kind=AlertKind.OVERDUE, case=case, review_id=review_pk,
                            due_on=due)
            if alert is None:
                continue
            workflow.record_event(
                case, actor=None, kind=EventKind.REVIEW_OVERDUE, at=now,
                summary=f"Six-month review still not carried out, {(today - due).days} days "
                "after it was due: escalated again to the Assistant Director",
            )
            _mail(alert)
            report.escalations += 1


def unnotified_designations(now: dt.datetime, today: dt.date, report: SweepReport) -> None:
    """A designation not yet in force some days after the decision: the customer has not
    been written to, or the council not informed. Remind the senior managers, once."""
    latest = today - dt.timedelta(days=settings.NOTIFY_WITHIN_DAYS)
    candidates = DesignationCase.objects.filter(
        state=CaseState.DESIGNATED, designated_on__lt=latest
    ).values_list("pk", "designated_on")
    keyed = ((f"notify:{pk}:{on}", pk) for pk, on in candidates)
    for pk in deadlines.not_done(keyed, DeadlineAlert):
        with transaction.atomic():
            case = _claim_case(pk, state=CaseState.DESIGNATED)
            if case is None:
                continue
            due = deadlines.notify_by(case.designated_on)
            alert = _record(f"notify:{case.pk}:{case.designated_on}",
                            kind=AlertKind.NOT_NOTIFIED, case=case, due_on=due)
            if alert is None:
                continue
            missing = [
                what for what, done in (
                    ("the customer has not been sent the designation letter",
                     case.customer_notified_on),
                    ("the council has not been informed", case.council_informed_at),
                ) if not done
            ]
            workflow.record_event(
                case, actor=None, kind=EventKind.NOT_NOTIFIED, at=now,
                summary=f"Designation not in force {(today - case.designated_on).days} days "
                "after the decision: senior managers reminded",
                details="Nothing restricts the customer until both are done: "
                + "; ".join(missing) + ".",
            )
            _mail(alert)
            report.reminders += 1


def run_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Everything the deadlines need today. Safe to run twice, late, or on two workers.

    `now` is the moment the sweep runs as (the real time unless a back-dated demo script
    or a test says otherwise)."""
    now = workflow.now_or(now)
    today = timezone.localdate(now)
    report = SweepReport()
    for step in (open_reviews, close_challenge_windows, challenge_deadlines, review_deadlines,
                 review_escalations_for_lapsed, unnotified_designations,
                 subject_access_deadlines):
        step(now, today, report)
    # Housekeeping: a letter whose issuing rolled back leaves no PDF behind for long.
    remove_orphan_pdfs(now=now)
    uploads_remove_stale(now=now)
    # Retention: list who is due for disposal, for information governance to approve.
    report.disposals_proposed = disposals_propose(now=now)
    log.info("Sweep for %s: %s", today, report)
    return report
