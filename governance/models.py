"""Retention and disposal (issue 11, requirement 5): legal holds, the disposals the daily
sweep proposes, and the record of each disposal, which names nobody.

Subject access requests (UK GDPR Art. 15): the customer asks for everything held about
them; the information-governance role records the request, checks identity, tracks the
one-month deadline (extendable by two months), produces the disclosure, marks redactions
of other people's data and releases it.

Deadlines are `cases.deadlines.subject_access_due`, stored in `due_on` and changed only by
`governance.services.sar_extend`, which records the old and new day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import Customer, private_storage


class HoldReason(models.TextChoices):
    OMBUDSMAN = "ombudsman", "Ombudsman investigation"
    LITIGATION = "litigation", "Litigation"
    SUBJECT_ACCESS = "subject_access", "Open subject access request"
    OTHER = "other", "Other legal reason"


class LegalHoldQuerySet(models.QuerySet):
    def in_place(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """While a hold is in place (not lifted) the customer's records are not proposed for
    disposal, and an approval already given is refused."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(max_length=20, choices=HoldReason.choices)
    note = models.TextField(blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} hold on {self.customer_id}"


class RetentionRule(models.TextChoices):
    AFTER_CASE_CLOSED = "after_case_closed", "Years after the customer's last case closed"
    AFTER_LAST_CONTACT = "after_last_contact", "Years after the last contact (never referred)"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    HELD = "held", "Held"
    DONE = "done", "Disposed of"


class DisposalProposal(models.Model):
    """A customer past retention, listed by the sweep for the information governance role
    to approve. Nothing is disposed of without an approval; approving disposes at once and
    leaves a `DisposalRecord`. A proposal carries personal data only through its customer,
    so disposing of the customer deletes it too (CASCADE, on purpose)."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE,
                                    related_name="disposal_proposal")
    rule = models.CharField(max_length=30, choices=RetentionRule.choices)
    due_since = models.DateField()
    status = models.CharField(max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PROPOSED)
    proposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_since", "pk"]

    def __str__(self) -> str:
        return f"Disposal of {self.customer_id} ({self.status})"


class DisposalRecord(models.Model):
    """That a disposal happened, without personal data: which rule, since when it was due,
    who approved it, when, and how many rows of each kind went (`counts`, e.g.
    {"cases.Contact": 12}). No name, no reference, no identifier of the customer."""

    rule = models.CharField(max_length=30, choices=RetentionRule.choices)
    due_since = models.DateField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    disposed_at = models.DateTimeField()
    # Rows deleted, by model label ({"cases.Contact": 12}); rows kept but stripped of
    # personal data for the report's figures; history rows deleted; files removed.
    counts = models.JSONField(default=dict)
    anonymised = models.JSONField(default=dict)
    history_rows = models.PositiveIntegerField(default=0)
    files_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-disposed_at", "-pk"]

    def __str__(self) -> str:
        return f"Disposal approved by {self.approved_by_id} at {self.disposed_at:%d %b %Y}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


User = settings.AUTH_USER_MODEL


class SarStatus(models.TextChoices):
    OPEN = "open", "Open"
    RELEASED = "released", "Disclosure released"
    CLOSED = "closed", "Closed without disclosure"


class SubjectAccessRequest(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    received_on = models.DateField("Date received")
    how_received = models.CharField("How it was received", max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=SarStatus.choices, default=SarStatus.OPEN)
    # The one-month day plus any extension: computed by cases.deadlines, stored, and changed
    # only by the extension service.
    due_on = models.DateField()
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    extended_at = models.DateTimeField(null=True, blank=True)
    identity_checked_on = models.DateField(null=True, blank=True)
    identity_checked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    identity_check_how = models.CharField("How identity was checked", max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    # The internal copy, unredacted: what the council holds, as produced.
    internal_copy = models.FileField(
        storage=private_storage, upload_to="disclosures/%Y/%m/", blank=True
    )
    produced_at = models.DateTimeField(null=True, blank=True)
    produced_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The copy sent to the customer, with the marked redactions applied.
    release_copy = models.FileField(
        storage=private_storage, upload_to="disclosures/%Y/%m/", blank=True
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"Subject access request {self.pk} ({self.customer.reference})"

    def get_absolute_url(self) -> str:
        return reverse("governance:sar_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == SarStatus.OPEN


class SarRedaction(models.Model):
    """A passage of free text (or a phrase within it) withheld from the release copy: most
    often another member of the public named in a contact's summary. The record itself is
    never changed; only the release copy is."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="redactions"
    )
    # governance.disclosure.Passage.key: "<app.model>:<pk>:<field>".
    passage = models.CharField(max_length=120)
    # Empty: the whole passage.
    phrase = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=300)
    marked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["passage", "id"]

    def __str__(self) -> str:
        return f"Redaction of {self.passage}"


class SarAlertKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    OVERDUE = "overdue", "Overdue"


class SarAlert(models.Model):
    """The sweep's ledger for subject access deadlines: one row per reminder or overdue
    notice, its unique key making the sweep idempotent (like reviews.DeadlineAlert, which
    belongs to a case)."""

    key = models.CharField(max_length=120, unique=True)
    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=SarAlertKind.choices)
    due_on = models.DateField()
    days_before = models.SmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class SarFileChoice(models.TextChoices):
    INCLUDE = "include", "Include as it is"
    REVIEWED = "reviewed", "Include, reviewed"
    WITHHOLD = "withhold", "Withhold"


class SarFileDecision(models.Model):
    """What the release copy does with one file of the disclosure: an uploaded piece of
    correspondence or a letter. Every file needs one before the release copy is made
    (`sar_release` refuses, listing the files still undecided); a withheld one is left out
    of the release copy and listed in its index with the reason; a reviewed one goes in
    marked as reviewed. The internal copy always keeps every file."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="file_decisions"
    )
    # governance.disclosure.file_key: "attachment:<pk>" or "letter:<pk>".
    file = models.CharField(max_length=60)
    decision = models.CharField(max_length=10, choices=SarFileChoice.choices)
    reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["file", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "file"], name="one_decision_per_sar_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.file}"
