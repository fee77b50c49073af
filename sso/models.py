"""Single sign-on's two records: what each group or role claim gives, and who is who.

The mapping table is the only source of the roles and directorates of people who sign in
through the provider: `sso.services.sign_in_with_claims` applies it on every sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import Directorate
from accounts.roles import Role


class ClaimMapping(models.Model):
    """One value of the provider's group or role claim and what it gives in this system.

    A person gets the union of what their claim values give. Several rows may share a value
    (a group that gives a role in two directorates, say). A row gives at least one thing.
    """

    claim_value = models.CharField(
        max_length=200,
        db_index=True,
        help_text=(
            "The value exactly as the provider sends it: for Microsoft Entra ID a group's "
            "Object ID (groups claim) or an app role's Value (roles claim)."
        ),
    )
    description = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the group is, in words (e.g. \u201cUCP \u2013 Adults officers\u201d).",
    )
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    directorate = models.ForeignKey(
        Directorate, null=True, blank=True, on_delete=models.PROTECT,
        related_name="claim_mappings",
    )
    council_wide = models.BooleanField(
        default=False, help_text="Sees every directorate (council-wide leads)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["claim_value", "role", "id"]
        verbose_name = "group or role mapping"

    def __str__(self) -> str:
        return f"{self.description or self.claim_value} \u2192 {self.gives()}"

    def gives(self) -> str:
        parts = []
        if self.role:
            parts.append(Role(self.role).label)
        if self.directorate_id:
            parts.append(f"{self.directorate} directorate")
        if self.council_wide:
            parts.append("every directorate")
        return ", ".join(parts) or "nothing"

    def clean(self) -> None:
        self.claim_value = self.claim_value.strip()
        if not (self.role or self.directorate_id or self.council_wide):
            raise ValidationError(
                "Choose what this value gives: a role, a directorate, or every directorate."
            )


class SsoIdentity(models.Model):
    """The person the provider names by (issuer, subject), linked to their account.

    Matching on this, never on an email address alone: an address can be reused or changed
    at the provider, the subject cannot.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    # The group or role claim as it came at the last sign-in: what the mapping was applied
    # to, and what the admin checks so nobody edits the mapping of their own groups.
    claim_values = models.JSONField(default=list, blank=True)
    first_signed_in = models.DateTimeField()
    last_signed_in = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"
