"""Retention and disposal (issue 11, requirement 5): legal holds, the disposals the daily
sweep proposes, and the record of each disposal, which names nobody."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Customer


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
