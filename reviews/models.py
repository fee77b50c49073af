"""Challenges to a designation, the independent review that decides them, and the
six-month review (steps 11 and 12 of PROCESS.md; section 2.4's 14, 28 days and 6 months).

A `Challenge` is the customer's written request for a review: received within 14 days of
being told (or late, and then accepted only with a senior manager's recorded reason), and
decided within 28 days of receipt by an independent reviewer. A `Review` is the six-month
review of a designation: opened ahead of its due date by the daily sweep (or by the senior
manager), decided as lift, vary or continue; if the date passes undecided the restrictions
lapse, and the lapse is recorded and escalated. `DeadlineAlert` is the sweep's ledger: one
row per reminder, escalation or lapse, so running the sweep twice sends nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from cases.models import DesignationCase
from reviews import rules

User = settings.AUTH_USER_MODEL


# --- challenges ----------------------------------------------------------------------------


class ChallengeChannel(models.TextChoices):
    """Section 2.4: the request is made in writing."""

    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    WEB_FORM = "web_form", "Web form"


class ChallengeStatus(models.TextChoices):
    NEW = "new", "New"
    LATE = "late", "Late – awaiting a senior manager"
    AWAITING_REVIEWER = "awaiting_reviewer", "Awaiting an independent reviewer"
    UNDER_REVIEW = "under_review", "With the independent reviewer"
    DECIDED = "decided", "Decided"
    NOT_ACCEPTED = "not_accepted", "Late request not accepted"


OPEN_CHALLENGE_STATES = (
    ChallengeStatus.LATE,
    ChallengeStatus.AWAITING_REVIEWER,
    ChallengeStatus.UNDER_REVIEW,
)
# The 28-day clock runs while someone still has to decide.
CLOCK_RUNNING_STATES = (ChallengeStatus.AWAITING_REVIEWER, ChallengeStatus.UNDER_REVIEW)


class ChallengeOutcome(models.TextChoices):
    UPHOLD = "uphold", "Uphold the designation"
    VARY = "vary", "Vary the sanctions"
    WITHDRAW = "withdraw", "Withdraw the designation"


class ChallengeQuerySet(models.QuerySet):
    def under_review(self):
        """With the independent reviewer, waiting for the decision (asked by cases.rules
        through `case.challenges`, so that the case's rules need not import this app)."""
        return self.filter(status=ChallengeStatus.UNDER_REVIEW)


class Challenge(ConcurrentTransitionMixin, models.Model):
    """A customer's written request for a review of their designation."""

    case = models.ForeignKey(DesignationCase, on_delete=models.PROTECT, related_name="challenges")
    status = FSMField(
        max_length=20, choices=ChallengeStatus.choices, default=ChallengeStatus.NEW,
        protected=True,
    )
    channel = models.CharField(max_length=20, choices=ChallengeChannel.choices)
    # The legal date of receipt, and the moment when the channel gives one (an email).
    received_on = models.DateField()
    received_at = models.DateTimeField(null=True, blank=True)
    grounds = models.TextField("The customer's grounds")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    # Deadlines (cases.deadlines), stored when the request is recorded.
    last_valid_day = models.DateField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    decision_due_on = models.DateField()

    late_decision_reason = models.TextField(blank=True)
    late_decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    late_decided_at = models.DateTimeField(null=True, blank=True)

    reviewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="challenges_to_review",
        null=True, blank=True,
    )
    assigned_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    outcome = models.CharField(max_length=20, choices=ChallengeOutcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    objects = ChallengeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "id"]
        indexes = [
            models.Index(fields=["status", "decision_due_on"]),
            models.Index(fields=["reviewer", "status"]),
            models.Index(fields=["case", "status"]),
            models.Index(fields=["decided_on"]),
        ]

    def __str__(self) -> str:
        return f"Challenge received {self.received_on:%d %b %Y} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CHALLENGE_STATES

    def record_lapse(self, *, at) -> None:
        """The review date passed undecided (the sweep's `reviews.services.case_lapse`):
        the review stays open, now overdue, and is escalated weekly from `at`."""
        self.lapsed_at = at

    @property
    def decided_in_time(self) -> bool | None:
        if self.decided_on is None:
            return None
        return self.decided_on <= self.decision_due_on

    # -- transitions (pure) ------------------------------------------------------------

    @transition(field=status, source=ChallengeStatus.NEW, target=ChallengeStatus.AWAITING_REVIEWER,
                permission=rules.may_record_challenge)
    def receive_in_time(self) -> None:
        pass

    @transition(field=status, source=ChallengeStatus.NEW, target=ChallengeStatus.LATE,
                permission=rules.may_record_challenge)
    def receive_late(self) -> None:
        pass

    @transition(
        field=status, source=ChallengeStatus.LATE, target=ChallengeStatus.AWAITING_REVIEWER,
        permission=rules.is_case_senior_manager,
        custom={"order": 10},
    )
    def accept_late(self, *, by, at, reason: str) -> None:
        self.late_decided_by = by
        self.late_decided_at = at
        self.late_decision_reason = reason

    @transition(
        field=status, source=ChallengeStatus.LATE, target=ChallengeStatus.NOT_ACCEPTED,
        permission=rules.is_case_senior_manager,
        custom={"order": 20, "secondary": True},
    )
    def refuse_late(self, *, by, at, reason: str) -> None:
        self.late_decided_by = by
        self.late_decided_at = at
        self.late_decision_reason = reason

    @transition(
        field=status,
        source=[ChallengeStatus.AWAITING_REVIEWER, ChallengeStatus.UNDER_REVIEW],
        target=ChallengeStatus.UNDER_REVIEW,
        permission=rules.is_case_senior_manager,
        custom={"order": 30},
    )
    def assign_reviewer(self, *, reviewer, by, at) -> None:
        self.reviewer = reviewer
        self.assigned_by = by
        self.assigned_at = at

    @transition(
        field=status, source=ChallengeStatus.UNDER_REVIEW, target=ChallengeStatus.DECIDED,
        permission=rules.is_assigned_independent_reviewer,
        custom={"order": 5},
    )
    def decide(self, *, outcome: str, reasons: str, by, at, on) -> None:
        self.outcome = outcome
        self.outcome_reasons = reasons
        self.decided_by = by
        self.decided_at = at
        self.decided_on = on


