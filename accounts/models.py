from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords

from accounts.roles import Role
from accounts.scope import new_stamp


class Directorate(models.Model):
    """A council directorate. Cases, matters and contacts belong to one; staff to several."""

    name = models.CharField(max_length=120, unique=True)
    short_name = models.SlugField(max_length=40, unique=True)
    assistant_director_name = models.CharField("Assistant Director", max_length=120)
    assistant_director_email = models.EmailField("Assistant Director's email")
    service_manager_name = models.CharField("Service Manager", max_length=120)
    service_manager_email = models.EmailField("Service Manager's email")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """What the council knows about a member of staff beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    job_title = models.CharField(max_length=120, blank=True)
    directorates = models.ManyToManyField(Directorate, related_name="staff", blank=True)
    council_wide = models.BooleanField(
        default=False,
        help_text="Sees every directorate (for council-wide leads and administrators).",
    )
    # Replaced with every change to this person's roles or directorates (accounts.signals):
    # the key under which their access is cached between requests (accounts.scope). Not
    # history: it records nothing, and the changes it follows are audited themselves.
    access_stamp = models.CharField(max_length=32, default=new_stamp, editable=False)

    history = HistoricalRecords(m2m_fields=[directorates], excluded_fields=["access_stamp"])

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


# Who gave whom a role, and when: the auth user's own changes (groups included) are audited
# like everything else.
register(get_user_model(), app="accounts", m2m_fields=["groups"], excluded_fields=["last_login"])


class AccessChange(models.Model):
    """One change to what a member of staff may do: a role, a directorate, council-wide
    sight, or an administrative flag given or taken away, by whom, when and through what.

    Written by `accounts.services` only, for every route that changes access (the admin,
    single sign-on's group mapping, the demo seeder, management commands), and never edited:
    it is what the person concerned and the information-governance role read to see who
    could see what, and since when.
    """

    class Kind(models.TextChoices):
        ROLE = "role", "Role"
        DIRECTORATE = "directorate", "Directorate"
        COUNCIL_WIDE = "council_wide", "Sees every directorate"
        STAFF = "staff", "Administration site access"
        SUPERUSER = "superuser", "Superuser"
        PERMISSION = "permission", "Individual permission"
        ACTIVE = "active", "Account active"
        # Someone else set (or disabled) this person's local password: whoever did could
        # sign in as them, so the person is shown it like any other change to their access.
        PASSWORD = "password", "Local password"

    class Action(models.TextChoices):
        GRANTED = "granted", "Granted"
        REMOVED = "removed", "Removed"
        SET = "set", "Set"

    class Source(models.TextChoices):
        ADMIN = "admin", "Administration site"
        SSO = "sso", "Single sign-on group mapping"
        DEMO = "demo", "Demo data"
        COMMAND = "command", "Management command"

    at = models.DateTimeField(db_index=True)
    # Null when no person made the change (single sign-on applying the mapping table).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_changes_made",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_changes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    # The role's value, the directorate's name, the permission's codename, or "" for flags.
    value = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"], name="accesschange_subject_at")]

    def __str__(self) -> str:
        if self.kind == self.Kind.PASSWORD:
            return f"{self.get_action_display()} the local password of {self.subject}"
        return f"{self.get_action_display()} {self.describe()} to {self.subject}"

    def describe(self) -> str:
        """What was given or taken, in words: "Senior Manager", "Adults directorate"."""
        if self.kind == self.Kind.ROLE:
            return Role(self.value).label if self.value in Role.values else self.value
        if self.kind == self.Kind.DIRECTORATE:
            return f"{self.value} directorate"
        if self.kind == self.Kind.PERMISSION:
            return f"permission {self.value}"
        if self.kind == self.Kind.PASSWORD:
            return "local password"
        return self.get_kind_display()
