"""Changes to what a member of staff may do, and the record of each change.

Every route that changes a person's roles, directorates or administrative flags (the admin,
single sign-on applying its group mapping, the demo seeder, commands) reads an
`AccessSnapshot` before and after and calls `record_access_changes`, or calls `set_access`,
which does both. So the `AccessChange` rows are complete whichever route was used.

Separation of duties lives here too: an account that administers the system holds no
casework role (`separation_problem`). The admin's form, `set_access` (single sign-on) and
the demo seeder ask it before they change anything, so the person gets a message; the
signal guards in `accounts.signals` ask it again on every write of a user's groups or
flags, whatever the route, so a route nobody thought of cannot get round it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import scope
from accounts.models import AccessChange, Directorate, StaffProfile
from accounts.roles import CASEWORK_ROLES, GROUP_NAMES, ROLE_BY_GROUP, Role

# The selector lived here first; other routes still import it from here.
from accounts.selectors import access_changes_for  # noqa: F401

Kind = AccessChange.Kind


class SeparationOfDuties(ValidationError):
    """Raised when a change would give an administering account a casework role."""


def separation_problem(
    roles: Iterable[str], *, is_staff: bool, is_superuser: bool
) -> str | None:
    """Why an account with these roles (Role values) and flags may not exist, or None.

    An account administers the system when it holds the Administrator role, may use the
    administration site (`is_staff`) or is a superuser. Such an account can change who may
    see what, so it must not also see customers: if it could, one person could give
    themselves (or a colleague's account they control) the sight of every directorate, and
    the record of it would be their own. A Directorate Lead sees counts only, never a
    customer, so an administrator may hold that role.
    """
    roles = set(roles)
    administers = is_staff or is_superuser or Role.ADMINISTRATOR in roles
    casework = sorted(roles & CASEWORK_ROLES, key=Role.values.index)
    if not administers or not casework:
        return None
    why = [
        reason
        for reason, present in (
            ("the Administrator role", Role.ADMINISTRATOR in roles),
            ("administration-site access", is_staff),
            ("superuser status", is_superuser),
        )
        if present
    ]
    return (
        "An account that administers the system cannot also hold a casework role ("
        + ", ".join(Role(r).label for r in casework)
        + "). This account has " + " and ".join(why) + ". Give casework to a separate "
        "account, or take the administration away first."
    )


def check_separation(roles: Iterable[str], *, is_staff: bool, is_superuser: bool) -> None:
    """Raise `SeparationOfDuties` if an account with these roles and flags may not exist."""
    problem = separation_problem(roles, is_staff=is_staff, is_superuser=is_superuser)
    if problem:
        raise SeparationOfDuties(problem, code="separation_of_duties")


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
    change. Used where access comes from elsewhere (single sign-on's mapping table).

    Raises `SeparationOfDuties`, changing nothing, if the roles would give an account that
    administers the system a casework role."""
    roles = {str(role) for role in roles}
    flags = type(subject).objects.filter(pk=subject.pk).values(
        "is_staff", "is_superuser"
    ).first() or {"is_staff": subject.is_staff, "is_superuser": subject.is_superuser}
    check_separation(roles, **flags)
    before = AccessSnapshot.of(subject)
    groups = [Group.objects.get_or_create(name=GROUP_NAMES[role])[0] for role in roles]
    subject.groups.set(groups)
    profile, _ = StaffProfile.objects.get_or_create(user=subject)
    profile.directorates.set(list(directorates))
    if profile.council_wide != council_wide:
        profile.council_wide = council_wide
        profile.save(update_fields=["council_wide"])
    # Cached answers on the user object are stale now.
    scope.forget(subject)
    return record_access_changes(
        actor=actor, subject=subject, before=before, after=AccessSnapshot.of(subject),
        source=source, note=note, now=now,
    )



def record_password_set(
    *, actor, subject, usable: bool, source: str, note: str = "",
    now: dt.datetime | None = None,
) -> AccessChange:
    """Record that `actor` set `subject`'s local password (or disabled it, `usable=False`).

    Whoever sets someone else's password could sign in as them, so it is on the person's
    own list of changes to their access, beside the roles."""
    return AccessChange.objects.create(
        at=now or timezone.now(), actor=actor, subject=subject, kind=Kind.PASSWORD,
        action=AccessChange.Action.SET if usable else AccessChange.Action.REMOVED,
        source=source, note=note,
    )
