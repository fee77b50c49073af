"""The records of section 2.5 and the designation case of section 2.2.

Customers, matters, contacts, indicators and warnings are the council's record of what
happened; `DesignationCase` carries the process from referral to the senior manager's
decision (steps 2 to 8 of PROCESS.md) as a django-fsm-2 state machine.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import Directorate
from cases import deadlines, people, rules
from cases.choices import (  # noqa: F401 - re-exported: the choices used to live here
    OPEN_STATES,
    SCATTERGUN_CHANNELS,
    TIMED_CHANNELS,
    Alternative,
    AlternativeOutcome,
    CaseState,
    Channel,
    ClosingReason,
    ContactMethod,
    Direction,
    EventKind,
    IndicatorGroup,
    MatterKind,
    MatterStatus,
    Precondition,
    RecordKind,
    WarningKind,
    WarningMethod,
    WarningSkipKind,
)
from cases.querysets import DesignationCaseQuerySet
from cases.references import unique_reference
from ucp import phones
from ucp.dates import date_problem
from ucp.postcodes import normalise_postcode, postcode_problem

User = settings.AUTH_USER_MODEL


def private_storage():
    """Uploaded correspondence lives outside the web root; see the `private` storage."""
    return storages["private"]


# --- Reference data ---------------------------------------------------------------------


class Indicator(models.Model):
    """One item of the three lists of section 2.1. Administrators may edit the wording."""

    group = models.CharField(max_length=20, choices=IndicatorGroup.choices)
    code = models.SlugField(max_length=60, unique=True)
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "order", "id"]

    def __str__(self) -> str:
        return self.text


# --- Customers and their matters --------------------------------------------------------


class Customer(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    full_name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    # A UK postcode as ucp.postcodes stores it ("CA1 1AA"), or the postal code of an
    # address outside the UK as typed.
    postcode = models.CharField(max_length=10, blank=True)
    address_outside_uk = models.BooleanField(
        "The address is outside the UK", default=False,
        help_text="Then the postcode is the postal code used there, if any.",
    )
    email = models.EmailField(blank=True)
    # E.164 ("+441228606060"), as ucp.phones stores it; shown as "01228 606060".
    phone = models.CharField(max_length=30, blank=True)
    # The national form's digits, so '01228 123456' is found by '01228123456'.
    phone_digits = models.CharField(max_length=30, blank=True, editable=False)
    # What search and the duplicate check compare (cases.people). The email lower case and
    # the postcode without spaces are generated columns: the database computes them on every
    # write (people.email_key_sql, people.postcode_key_sql), however the row is written.
    # The rest are kept by set_keys() on every save, because no expression both PostgreSQL
    # and SQLite can compute gives them: the name's words folded (accents, "Łukasz" too),
    # nicknames mapped and sorted ("robert smith"); the outward code of a real UK postcode
    # only (the postcode's grammar); the address folded on one line.
    # db_default: rows written by code that predates these columns (an earlier migration's
    # function, a raw insert) get blank keys, which set_keys() or the fill migration fills.
    name_key = models.CharField(max_length=200, blank=True, editable=False, db_default="")
    email_key = models.GeneratedField(
        expression=people.email_key_sql(models.F("email")),
        output_field=models.CharField(max_length=254), db_persist=True,
    )
    postcode_key = models.GeneratedField(
        expression=people.postcode_key_sql(models.F("postcode")),
        output_field=models.CharField(max_length=10), db_persist=True,
    )
    postcode_outward = models.CharField(max_length=4, blank=True, editable=False, db_default="")
    address_key = models.TextField(blank=True, editable=False, db_default="")
    preferred_contact_method = models.CharField(
        max_length=20, choices=ContactMethod.choices, blank=True
    )
    communication_needs = models.TextField(
        blank=True, help_text="For example large print, an interpreter, easy read."
    )
    large_print = models.BooleanField(
        "Needs letters in large print", default=False
    )
    reasonable_adjustments = models.TextField(
        blank=True, help_text="Adjustments agreed under the Equality Act 2010."
    )
    representative_name = models.CharField(
        "Representative or advocate", max_length=200, blank=True
    )
    representative_details = models.CharField(
        "Representative's role and contact details", max_length=300, blank=True
    )
    representative_consent = models.BooleanField(
        "Customer has consented to the council dealing with the representative",
        default=False,
    )
    representative_consent_on = models.DateField("Consent given on", null=True, blank=True)
    # The directorates that deal with this customer; maintained by the services that add
    # matters, contacts and cases, and the basis of who may see the customer at all.
    directorates = models.ManyToManyField(Directorate, related_name="customers", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when retention disposed of the customer (governance.services.dispose_customer):
    # every personal field is blank, and the row stays only so that the closed cases the
    # directorate report counts keep their customer. Casework never lists it.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when a manager merged this record into another (cases.services.merge): the row
    # and its history stay, its reference redirects to the survivor, casework never lists it.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        editable=False,
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the latest of the customer's contacts happened: a copy kept for the browse list's
    # "last contact" sort (sorting 40,000 customers by a subquery each took 0.4 s), set only
    # by `cases.services.contacts.note_last_contact`. Derived, so not in the history. Its
    # index (the browse list's order, NULLS LAST) is PostgreSQL's: migration 0021.
    last_contact_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The generated keys are the database's copies of email and postcode, which are there.
    history = HistoricalRecords(m2m_fields=[directorates],
                                excluded_fields=["last_contact_at", "email_key", "postcode_key"])

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["full_name"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["email"]),
            models.Index(fields=["phone_digits"]),
            models.Index(fields=["email_key"]),
            models.Index(fields=["postcode_key"]),
            # An outward code ("CA12") is a seventh of a county: search lists its people by
            # name along this index and stops at the page, instead of sorting them all.
            models.Index(fields=["postcode_outward", "full_name", "id"],
                         name="customer_outward_name_idx"),
            # The few disposed-of customers, so that every case list can leave out their
            # cases with a tiny hashed subquery instead of joining every customer.
            models.Index(
                fields=["id"], condition=models.Q(erased_at__isnull=False),
                name="customer_erased_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.reference})"

    def save(self, *args, **kwargs) -> None:
        if not self.reference:
            self.reference = unique_reference(Customer, "C")
        # Saved without `full_clean` (a fixture, a script): stored the same way all the
        # same, and a value that is not a postcode or a number is kept as it was.
        self.postcode = normalise_postcode(self.postcode, outside_uk=self.address_outside_uk)
        self.phone = phones.to_e164(self.phone) or (self.phone or "").strip()
        self.email = (self.email or "").strip()
        self.set_keys()
        if not self._state.adding and kwargs.get("update_fields") is None and not args:
            # last_contact_at is written by its service alone: an edit saving a copy read
            # before a contact was logged must not put back the older time.
            # (Deferred fields stay out, as Django's own save leaves them.)
            skip = {"last_contact_at"} | self.get_deferred_fields()
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and not f.generated
                                       and f.attname not in skip]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.reference])

    def set_keys(self) -> None:
        """The normalised copies of the details the database does not generate (see
        `name_key`); bulk_create callers call this themselves, as save() does."""
        self.phone_digits = phones.digits(self.phone)
        self.name_key = people.name_key(self.full_name)[:200]
        self.postcode_outward = people.outward_code(self.postcode)
        self.address_key = people.address_key(self.address)

    def clean(self) -> None:
        """The postcode and the phone number, checked and put in the one form they are
        stored in. `full_clean` runs this for the form and for the services alike, so what
        is saved is what was checked (a 10-character "postcode" once passed the column's
        length and then grew a space)."""
        super().clean()
        errors = {}
        problem = postcode_problem(self.postcode, outside_uk=self.address_outside_uk)
        if problem:
            errors["postcode"] = problem
        else:
            self.postcode = normalise_postcode(
                self.postcode, outside_uk=self.address_outside_uk
            )
        problem = phones.phone_problem(self.phone)
        if problem:
            errors["phone"] = problem
        else:
            self.phone = phones.to_e164(self.phone) or ""
        problem = date_problem(self.representative_consent_on, "The date consent was given")
        if problem:
            errors["representative_consent_on"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def phone_display(self) -> str:
        return phones.display(self.phone)


class DuplicateOverride(models.Model):
    """An officer went on saving a customer although the duplicate check found likely
    matches, and said why ("a different person: checked date of birth with the caller").
    Shown on the customer's page; the merge of two records is the remedy when it was wrong."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="duplicate_overrides"
    )
    # The records the check showed; those the officer could not see are counted only.
    matches = models.ManyToManyField(Customer, related_name="+", blank=True)
    why_matched = models.TextField(help_text="What the check found, one match a line.")
    reason = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Written once and never changed, so no history of its own: the customer's history
    # row of the same save carries the reason as its change reason.

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer.reference}: {self.reason[:50]}"


