"""Reads for single sign-on: what a set of claim values gives, and whose claims they are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import Directorate
from sso.models import ClaimMapping, SsoIdentity


@dataclass(frozen=True)
class MappedAccess:
    """What the mapping table gives for one person's claim values."""

    roles: frozenset[str]
    directorates: tuple[Directorate, ...]
    council_wide: bool

    @classmethod
    def nothing(cls) -> MappedAccess:
        return cls(frozenset(), (), False)


def access_for(values: Iterable[str]) -> MappedAccess:
    """The union of what the rows for these claim values give."""
    rows = list(
        ClaimMapping.objects.filter(claim_value__in=set(values)).select_related("directorate")
    )
    directorates = {row.directorate.pk: row.directorate for row in rows if row.directorate}
    return MappedAccess(
        roles=frozenset(row.role for row in rows if row.role),
        directorates=tuple(sorted(directorates.values(), key=lambda d: d.name)),
        council_wide=any(row.council_wide for row in rows),
    )


def own_claim_values(user) -> frozenset[str]:
    """The claim values `user` came with at their last sign-in (none for local accounts)."""
    identity = SsoIdentity.objects.filter(user_id=getattr(user, "pk", None)).first()
    return frozenset(identity.claim_values) if identity else frozenset()