# --- the six-month review -------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"


class ReviewOutcome(models.TextChoices):
    LIFT = "lift", "Lift the designation"
    VARY = "vary", "Vary the sanctions and continue"
    CONTINUE = "continue", "Continue the designation unchanged"


class Review(ConcurrentTransitionMixin, models.Model):
    """The six-month review of a designation (section 2.4), one per review date."""

    case = models.ForeignKey(DesignationCase, on_delete=models.PROTECT, related_name="reviews")
    status = FSMField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN, protected=True
    )
    due_on = models.DateField()
    opened_at = models.DateTimeField()
    # None when the daily sweep opened it.
    opened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Set by the sweep when the due date passed with no decision: the restrictions lapsed.
    lapsed_at = models.DateTimeField(null=True, blank=True)

    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["decided_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "due_on"], name="one_review_per_due_date"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="open"), name="one_open_review_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"Six-month review due {self.due_on:%d %b %Y} ({self.get_status_display()})"

    def record_lapse(self, *, at) -> None:
        """The review date passed undecided (the sweep's `reviews.services.case_lapse`):
        the review stays open, now overdue, and is escalated weekly from `at`."""
        self.lapsed_at = at

    @property
    def decided_in_time(self) -> bool | None:
        if self.decided_on is None:
            return None
        return self.decided_on <= self.due_on

    @transition(
        field=status, source=ReviewStatus.OPEN, target=ReviewStatus.DECIDED,
        permission=rules.is_review_senior_manager,
        custom={"order": 10},
    )
    def decide(self, *, outcome: str, reasons: str, next_review_on, by, at, on) -> None:
        self.outcome = outcome
        self.reasons = reasons
        self.next_review_on = next_review_on
        self.decided_by = by
        self.decided_at = at
        self.decided_on = on


# --- the sweep's ledger ---------------------------------------------------------------------


class AlertKind(models.TextChoices):
    WINDOW_CLOSED = "window_closed", "Challenge window closed"
    REMINDER = "reminder", "Reminder"
    OVERDUE = "overdue", "Overdue: escalated to the Assistant Director"
    LAPSE = "lapse", "Restrictions lapsed: escalated to the Assistant Director"
    REVIEW_OPENED = "review_opened", "Six-month review opened"
    NOT_NOTIFIED = "not_notified", "Designation not yet in force: senior managers reminded"


class DeadlineAlert(models.Model):
    """One thing the sweep did about a deadline. `key` makes each happen once, whoever runs
    the sweep and however often: a second insert of the same key fails and is skipped."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    case = models.ForeignKey(DesignationCase, on_delete=models.CASCADE, related_name="alerts")
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    due_on = models.DateField(null=True, blank=True)
    days_before = models.SmallIntegerField(null=True, blank=True)
    recipients = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.key})"