class Matter(models.Model):
    """A complaint, enquiry, request or concern: the 'full details' section 2.5 asks for."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="matters")
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=MatterKind.choices)
    summary = models.CharField(max_length=200)
    details = models.TextField()
    status = models.CharField(
        max_length=20, choices=MatterStatus.choices, default=MatterStatus.OPEN
    )
    outcome = models.TextField("Decision or outcome reached", blank=True)
    received_on = models.DateField()
    decided_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["customer", "directorate"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.summary}"

    def save(self, *args, **kwargs) -> None:
        if not self.reference:
            self.reference = unique_reference(Matter, "M")
        super().save(*args, **kwargs)


# --- Contacts -----------------------------------------------------------------------------


class Contact(models.Model):
    """One interaction with a customer, written or verbal (verbal ones written up)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contacts")
    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="contacts", null=True, blank=True
    )
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INBOUND
    )
    occurred_at = models.DateTimeField("When")
    duration_minutes = models.PositiveIntegerField("Duration in minutes", null=True, blank=True)
    handled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recipients = models.PositiveSmallIntegerField("How many recipients", default=1)
    summary = models.TextField()
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="contacts")
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # The customer's timeline, a page at a time, and its date filter.
            models.Index(fields=["customer", "-occurred_at"]),
            # The timeline filtered by channel (the matter filter has the matter's own key).
            models.Index(fields=["customer", "channel", "-occurred_at"]),
            models.Index(fields=["directorate", "occurred_at"]),
            # "Contacts you logged recently" on an officer's home page.
            models.Index(fields=["logged_by", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.occurred_at:%d %b %Y %H:%M}"

    @property
    def is_scattergun(self) -> bool:
        return self.channel in SCATTERGUN_CHANNELS


class ContactAttachment(models.Model):
    """Uploaded correspondence. Stored privately; served only by a scoped view."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="correspondence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.original_name


def new_upload_token() -> str:
    return secrets.token_urlsafe(24)


class KeptUpload(models.Model):
    """A file chosen on the contact form when the form came back with an error, kept so it
    need not be chosen again.

    Not part of the record: it becomes a `ContactAttachment` when the contact is saved, or
    is removed (by its owner, or by the daily sweep a day later). Only its owner's post of
    the same customer's form can use it, by an unguessable token; it has no address.
    """

    token = models.CharField(max_length=40, unique=True, default=new_upload_token)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(storage=private_storage, upload_to="kept/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "customer"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.original_name


# --- Warnings -----------------------------------------------------------------------------


class Warning(models.Model):  # noqa: A001 - the policy's own word
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="warnings")
    case = models.ForeignKey(
        "DesignationCase",
        on_delete=models.PROTECT,
        related_name="warnings",
        null=True,
        blank=True,
    )
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=WarningKind.choices)
    method = models.CharField(max_length=10, choices=WarningMethod.choices)
    given_on = models.DateField()
    given_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    behaviours = models.ManyToManyField(Indicator, related_name="warnings")
    summary = models.TextField("What the customer was told")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[behaviours])

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["directorate", "given_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.given_on:%d %b %Y}"


# --- The designation case -----------------------------------------------------------------


class DesignationCase(ConcurrentTransitionMixin, models.Model):
    """From referral to the senior manager's decision.

    Transition methods only set fields: locking, saving, the case event and any side
    effects belong to `cases.services`, which every caller goes through.
    """

    reference = models.CharField(max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="cases")
    lead_directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, related_name="led_cases"
    )
    involved_directorates = models.ManyToManyField(
        Directorate, related_name="involved_cases", blank=True
    )
    key_officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Who decides (step 8): the lead directorate's senior managers, and this one senior
    # manager if the case names one (e.g. when those of the lead directorate took part).
    deciding_manager = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name="senior manager named to decide",
    )
    state = FSMField(
        max_length=30, choices=CaseState.choices, default=CaseState.NEW, protected=True
    )

    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    referred_at = models.DateTimeField(null=True)
    referral_reason = models.TextField(blank=True)
    referral_indicators = models.ManyToManyField(Indicator, related_name="+", blank=True)
    evidence_contacts = models.ManyToManyField(Contact, related_name="cases", blank=True)

    formal_warning = models.ForeignKey(
        Warning, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    warning_skip_kind = models.CharField(
        max_length=20, choices=WarningSkipKind.choices, blank=True
    )
    warning_skip_reason = models.TextField(blank=True)
    warning_skipped_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    warning_skipped_at = models.DateTimeField(null=True, blank=True)

    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    # The reasons an invocation is counted under (section 2.5's "for what reason").
    decision_indicators = models.ManyToManyField(Indicator, related_name="+", blank=True)
    designated_on = models.DateField(null=True, blank=True)
    # Deadlines, computed by cases.deadlines and changed only by named services.
    review_due_on = models.DateField("Six-month review due", null=True, blank=True)
    # The day the customer was sent the designation letter: "the policy being invoked"
    # for the 14-day challenge window.
    customer_notified_on = models.DateField(null=True, blank=True)
    council_informed_at = models.DateTimeField(null=True, blank=True)
    # The last day a written request for a review is in time (14 days after the customer
    # was told), and when the daily sweep recorded that the window had closed.
    challenge_ends_on = models.DateField("Last day to ask for a review", null=True, blank=True)
    challenge_window_closed_at = models.DateTimeField(null=True, blank=True)

    closing_reason = models.CharField(max_length=30, choices=ClosingReason.choices, blank=True)
    closing_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[involved_directorates, decision_indicators], excluded_fields=["updated_at"]
    )

    objects = DesignationCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "lead_directorate"]),
            models.Index(fields=["customer", "state"]),
            # The sweep's and the dashboard's filters: designations by review date.
            models.Index(fields=["state", "review_due_on"]),
            # The home page's "designated, not yet in force", newest decision first
            # (`selectors.recently_designated`): read in that order and stopped at the page.
            # Without it PostgreSQL joined every designated case in scope to its customer
            # before sorting (1,384 at 100,000 customers, 10 ms).
            models.Index(fields=["-decided_at"], condition=Q(state="designated"),
                         name="case_designated_decided_idx"),
            # The directorate report's: decisions and closures in a period, by directorate.
            models.Index(fields=["lead_directorate", "designated_on"]),
            models.Index(fields=["lead_directorate", "closed_at"]),
            # The deadline dashboard's sources (`reviews.dashboard`), each read in due order
            # (the day, then the reference) from the day a page begins, and counted by day
            # from the index alone: it holds every column the scope filters on. The states
            # are `reviews.services`' REVIEWABLE_STATES, the designated state and
            # CHALLENGEABLE_STATES; a query's own `state IN (...)` must match them.
            *(
                models.Index(
                    fields=[due, "reference"], condition=condition, name=name,
                    include=["state", "lead_directorate", "customer", "id"],
                )
                for name, due, condition in (
                    ("case_review_due_idx", "review_due_on",
                     Q(state__in=["active", "lapsed"], review_due_on__isnull=False)),
                    ("case_to_notify_idx", "designated_on", Q(state="designated")),
                    ("case_challenge_ends_idx", "challenge_ends_on",
                     Q(state__in=["designated", "active", "lapsed"])),
                )
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="closed_case_has_reason",
                condition=~Q(state="closed") | ~Q(closing_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        if not self.reference:
            self.reference = unique_reference(DesignationCase, "UCP")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_cross_directorate(self) -> bool:
        return rules.is_cross_directorate(self)

    # -- transitions (pure: set fields, return) ------------------------------------------

    @transition(
        field=state,
        source=CaseState.NEW,
        target=CaseState.REFERRED,
        permission=rules.can_refer,
        custom={"label": "Refer"},
    )
    def refer(self, *, by, at, reason: str) -> None:
        self.referred_by = by
        self.referred_at = at
        self.referral_reason = reason

    @transition(
        field=state,
        source=CaseState.REFERRED,
        target=CaseState.WARNED,
        permission=rules.is_service_manager,
        custom={"order": 10},
    )
    def issue_formal_warning(self, *, warning: Warning) -> None:
        self.formal_warning = warning

    @transition(
        field=state,
        source=CaseState.REFERRED,
        target=CaseState.ASSESSMENT,
        permission=rules.can_skip_warning,
        custom={"order": 20, "secondary": True},
    )
    def skip_warning(self, *, kind: str, reason: str, by, at) -> None:
        self.warning_skip_kind = kind
        self.warning_skip_reason = reason
        self.warning_skipped_by = by
        self.warning_skipped_at = at

    @transition(
        field=state,
        source=CaseState.REFERRED,
        target=CaseState.CLOSED,
        permission=rules.is_service_manager,
        custom={"order": 90, "warning": True},
    )
    def close_referral(self, *, note: str, at) -> None:
        self._close(ClosingReason.NO_ACTION, note, at)

    @transition(
        field=state,
        source=CaseState.WARNED,
        target=CaseState.ASSESSMENT,
        permission=rules.is_service_manager,
        custom={"order": 10},
    )
    def behaviour_continued(self) -> None:
        pass

    @transition(
        field=state,
        source=CaseState.WARNED,
        target=CaseState.CLOSED,
        permission=rules.is_service_manager,
        custom={"order": 20, "secondary": True},
    )
    def behaviour_stopped(self, *, note: str, at) -> None:
        self._close(ClosingReason.BEHAVIOUR_STOPPED, note, at)

    @transition(
        field=state,
        source=CaseState.ASSESSMENT,
        target=CaseState.AWAITING_DECISION,
        conditions=[
            rules.preconditions_confirmed,
            rules.alternatives_recorded,
            rules.key_officer_named_if_cross_directorate,
            rules.warning_given_or_skipped,
        ],
        permission=rules.is_service_manager,
        custom={"order": 10},
    )
    def submit_for_decision(self) -> None:
        pass

    @transition(
        field=state,
        source=CaseState.ASSESSMENT,
        target=CaseState.CLOSED,
        permission=rules.is_service_manager,
        custom={"order": 90, "warning": True},
    )
    def close_precondition_failed(self, *, note: str, at) -> None:
        self._close(ClosingReason.PRECONDITION_FAILED, note, at)

    @transition(
        field=state,
        source=CaseState.AWAITING_DECISION,
        target=CaseState.DESIGNATED,
        conditions=[rules.warning_given_or_skipped, rules.preconditions_confirmed],
        permission=rules.may_decide,
        custom={"order": 10},
    )
    def designate(self, *, by, at, reasons: str) -> None:
        self.decided_by = by
        self.decided_at = at
        self.decision_reasons = reasons
        # The legal date is the London date: 00:30 BST is already tomorrow in UTC terms.
        self.designated_on = timezone.localdate(at)
        self.review_due_on = deadlines.review_due(self.designated_on)

    @transition(
        field=state,
        source=CaseState.AWAITING_DECISION,
        target=CaseState.CLOSED,
        conditions=[rules.warning_given_or_skipped],
        permission=rules.may_decide,
        custom={"order": 20, "secondary": True},
    )
    def decline(self, *, by, at, reasons: str) -> None:
        self.decided_by = by
        self.decided_at = at
        self.decision_reasons = reasons
        self._close(ClosingReason.NOT_DESIGNATED, reasons, at)

    @transition(
        field=state,
        source=CaseState.AWAITING_DECISION,
        target=CaseState.ASSESSMENT,
        conditions=[rules.warning_given_or_skipped],
        permission=rules.may_decide,
        custom={"order": 30, "secondary": True},
    )
    def return_for_more_work(self) -> None:
        pass

    @transition(
        field=state,
        source=CaseState.DESIGNATED,
        target=CaseState.ACTIVE,
        conditions=[rules.customer_notified_and_council_informed],
        permission=rules.is_senior_manager,
        custom={"label": "Designation in force", "automatic": True},
    )
    def activate(self) -> None:
        """Taken by the services once the letter is issued and the council informed."""

    # -- after the decision: challenge and six-month review (reviews/) -----------------

    @transition(
        field=state,
        source=[CaseState.DESIGNATED, CaseState.ACTIVE, CaseState.LAPSED],
        target=CaseState.CLOSED,
        permission=rules.is_challenge_reviewer,
        custom={"label": "Withdraw the designation", "automatic": True},
    )
    def withdraw(self, *, reasons: str, at) -> None:
        """The independent reviewer's outcome on a challenge (reviews.services)."""
        self._close(ClosingReason.WITHDRAWN, reasons, at)

    @transition(
        field=state,
        source=[CaseState.ACTIVE, CaseState.LAPSED],
        target=CaseState.CLOSED,
        permission=rules.may_decide,
        custom={"label": "Lift the designation", "automatic": True},
    )
    def lift(self, *, reasons: str, at) -> None:
        """The six-month review's outcome "lift" (reviews.services)."""
        self._close(ClosingReason.LIFTED, reasons, at)

    @transition(
        field=state,
        source=CaseState.ACTIVE,
        target=CaseState.LAPSED,
        conditions=[rules.review_overdue],
        permission=rules.nobody,
        custom={"label": "Review missed", "automatic": True, "system": True},
    )
    def lapse(self) -> None:
        """Taken by the daily sweep only, once the review date has passed undecided."""

    @transition(
        field=state,
        source=CaseState.LAPSED,
        target=CaseState.ACTIVE,
        permission=rules.may_decide,
        custom={"label": "Designation in force again", "automatic": True},
    )
    def reinstate(self) -> None:
        """A late six-month review that continues or varies the designation."""

    # -- two records of one person merged (cases.services.merge) ------------------------

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=CaseState.CLOSED,
        permission=rules.may_merge,
        custom={"label": "Close as a duplicate (records merged)", "automatic": True},
    )
    def close_as_duplicate(self, *, note: str, at) -> None:
        """The manager merging two records chose to keep the other record's case open."""
        self._close(ClosingReason.DUPLICATE, note, at)

    @transition(
        field=state,
        source=CaseState.CLOSED,
        target=RETURN_VALUE(*OPEN_STATES),
        conditions=[rules.closed_as_duplicate],
        permission=rules.may_merge,
        custom={"label": "Reopen (merge undone)", "automatic": True},
    )
    def reopen_after_unmerge(self, *, state: str) -> str:
        """Undoing the merge that closed it puts the case back in the state it was in."""
        self.closing_reason = ""
        self.closing_note = ""
        self.closed_at = None
        return state

    def _close(self, reason: str, note: str, at) -> None:
        self.closing_reason = reason
        self.closing_note = note
        self.closed_at = at


