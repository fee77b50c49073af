"""Letters to customers, the policy they enclose, and the notices that inform the council.

Steps 9 and 10 of PROCESS.md. An issued `Letter` is a record of what the customer was
sent: its HTML and PDF are stored as issued and never changed; re-issuing makes a new
version. A `CouncilNotice` records who inside the council was told of a designation and
which letters were copied to the directorates' Assistant Director and Service Manager.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from accounts.models import Directorate
from cases.models import Customer, DesignationCase, Warning, private_storage

User = settings.AUTH_USER_MODEL


class PolicyVersion(models.Model):
    """The council's policy as it is sent to customers. Administrators edit it in the admin;
    exactly one version is current, and designation letters enclose that one."""

    label = models.CharField("Version", max_length=100, unique=True)
    effective_on = models.DateField("In effect from")
    text = models.TextField(
        "Policy text", help_text="Enclosed in full with every designation letter."
    )
    pdf = models.FileField(
        "The policy as a PDF",
        storage=private_storage,
        upload_to="policy/",
        blank=True,
        help_text="Optional: the published document, kept for reference.",
    )
    is_current = models.BooleanField(
        "Current version",
        default=False,
        help_text="Letters enclose the current version. Making this one current replaces "
        "the one that was.",
    )
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_policy_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}{' (current)' if self.is_current else ''}"

    @property
    def version_in_words(self) -> str:
        """How a letter names the version: "version 5.0" from a label such as
        "v5.0 (January 2016)", "Version 5.0" or "5.0"; a label without a number is quoted.
        The date in brackets is left to `effective_on`, which letters give in full."""
        label = re.sub(r"\s*\([^)]*\)\s*", " ", self.label or "").strip()
        number = re.fullmatch(r"(?:version\s*|v\.?\s*)?(\d+(?:\.\d+)*)", label, re.I)
        if number:
            return f"version {number.group(1)}"
        return f"version \u201c{label or self.label}\u201d"

    @property
    def in_words(self) -> str:
        """"version 5.0, in effect from 1 January 2016"."""
        return f"{self.version_in_words}, in effect from {date_format(self.effective_on, 'j F Y')}"


class LetterKind(models.TextChoices):
    INFORMAL_WARNING = "informal_warning", "Informal warning letter"
    FORMAL_WARNING = "formal_warning", "Formal warning letter"
    DESIGNATION = "designation", "Designation letter"
    # The outcomes of a challenge and of a six-month review (reviews/).
    CHALLENGE_OUTCOME = "challenge_outcome", "Challenge outcome letter"
    REVIEW_OUTCOME = "review_outcome", "Six-month review outcome letter"


class ImmutableError(Exception):
    pass


class Letter(models.Model):
    """An issued letter, stored as it was sent. There is no way to change one."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="letters")
    # An informal warning may be given to a customer who has no case.
    case = models.ForeignKey(
        DesignationCase, on_delete=models.PROTECT, related_name="letters", null=True, blank=True
    )
    warning = models.ForeignKey(
        Warning, on_delete=models.PROTECT, related_name="letters", null=True, blank=True
    )
    kind = models.CharField(max_length=40, choices=LetterKind.choices)
    version = models.PositiveSmallIntegerField()
    html = models.TextField()
    pdf = models.FileField(storage=private_storage, upload_to="letters/%Y/%m/")
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64)
    large_print = models.BooleanField(default=False)
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="letters", null=True, blank=True
    )
    # What the letter told the customer, kept beside it so no one has to re-read the PDF.
    challenge_last_day = models.DateField(null=True, blank=True)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    issued_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["issued_at", "id"]
        indexes = [models.Index(fields=["customer", "issued_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"],
                condition=Q(case__isnull=False),
                name="one_letter_version_per_case_kind",
            ),
            models.UniqueConstraint(
                fields=["warning", "kind", "version"],
                condition=Q(case__isnull=True),
                name="one_letter_version_per_warning_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}, {self.issued_on:%d %b %Y}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableError("An issued letter is never changed: issue a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("An issued letter is part of the record and is never deleted.")

    @property
    def filename(self) -> str:
        reference = self.case.reference if self.case_id else self.customer.reference
        return f"{reference}-{self.kind.replace('_', '-')}-v{self.version}.pdf"


class CouncilNotice(models.Model):
    """The senior manager informing the council of a designation (section 2.2's last box)."""

    case = models.ForeignKey(DesignationCase, on_delete=models.PROTECT, related_name="notices")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    note = models.TextField(blank=True)
    letters = models.ManyToManyField(Letter, related_name="notices", blank=True)
    # Set once the emails have gone: they are sent after the transaction commits.
    emailed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[letters])

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"Council informed of {self.case} on {self.sent_at:%d %b %Y %H:%M}"

    # Both read the (prefetchable) `recipients.all()`, so a list of notices costs one query.
    @property
    def staff_recipients(self) -> list[CouncilNoticeRecipient]:
        return [r for r in self.recipients.all() if r.role == RecipientRole.STAFF]

    @property
    def copy_recipients(self) -> list[CouncilNoticeRecipient]:
        return [r for r in self.recipients.all() if r.role != RecipientRole.STAFF]


class RecipientRole(models.TextChoices):
    STAFF = "staff", "Member of staff informed"
    ASSISTANT_DIRECTOR = "assistant_director", "Assistant Director (copies of correspondence)"
    SERVICE_MANAGER = "service_manager", "Service Manager (copies of correspondence)"


class CouncilNoticeRecipient(models.Model):
    """One person a notice went to, with the name and address used at the time."""

    notice = models.ForeignKey(
        CouncilNotice, on_delete=models.CASCADE, related_name="recipients"
    )
    role = models.CharField(max_length=30, choices=RecipientRole.choices)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.get_role_display()})"

    @property
    def gets_copies(self) -> bool:
        return self.role != RecipientRole.STAFF
