"""What a member of staff may see, read once per request and kept between requests.

Every signed-in request asks who the user is (their roles, their directorates) before any
selector scopes a query. Read plainly that is three queries after the user's own (groups,
profile, directorates); here it is none: the user is loaded with their profile in one
query (`load_user`, used by the sign-in backends and the API's token authentication), and
the roles and directorates are kept in the cache under the profile's `access_stamp`.

The stamp is what keeps this safe. It is a random value, replaced (`restamp`) in the same
transaction as every change to the user's groups or directorates, a directorate's or a
role group's renaming or removal, and every save of the profile (`accounts.signals`). A
request reads the stamp with the user, so the first request after a change misses the
cache and reads the access afresh: a directorate or a role taken away stops at the next
request, in every worker, whatever cache each has. Random, not a counter, so that a
change rolled back cannot leave an entry that a later change's stamp would meet again.
Whether the user is a superuser, active, or sees every directorate is read from the row
itself on every request, never from the cache. Writing the link tables directly
(`QuerySet.delete()` on `StaffProfile.directorates.through`, raw SQL) sends no signal and
would go unseen until the entry expires (`CACHE_SECONDS`), as it would pass the separation
of duties guards; nothing in the project writes them that way.

Users without a profile (a bare superuser) are not cached: their groups are read each time.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError

from ucp.compiled_sql import CompiledSQL

log = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60


def new_stamp() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Access:
    groups: frozenset[str]  # group names: accounts.roles maps them to roles
    directorates: tuple[tuple[int, str], ...]  # (id, name), A to Z by name


# Every signed-in request reads its user: the statement is compiled once (ucp.compiled_sql)
# with a stand-in for the id, which no user has.
_USER_ID = -190_101
_COMPILED = CompiledSQL(8)


def load_user(pk):
    """The user with their staff profile, in one query; None if there is no such user."""
    User = get_user_model()
    try:
        pk = User._meta.pk.to_python(pk)
    except ValidationError:
        return None
    return _COMPILED.first(
        ("user", User._meta.label),
        lambda: User._default_manager.select_related("staff_profile").filter(pk=_USER_ID),
        bind={_USER_ID: pk},
    )


def profile_of(user):
    """The user's staff profile, or None (no query when it was loaded with the user)."""
    try:
        return user.staff_profile
    except Exception:  # RelatedObjectDoesNotExist
        return None


def _key(user, profile) -> str:
    return f"ucp-access:{user.pk}:{profile.pk}:{profile.access_stamp}"


def _read(user, profile) -> Access:
    groups = frozenset(user.groups.values_list("name", flat=True))
    rows: tuple[tuple[int, str], ...] = ()
    if profile is not None:
        rows = tuple(profile.directorates.order_by("name").values_list("id", "name"))
    return Access(groups=groups, directorates=rows)


def access_of(user) -> Access:
    """The user's roles and directorates: from the request's copy on the user object, then
    from the cache under the profile's stamp, then from the database (and kept)."""
    cached = user.__dict__.get("_ucp_access")
    if cached is not None:
        return cached
    profile = profile_of(user)
    access = None
    key = _key(user, profile) if profile is not None else None
    if key is not None:
        try:
            access = cache.get(key)
        except Exception:  # a cache that is away is a slower request, never a refusal
            log.warning("Cache unavailable: access read from the database")
    if access is None:
        access = _read(user, profile)
        if key is not None:
            try:
                cache.set(key, access, CACHE_SECONDS)
            except Exception:
                log.warning("Cache unavailable: access not kept")
    user._ucp_access = access
    return access


def forget(user) -> None:
    """Drop the copies kept on this user object (after changing their access in-process)."""
    for attr in ("_ucp_access", "_ucp_roles", "_ucp_directorates", "_ucp_directorate_names"):
        user.__dict__.pop(attr, None)
