"""The roles staff hold, as Django groups, and a cached way to ask about them.

Roles are groups so that administrators manage them in the admin like any other
permission; code asks `has_role(user, Role.SENIOR_MANAGER)` and never compares group names.
"""

from __future__ import annotations

from django.db import models

from accounts.scope import access_of


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    SERVICE_MANAGER = "service_manager", "Service Manager"
    SENIOR_MANAGER = "senior_manager", "Senior Manager"
    INDEPENDENT_REVIEWER = "independent_reviewer", "Independent Reviewer"
    DIRECTORATE_LEAD = "directorate_lead", "Directorate Lead"
    ADMINISTRATOR = "administrator", "Administrator"
    # The council's data protection officer or records manager: who could see what, and
    # (issue 11) the access log, subject access and retention. No casework access.
    INFORMATION_GOVERNANCE = "information_governance", "Information Governance"


# Group names are the human labels: that is what administrators see in the admin.
GROUP_NAMES: dict[str, str] = {role.value: role.label for role in Role}
ROLE_BY_GROUP: dict[str, str] = {label: value for value, label in GROUP_NAMES.items()}

# Roles that may see case files (personal data). Directorate leads see aggregates only.
CASEWORK_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.SERVICE_MANAGER,
        Role.SENIOR_MANAGER,
        Role.INDEPENDENT_REVIEWER,
    }
)


def roles_of(user) -> frozenset[str]:
    """The user's roles, cached on the user object for the rest of the request (and between
    requests under the profile's access stamp: `accounts.scope`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ucp_roles", None)
    if cached is None:
        names = access_of(user).groups
        cached = frozenset(ROLE_BY_GROUP[n] for n in names if n in ROLE_BY_GROUP)
        user._ucp_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def role_labels(user) -> list[str]:
    return [Role(r).label for r in Role.values if r in roles_of(user)]


# What the Administrator role may do in /admin/, as (app label, codename): the reference
# data, the staff and single sign-on's group mapping, nothing else. Given to each
# administrator's account (the demo seeder, single sign-on); groups are the fixed roles and
# carry no permissions (editing a group's would let an administrator grant itself anything).
ADMINISTRATOR_PERMISSIONS: list[tuple[str, str]] = [
    (app, f"{action}_{model}")
    for app, model in [
        ("cases", "indicator"),
        ("accounts", "directorate"),
        ("accounts", "staffprofile"),
        ("auth", "user"),
        ("letters", "policyversion"),
        ("sso", "claimmapping"),
    ]
    for action in ("view", "add", "change")
] + [
    # Groups are the fixed roles: the admin may see them and put staff in them, not edit
    # them (editing a group's permissions would let an administrator grant itself anything).
    ("auth", "view_group"),
    ("sso", "delete_claimmapping"),
    ("sso", "view_ssoidentity"),
    # The record of who gave whom what (read-only for everyone).
    ("accounts", "view_accesschange"),
    # Sign-in lockouts: see the failures, and unlock by deleting the attempt.
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accessfailurelog"),
    ("axes", "view_accesslog"),
]
