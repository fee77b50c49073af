"""Sanctions of section 2.4, each with typed parameters, a scope and dates.

Whether a sanction was in force at an instant is a query on what it stores (see
`Sanction.objects.in_force_at`): its legal dates, and the instants it came into force and
stopped restricting. So it is right whether or not any scheduled job has run, and right for
a contact logged days later for the moment it happened.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from accounts.models import Directorate
from cases.models import Channel, Contact, DesignationCase, Matter

User = settings.AUTH_USER_MODEL


class SanctionKind(models.TextChoices):
    TIME_LIMIT = "time_limit", "Time limit on telephone calls and personal contacts"
    CALL_LIMIT = "call_limit", "Limit on the number of telephone calls"
    SINGLE_MEDIUM = "single_medium", "One medium of contact only"
    NAMED_OFFICER = "named_officer", "One named member of staff only"
    WITNESS = "witness", "Personal contacts only with a witness present"
    REFUSE_COMPLAINTS = "refuse_complaints", "Further complaints about the same matter refused"
    OFFICE_ACCESS = "office_access", "Restricted access to council offices"
    POLICE_OR_LEGAL = "police_or_legal", "Police involvement or legal action"


class CallPeriod(models.TextChoices):
    MORNING = "morning", "Morning (before 12 noon)"
    AFTERNOON = "afternoon", "Afternoon (12 noon onwards)"
    ANY = "any", "Any time of day"


class SanctionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended early"


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# The media a customer can be limited to (section 2.4: "telephone, letter, email, etc").
SINGLE_MEDIUM_CHOICES = [
    (Channel.PHONE, "Telephone"),
    (Channel.EMAIL, "Email"),
    (Channel.LETTER, "Letter"),
    (Channel.WEB_FORM, "Web form"),
    (Channel.IN_PERSON, "In person"),
]


def to_the_minute(at: dt.datetime) -> dt.datetime:
    """Contacts are recorded to the minute, so the instants a sanction starts and stops
    restricting are too: a call logged at 20:02 when the council was informed at 20:02:40
    was within the minute the designation came into force."""
    return at.replace(second=0, microsecond=0)


def end_of_day(on: dt.date) -> dt.datetime:
    """The last instant of the UK day `on`: what "in force on a day" asks."""
    return timezone.make_aware(dt.datetime.combine(on, dt.time.max))


def in_force_q(at: dt.datetime, day: dt.date | None = None) -> Q:
    """The condition of `SanctionQuerySet.in_force_at`, as a Q: for a filter, or for a
    flag annotated per instant when one query reads the sanctions of several instants
    (`sanctions.checks.sanctions_in_force_at`). `day` is the UK date of `at`, given only by
    a statement compiled with stand-ins for both (ucp.compiled_sql)."""
    day = timezone.localdate(at) if day is None else day
    return in_force_between_q(at, at, day, day)


def in_force_between_q(first: dt.datetime, last: dt.datetime, first_day: dt.date,
                       last_day: dt.date) -> Q:
    """In force at some instant from `first` to `last` (UK dates `first_day` to
    `last_day`), as a filter every such sanction meets: `in_force_q` is the span of one
    instant. From the moment it came into force until the moment it was ended early, on
    the legal days it runs, and only to its case's review date.

    The sanctions of several instants (`sanctions.checks.sanctions_in_force_at`) are
    filtered by their span, with no `OR` of each instant's condition for the planner to
    weigh index by index (3 ms to plan, 0.1 to answer, on PostgreSQL); each row's flag per
    instant then says which instants it is in force at."""
    return Q(
        in_force_from__lte=last,
        starts_on__lte=last_day,
        ends_on__gte=first_day,
        case__review_due_on__gte=first_day,
    ) & (Q(in_force_until__isnull=True) | Q(in_force_until__gt=first))


class SanctionQuerySet(models.QuerySet):
    def in_force_at(self, at: dt.datetime):
        """Sanctions restricting contact at the instant `at`.

        In force from the moment the designation came into force (the customer told and
        the council informed: `in_force_from`, set then, or when a variation or renewal
        was made on a designation already in force), until the moment it was ended early
        (`in_force_until`), and only on the legal days it runs (`starts_on` to `ends_on`,
        UK dates). A sanction ends by its review date, so a missed review lapses it by its
        dates; the case's review date is asked too, whatever a sanction's own dates say.
        """
        return self.filter(in_force_q(at))

    def in_force(self, on: dt.date):
        """In force at the end of the UK day `on` (23:59:59.999999 London): what a page
        that asks "as at a day" means. Contacts are checked at their own instant."""
        return self.in_force_at(end_of_day(on))

    def applying_to(self, directorate: Directorate | None):
        if directorate is None:
            return self
        return self.filter(Q(council_wide=True) | Q(directorates=directorate)).distinct()


class Sanction(FSMModelMixin, models.Model):
    case = models.ForeignKey(DesignationCase, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(max_length=30, choices=SanctionKind.choices)

    # Typed parameters; which ones a kind needs is checked in clean().
    max_minutes = models.PositiveSmallIntegerField(
        "Longest call or personal contact, in minutes", null=True, blank=True
    )
    calls_per_week = models.PositiveSmallIntegerField("Calls a week", null=True, blank=True)
    call_weekdays = models.CharField(
        "Days calls are taken",
        max_length=20,
        blank=True,
        help_text="Comma-separated weekday numbers, Monday = 0.",
    )
    call_period = models.CharField(max_length=10, choices=CallPeriod.choices, blank=True)
    allowed_channel = models.CharField(
        "The one medium allowed", max_length=20, choices=SINGLE_MEDIUM_CHOICES, blank=True
    )
    named_officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    matters = models.ManyToManyField(Matter, related_name="sanctions", blank=True)
    all_offices = models.BooleanField(default=False)
    offices = models.CharField("Which offices", max_length=300, blank=True)
    reference = models.CharField("Police or legal reference", max_length=100, blank=True)

    # Scope: the services affected, not the whole council unless justified.
    directorates = models.ManyToManyField(Directorate, related_name="sanctions", blank=True)
    council_wide = models.BooleanField(default=False)
    council_wide_justification = models.TextField(blank=True)

    starts_on = models.DateField()
    ends_on = models.DateField()
    reasons = models.TextField()
    evidence_contacts = models.ManyToManyField(Contact, related_name="+", blank=True)

    # Changed only by the `end` transition (sanctions.services.end_sanctions): a sanction
    # is never revived, a continued one is a new row, so the record of what was in force
    # on a past day stays true.
    status = FSMField(
        max_length=10, choices=SanctionStatus.choices, default=SanctionStatus.ACTIVE,
        protected=True,
    )
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)
    # The instants it restricted contact between (`in_force_at`): from the moment the
    # designation came into force (or, for a variation or renewal, the moment it was made
    # on a designation in force); until the moment it was ended early. Null from: not in
    # force yet (the letter or the council notice still to go, or a lapse being reviewed).
    in_force_from = models.DateTimeField(null=True, blank=True)
    in_force_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SanctionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[directorates, matters])

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["case", "status", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                name="sanction_ends_after_it_starts",
                condition=Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y})"

    @transition(field=status, source=SanctionStatus.ACTIVE, target=SanctionStatus.ENDED)
    def end(self, *, on: dt.date, reason: str, at: dt.datetime) -> None:
        """Ended early, at `at`: the designation was withdrawn or lifted, or the sanction
        replaced. A contact earlier that day was still within it."""
        self.ended_on = on
        self.ended_reason = reason
        if self.in_force_from is not None:
            self.in_force_until = to_the_minute(at)

    @property
    def weekdays(self) -> list[int]:
        return [int(d) for d in self.call_weekdays.split(",") if d.strip().isdigit()]

    def clean_fields(self, exclude=None) -> None:
        # Cleaning assigns every field's cleaned value back, and the protected FSM field
        # refuses assignment: it is set by its default and changed only by `end`.
        super().clean_fields(exclude={*(exclude or ()), "status"})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        kind = self.kind
        if kind == SanctionKind.TIME_LIMIT and not self.max_minutes:
            errors["max_minutes"] = "Enter the longest a call or personal contact may last"
        if kind == SanctionKind.CALL_LIMIT:
            if not self.calls_per_week:
                errors["calls_per_week"] = "Enter how many calls a week will be taken"
            if not self.weekdays:
                errors["call_weekdays"] = "Choose the day or days calls are taken"
            elif any(d < 0 or d > 6 for d in self.weekdays):
                errors["call_weekdays"] = "Choose days from Monday to Sunday"
            if not self.call_period:
                errors["call_period"] = "Choose morning, afternoon or any time"
        if kind == SanctionKind.SINGLE_MEDIUM and not self.allowed_channel:
            errors["allowed_channel"] = "Choose the one medium the customer may use"
        if kind == SanctionKind.NAMED_OFFICER and not self.named_officer_id:
            errors["named_officer"] = "Choose the member of staff the customer deals with"
        if kind == SanctionKind.OFFICE_ACCESS and not (self.all_offices or self.offices.strip()):
            errors["offices"] = "Name the offices, or choose all offices"
        if kind == SanctionKind.POLICE_OR_LEGAL and not self.reference.strip():
            errors["reference"] = "Enter the police or legal reference"
        if self.council_wide and not self.council_wide_justification.strip():
            errors["council_wide_justification"] = (
                "Explain why the restriction must cover the whole council"
            )
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be on or after the start date"
        if not (self.reasons or "").strip():
            errors["reasons"] = "Enter the reasons for this sanction"
        if errors:
            raise ValidationError(errors)

    @property
    def is_contact_restriction(self) -> bool:
        return self.kind != SanctionKind.POLICE_OR_LEGAL


class ContactBreach(models.Model):
    """A restriction a logged contact fell outside. The contact is always kept."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="breaches")
    sanction = models.ForeignKey(Sanction, on_delete=models.PROTECT, related_name="breaches")
    message = models.CharField(max_length=400)
    filed = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sanction", "recorded_at"])]

    def __str__(self) -> str:
        return self.message


class FiledItem(models.Model):
    """Correspondence filed under a refusal of further complaints: not processed, but read.

    Reading it for significant new information or a safeguarding concern is what keeps the
    refusal lawful; either finding alerts the senior manager and shows on the case.
    """

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="filed_item")
    sanction = models.ForeignKey(Sanction, on_delete=models.PROTECT, related_name="filed_items")
    read_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    read_at = models.DateTimeField(null=True, blank=True)
    significant_new_information = models.BooleanField(null=True)
    safeguarding_concern = models.BooleanField(null=True)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contact__occurred_at", "id"]
        indexes = [models.Index(fields=["read_at"])]

    def __str__(self) -> str:
        return f"Filed: {self.contact}"

    @property
    def needs_attention(self) -> bool:
        return bool(self.significant_new_information or self.safeguarding_concern)
