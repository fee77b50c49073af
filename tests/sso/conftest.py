"""Single sign-on tests: the mapping rows most of them use. The provider is in oidc.py."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from sso.models import ClaimMapping

# Entra ID sends group object ids; these stand for them.
ADULTS_OFFICERS = "5f1c0b1e-0000-4000-8000-00000000a001"
ADULTS_SENIORS = "5f1c0b1e-0000-4000-8000-00000000a002"
CHILDREN_OFFICERS = "5f1c0b1e-0000-4000-8000-00000000c001"
ADMINISTRATORS = "5f1c0b1e-0000-4000-8000-0000000000ad"
UNMAPPED = "5f1c0b1e-0000-4000-8000-00000000ffff"


@pytest.fixture
def mapping(adults, children):
    """The council's table: each group gives a role and a directorate."""
    rows = [
        (ADULTS_OFFICERS, Role.OFFICER, adults),
        (ADULTS_SENIORS, Role.SENIOR_MANAGER, adults),
        (CHILDREN_OFFICERS, Role.OFFICER, children),
        (ADMINISTRATORS, Role.ADMINISTRATOR, None),
    ]
    return [
        ClaimMapping.objects.create(claim_value=value, role=role, directorate=directorate)
        for value, role, directorate in rows
    ]
