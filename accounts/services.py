"""Changes to what a member of staff may do, and the record of each change.

Every route that changes a person's roles, directorates or administrative flags (the admin,
single sign-on applying its group mapping, the demo seeder, commands) reads an
`AccessSnapshot` before and after and calls `record_access_changes`, or calls `set_access`,
which does both. So the `AccessChange` rows are complete whichever route was used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import AccessChange, Directorate, StaffProfile
from accounts.roles import GROUP_NAMES, ROLE_BY_GROUP

Kind = AccessChange.Kind


@dataclass(frozen=True)
class AccessSnapshot:
    """What a person may do at one moment, as (kind, value) pairs."""

    items: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, user) -> AccessSnapshot:
        items: set[tuple[str, str]] = set()
        if user.pk is None:
            return cls(frozenset())
        for name in user.groups.values_list("name", flat=True):
            items.add((Kind.ROLE, ROLE_BY_GROUP.get(name, name)))
        profile = StaffProfile.objects.filter(user=user).first()
        if profile is not None:
            for name in profile.directorates.values_list("name", flat=True):
                items.add((Kind.DIRECTORATE, name))
            if profile.council_wide:
                items.add((Kind.COUNCIL_WIDE, ""))
        # Read from the database, not the object: the admin form has already changed it.
        flags = type(user).objects.filter(pk=user.pk).values(
            "is_staff", "is_superuser", "is_active"
        ).first() or {}
        for field, kind in (
            ("is_staff", Kind.STAFF),
            ("is_superuser", Kind.SUPERUSER),
            ("is_active", Kind.ACTIVE),
        ):
            if flags.get(field):
                items.add((kind, ""))
        for app, codename in user.user_permissions.values_list(
            "content_type__app_label", "codename"
        ):
            items.add((Kind.PERMISSION, f"{app}.{codename}"))
        return cls(frozenset(items))


def record_access_changes(
    *,
    actor,
    subject,
    before: AccessSnapshot,
    after: AccessSnapshot,
    source: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> list[AccessChange]:
    """One `AccessChange` row per difference between the two snapshots."""
    at = now or timezone.now()
    rows = [
        AccessChange(
            at=at, actor=actor, subject=subject, kind=kind, value=value,
            action=AccessChange.Action.GRANTED, source=source, note=note,
        )
        for kind, value in sorted(after.items - before.items)
    ] + [
        AccessChange(
            at=at, actor=actor, subject=subject, kind=kind, value=value,
            action=AccessChange.Action.REMOVED, source=source, note=note,
        )
        for kind, value in sorted(before.items - after.items)
    ]
    return AccessChange.objects.bulk_create(rows)


@transaction.atomic
def set_access(
    *,
    actor,
    subject,
    roles: Iterable[str],
    directorates: Iterable[Directorate],
    council_wide: bool,
    source: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> list[AccessChange]:
    """Give `subject` exactly these roles (Role values) and directorates, recording each
    change. Used where access comes from elsewhere (single sign-on's mapping table)."""
    before = AccessSnapshot.of(subject)
    groups = [Group.objects.get_or_create(name=GROUP_NAMES[role])[0] for role in set(roles)]
    subject.groups.set(groups)
    profile, _ = StaffProfile.objects.get_or_create(user=subject)
    profile.directorates.set(list(directorates))
    if profile.council_wide != council_wide:
        profile.council_wide = council_wide
        profile.save(update_fields=["council_wide"])
    # Cached answers on the user object are stale now.
    for attr in ("_ucp_roles", "_ucp_directorates"):
        subject.__dict__.pop(attr, None)
    return record_access_changes(
        actor=actor, subject=subject, before=before, after=AccessSnapshot.of(subject),
        source=source, note=note, now=now,
    )


def access_changes_for(user):
    """What has been given to or taken from `user`, newest first (for their own page)."""
    return AccessChange.objects.filter(subject=user).select_related("actor")
