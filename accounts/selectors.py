"""Which directorates a member of staff works in, and what has changed in their access."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.models import AccessChange, Directorate
from accounts.roles import CASEWORK_ROLES, GROUP_NAMES, Role, roles_of
from accounts.scope import access_of, profile_of


def directorate_ids_for(user) -> frozenset[int] | None:
    """Ids of the user's directorates, or None when the user sees every directorate.

    Cached on the user object: every selector asks. Superuser and council-wide sight come
    from the user's row and profile, read on every request; the directorates themselves
    from `accounts.scope` (no query while the profile's access stamp is unchanged).
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if hasattr(user, "_ucp_directorates"):
        return user._ucp_directorates
    profile = profile_of(user)
    user._ucp_directorate_names = []
    if user.is_superuser or (profile is not None and profile.council_wide):
        result = None
    elif profile is None:
        result = frozenset()
    else:
        # The names too, in the same query: the home page lists them.
        rows = access_of(user).directorates
        result = frozenset(pk for pk, _name in rows)
        user._ucp_directorate_names = [name for _pk, name in rows]
    user._ucp_directorates = result
    return result


def directorate_names_for(user) -> list[str]:
    """The names of the user's directorates, A to Z: no query beyond `directorate_ids_for`'s
    for a user of some directorates (every directorate's, for a council-wide one)."""
    ids = directorate_ids_for(user)
    if ids is None:
        return list(Directorate.objects.order_by("name").values_list("name", flat=True))
    return getattr(user, "_ucp_directorate_names", [])


def directorates_for(user) -> QuerySet[Directorate]:
    ids = directorate_ids_for(user)
    qs = Directorate.objects.all()
    return qs if ids is None else qs.filter(id__in=ids)


def access_key(user) -> tuple:
    """Everything a user's scoped queries are built from (who, their roles, their
    directorates): the key of a statement compiled once per scope (ucp.compiled_sql)."""
    return (user.pk, roles_of(user), directorate_ids_for(user))


def staff_in_directorates(directorate_ids) -> QuerySet:
    """Active caseworkers of these directorates (every directorate for None): the people a
    page may offer as having handled a contact, to be informed of a designation, or as the
    named officer. Only staff with a casework role: a directorate lead (who sees numbers,
    never customers) or an administrator is never offered a customer's details."""
    User = get_user_model()
    qs = User.objects.filter(
        is_active=True, groups__name__in=[GROUP_NAMES[r] for r in sorted(CASEWORK_ROLES)]
    )
    if directorate_ids is not None:
        qs = qs.filter(staff_profile__directorates__in=directorate_ids)
    return qs.distinct().order_by("first_name", "last_name")


def senior_manager_emails(directorate_ids) -> list[str]:
    """Email addresses of the active senior managers of these directorates: who is alerted
    about a case (filed items, deadlines)."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=GROUP_NAMES[Role.SENIOR_MANAGER],
            staff_profile__directorates__in=list(directorate_ids),
        )
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def information_governance_emails() -> list[str]:
    """Email addresses of the active information-governance officers: who is reminded of
    subject access deadlines (council-wide: the role has no directorate)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.INFORMATION_GOVERNANCE])
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def access_changes_for(user) -> QuerySet[AccessChange]:
    """What has been given to or taken from `user`, newest first: their own "Your access"
    page, and the information-governance role's view of who could see what, since when."""
    return AccessChange.objects.filter(subject=user).select_related("actor")


def access_changes_council_wide(
    *, person: str = "", kind: str = "", source: str = ""
) -> QuerySet[AccessChange]:
    """Every access change in the council, newest first, for the information-governance
    role: narrowed to a person (whose access changed, or who changed it), a kind, a route."""
    qs = AccessChange.objects.select_related("subject", "actor")
    person = person.strip()
    if person:
        match = Q()
        for who in ("subject", "actor"):
            for field in ("username", "first_name", "last_name"):
                match |= Q(**{f"{who}__{field}__icontains": person})
        qs = qs.filter(match)
    if kind:
        qs = qs.filter(kind=kind)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("-at", "-id")
