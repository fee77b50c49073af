"""Signing a person in from the provider's claims: who they are, and what the mapping table
gives them, applied with `accounts.services` so that every change is an `AccessChange`.

Decisions (README, "Single sign-on"):
- nobody signs in without a mapped role; a first-timer gets no account at all, and someone
  who had one loses their roles and directorates (recorded) and is refused;
- claims that give the Administrator role and a casework role together are refused as they
  stand, and nothing is changed: an account that administers the system holds no casework
  role, and which of the two the council meant is for it to put right in the table;
- the person is matched on (issuer, subject), never on an email address.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import AccessChange
from accounts.roles import ADMINISTRATOR_PERMISSIONS, CASEWORK_ROLES, Role
from accounts.services import (
    AccessSnapshot,
    SeparationOfDuties,
    record_access_changes,
    set_access,
)
from sso.models import SsoIdentity
from sso.selectors import MappedAccess, access_for

logger = logging.getLogger(__name__)
User = get_user_model()


class Refusal(models.TextChoices):
    NO_ROLE = "no_role", "Your account has no role in this system"
    ADMIN_AND_CASEWORK = "admin_and_casework", "Your account has conflicting roles"
    TOO_MANY_GROUPS = "too_many_groups", "The sign-in service did not send your groups"
    NO_SUBJECT = "no_subject", "The sign-in service did not say who you are"
    INACTIVE = "inactive", "Your account here has been switched off"


class SignInRefused(Exception):
    """The provider vouched for the person, but this system does not let them in."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


def claim_values(claims: dict[str, Any]) -> list[str]:
    """The values of the group or role claim (`OIDC_GROUPS_CLAIM`), as strings.

    Entra ID sends no `groups` claim at all for someone in more than its limit of groups
    (200 in a token), only a pointer to Microsoft Graph (`_claim_names`): that is refused
    rather than read as "in no groups", which would strip the person's roles.
    """
    name = settings.OIDC_GROUPS_CLAIM
    raw = claims.get(name)
    if raw is None:
        if name in (claims.get("_claim_names") or {}):
            raise SignInRefused(Refusal.TOO_MANY_GROUPS, f"{name} claim overage")
        return []
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    if not isinstance(raw, list | tuple):
        return []
    return sorted({str(value).strip() for value in raw if str(value).strip()})


def _username_for(claims: dict[str, Any], subject: str) -> str:
    """A readable, unique username: the provider's preferred username (Entra: the UPN)."""
    base = str(claims.get("preferred_username") or claims.get("email") or f"sso-{subject}")
    base = re.sub(r"[^\w.@+-]", "", base)[:140] or f"sso-{subject[:20]}"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _details(claims: dict[str, Any]) -> dict[str, str]:
    first = str(claims.get("given_name") or "")[:150]
    last = str(claims.get("family_name") or "")[:150]
    if not (first or last) and claims.get("name"):
        first, _, last = str(claims["name"]).partition(" ")
    return {
        "first_name": first[:150],
        "last_name": last[:150],
        "email": str(claims.get("email") or "")[:254],
    }


def _apply(user, access: MappedAccess, *, note: str, now: dt.datetime) -> None:
    """Give `user` exactly `access`, recording each change (source: single sign-on).

    The Administrator role reaches /admin/ through `is_staff` and the administrator's
    permissions, which follow the role here; a superuser's flags are never touched. The
    order keeps separation of duties true at every step (accounts.signals refuses an
    administering account with a casework role even for a moment): becoming an
    administrator, the casework roles go first; leaving it, the admin flags go first.
    """
    administers = Role.ADMINISTRATOR in access.roles

    def set_flags() -> None:
        before = AccessSnapshot.of(user)
        if not user.is_superuser:
            if user.is_staff != administers:
                user.is_staff = administers
                user.save(update_fields=["is_staff"])
            query = Q()
            for app, codename in ADMINISTRATOR_PERMISSIONS:
                query |= Q(content_type__app_label=app, codename=codename)
            permissions = list(Permission.objects.filter(query))
            if administers:
                user.user_permissions.add(*permissions)
            else:
                user.user_permissions.remove(*permissions)
        record_access_changes(
            actor=None, subject=user, before=before, after=AccessSnapshot.of(user),
            source=AccessChange.Source.SSO, note=note, now=now,
        )

    def set_roles() -> None:
        set_access(
            actor=None, subject=user, roles=access.roles, directorates=access.directorates,
            council_wide=access.council_wide, source=AccessChange.Source.SSO, note=note,
            now=now,
        )

    try:
        with transaction.atomic():
            for step in (set_roles, set_flags) if administers else (set_flags, set_roles):
                step()
    except SeparationOfDuties as exc:
        # A local superuser whose groups at the provider give casework, say.
        raise SignInRefused(Refusal.ADMIN_AND_CASEWORK, str(exc.messages[0])) from exc


def sign_in_with_claims(*, claims: dict[str, Any], issuer: str, now: dt.datetime | None = None):
    """The user the verified `claims` name, with the access the mapping table gives them.

    Raises `SignInRefused`; what a refusal must still change (a leaver's roles removed) is
    committed first.
    """
    now = now or timezone.now()
    subject = str(claims.get(settings.OIDC_SUBJECT_CLAIM) or "").strip()
    if not subject:
        raise SignInRefused(Refusal.NO_SUBJECT, f"no {settings.OIDC_SUBJECT_CLAIM} claim")
    values = claim_values(claims)
    access = access_for(values)
    refusal = None
    if not access.roles:
        refusal = SignInRefused(Refusal.NO_ROLE, f"claim values {values}")
    elif Role.ADMINISTRATOR in access.roles and access.roles & CASEWORK_ROLES:
        refusal = SignInRefused(
            Refusal.ADMIN_AND_CASEWORK, f"roles {sorted(access.roles)} from {values}"
        )
    note = f"Signed in through {settings.OIDC_PROVIDER_NAME}"
    with transaction.atomic():
        identity = (
            SsoIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is None:
            if refusal is not None:
                # No account for someone this system has no role for.
                logger.warning("single sign-on refused %s (new): %s", subject, refusal)
                raise refusal
            user = User(username=_username_for(claims, subject), **_details(claims))
            user.set_unusable_password()
            user.save()
            identity = SsoIdentity(
                user=user, issuer=issuer, subject=subject, first_signed_in=now,
                last_signed_in=now,
            )
        else:
            user = identity.user
            if not user.is_active:
                raise SignInRefused(Refusal.INACTIVE, user.get_username())
            details = _details(claims)
            changed = [field for field, value in details.items() if getattr(user, field) != value]
            for field in changed:
                setattr(user, field, details[field])
            if changed:
                user.save(update_fields=changed)
        identity.claim_values = values
        identity.last_signed_in = now
        identity.save()
        if refusal is None:
            _apply(user, access, note=note, now=now)
        elif refusal.reason == Refusal.NO_ROLE:
            _apply(user, MappedAccess.nothing(), note=note + ": no mapped role", now=now)
    if refusal is not None:
        logger.warning("single sign-on refused %s (%s): %s", subject, user, refusal)
        raise refusal
    return user