class PreconditionCheck(models.Model):
    """One of the five section 2.3 preconditions, confirmed (or found not met) by a person."""

    case = models.ForeignKey(
        DesignationCase, on_delete=models.CASCADE, related_name="precondition_checks"
    )
    precondition = models.CharField(max_length=20, choices=Precondition.choices)
    met = models.BooleanField()
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateField()
    note = models.TextField()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "precondition"], name="one_check_per_precondition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_precondition_display()}: {'met' if self.met else 'not met'}"


class AlternativeConsideration(models.Model):
    case = models.ForeignKey(
        DesignationCase, on_delete=models.CASCADE, related_name="alternatives"
    )
    alternative = models.CharField(max_length=20, choices=Alternative.choices)
    outcome = models.CharField(max_length=20, choices=AlternativeOutcome.choices)
    reason = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "alternative"], name="one_record_per_alternative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_alternative_display()}: {self.get_outcome_display()}"


class CaseEvent(models.Model):
    """The case's chronology: what happened, who did it, when, and the state change.

    Written by the services in the same transaction as the change it records, so the
    chronology can never disagree with the case.
    """

    case = models.ForeignKey(DesignationCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField()
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    summary = models.CharField(max_length=300)
    details = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"]), models.Index(fields=["actor", "case"])]

    def __str__(self) -> str:
        return f"{self.at:%d %b %Y %H:%M} {self.summary}"

    @property
    def from_state_label(self) -> str:
        return CaseState(self.from_state).label if self.from_state else ""

    @property
    def to_state_label(self) -> str:
        return CaseState(self.to_state).label if self.to_state else ""


# The home page's order of turns (`cases.turns.ORDER`): the tail of CaseTurn's indexes, and
# the columns `cases.turns.candidates` reads.
TURN_ORDER = ["due_on", "urgency", "review_due_on", "case_updated_at", "case"]


class CaseTurn(models.Model):
    """Whose move it is on a case: one row for each role (in each of the case's
    directorates) or named person who may have a home-page step on it, and from when.

    Derived, never edited: `cases.turns.refresh` rewrites a case's rows from the step
    registry whenever `cases.workflow.save` saves the case or a row its steps read, in the
    same transaction. It is a superset of the truth (the role, not the person's own test):
    the home page reads only the cases it names for a user, and `next_steps` still decides
    whether each step is theirs now. `available_from` is an instant (an early review is due
    from midnight of its first day), so the page is right to the minute without a sweep.
    The case's own sort keys are copied in (`urgency`, `review_due_on`, `case_updated_at`),
    so that the home page finds its first rows from this table's index alone.
    """

    case = models.ForeignKey(DesignationCase, on_delete=models.CASCADE, related_name="turns")
    role = models.CharField(max_length=30, blank=True)  # "" for a row naming a person
    # One of the case's directorates (lead or involved), for a role's row; none for a
    # person's.
    directorate = models.ForeignKey(
        Directorate, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    available_from = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    urgency = models.PositiveSmallIntegerField()
    review_due_on = models.DateField(null=True, blank=True)
    case_updated_at = models.DateTimeField()

    class Meta:
        # The home page reads each of a user's branches along one of these in its order
        # (`cases.turns.candidates`): a role in a directorate, a role anywhere (a
        # council-wide user), or the person named.
        indexes = [
            models.Index(fields=["role", "directorate", *TURN_ORDER],
                         name="caseturn_role_dir_order"),
            models.Index(fields=["role", *TURN_ORDER], name="caseturn_role_order"),
            models.Index(fields=["person", *TURN_ORDER], name="caseturn_person_order"),
            models.Index(fields=["case"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.role or self.person_id}"


class AccessKind(models.TextChoices):
    """How personal data was shown or handed out (the access log's kinds)."""

    PAGE = "page", "Page"
    SEARCH = "search", "Search results or list"
    FORM = "form", "Form showing the customer"
    ACTION = "action", "Case action page"
    DOWNLOAD = "download", "Download"
    API = "api", "API call"
    EXPORT = "export", "Export"


class RecordView(models.Model):
    """The access log: who was shown a customer's (or a case's) record, when and how.

    One row per customer shown: a search page that lists twenty customers writes twenty
    rows, in one INSERT (`cases.access_log`).
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        DesignationCase, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    at = models.DateTimeField(auto_now_add=True)
    path = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=AccessKind.choices, default=AccessKind.PAGE)

    # No history: the log is append-only, written once per request in bulk, and a history
    # of it would double every write (issue 13). Its disposal is recorded by retention.

    class Meta:
        indexes = [
            models.Index(fields=["customer", "at"], name="cases_recordview_cust_at"),
            models.Index(fields=["user", "at"], name="cases_recordview_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.customer} at {self.at:%d %b %Y %H:%M}"


# --- Corrections and dispute statements (UK GDPR Articles 16 and 18) ----------------------


class RecordNote(models.Model):
    """What a correction and a dispute statement share: the customer they are about, and
    at most one of their matters, contacts or warnings (none: the customer's own details).

    Explicit keys rather than a generic relation, so each record's page, the subject access
    export and the Ombudsman bundle reach them with a join, and the customer's removal
    takes them with it. Each subclass declares the keys, for its own related name
    (`contact.corrections`, `contact.disputes`; `customer.corrections` is all of them).
    """

    class Meta:
        abstract = True

    @property
    def record_kind(self) -> RecordKind:
        for kind in (RecordKind.CONTACT, RecordKind.WARNING, RecordKind.MATTER):
            if getattr(self, f"{kind}_id"):
                return kind
        return RecordKind.CUSTOMER

    @property
    def record(self):
        kind = self.record_kind
        return self.customer if kind == RecordKind.CUSTOMER else getattr(self, kind)


def _at_most_one_record(name: str) -> models.CheckConstraint:
    one = Q(matter__isnull=True, contact__isnull=True) | Q(
        matter__isnull=True, warning__isnull=True
    ) | Q(contact__isnull=True, warning__isnull=True)
    return models.CheckConstraint(name=name, condition=one)


class Correction(RecordNote):
    """One field of a record corrected: what it said, what it says now, who, when and why.

    The record's own history keeps the whole row as it was (with the reason as the
    history's change reason); this row is what the record's page shows struck through.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="corrections")
    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="corrections", null=True, blank=True
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="corrections", null=True, blank=True
    )
    warning = models.ForeignKey(
        Warning, on_delete=models.CASCADE, related_name="corrections", null=True, blank=True
    )
    field = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    corrected_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["corrected_at", "id"]
        indexes = [models.Index(fields=["customer", "corrected_at"])]
        constraints = [_at_most_one_record("correction_names_one_record")]

    def __str__(self) -> str:
        return f"{self.label} corrected on {self.corrected_at:%d %b %Y}"


class DisputeStatement(RecordNote):
    """The customer's statement that they dispute a record (Article 18): kept beside the
    record wherever it is shown, exported or sent."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="disputes")
    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="disputes", null=True, blank=True
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="disputes", null=True, blank=True
    )
    warning = models.ForeignKey(
        Warning, on_delete=models.CASCADE, related_name="disputes", null=True, blank=True
    )
    statement = models.TextField("The customer's statement")
    received_on = models.DateField("Received on")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "id"]
        indexes = [models.Index(fields=["customer", "received_on"])]
        constraints = [_at_most_one_record("dispute_names_one_record")]

    def __str__(self) -> str:
        return f"Dispute received {self.received_on:%d %b %Y}"


# --- Merging two records of one person (issue 12) -----------------------------------------


class OpenCasesChoice(models.TextChoices):
    """What a merge did about the rule that a customer has at most one open case."""

    NONE = "none", "At most one of the records had an open case"
    KEEP_SURVIVOR = "keep_survivor", (
        "Keep the surviving record's case open; close the other as a duplicate")
    KEEP_MERGED = "keep_merged", (
        "Keep the merged-away record's case open; close the surviving record's as a duplicate")


class CustomerMerge(models.Model):
    """One merge: which record went into which, who did it and when, what moved.

    `moved` is {model label: [ids]} of exactly the rows whose customer was changed, and
    `directorates_added` the directorates the survivor gained, so an undo moves back those
    and nothing else. `fields_taken` is {field: [survivor's old value, value taken]}.
    """

    survivor = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges_out")
    merged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    reason = models.TextField()
    fields_taken = models.JSONField(default=dict, blank=True)
    moved = models.JSONField(default=dict, blank=True)
    directorates_added = models.JSONField(default=list, blank=True)
    # The highest id of each related model (and of CaseEvent) just after the merge: a row of
    # the survivor's above it was added since, and undo is refused.
    high_water = models.JSONField(default=dict, blank=True)
    open_cases = models.CharField(
        max_length=20, choices=OpenCasesChoice.choices, default=OpenCasesChoice.NONE
    )
    closed_case = models.ForeignKey(
        DesignationCase, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_case_state = models.CharField(max_length=30, blank=True)
    undone_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [
            models.Index(fields=["survivor", "merged_at"]),
            models.Index(fields=["merged", "merged_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} merged into {self.survivor_id} at {self.merged_at:%d %b %Y}"

    @property
    def in_force(self) -> bool:
        return self.undone_at is None
