from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords


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

    history = HistoricalRecords(m2m_fields=[directorates])

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


# Who gave whom a role, and when: the auth user's own changes (groups included) are audited
# like everything else.
register(get_user_model(), app="accounts", m2m_fields=["groups"], excluded_fields=["last_login"])
