"""The mapping table in /admin/: the administrator edits it, but not the rows for their own
groups (that would be changing their own roles by another road)."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from sso.models import ClaimMapping
from sso.services import sign_in_with_claims
from tests.sso.conftest import ADMINISTRATORS, ADULTS_OFFICERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_admin(mapping, settings):
    """An administrator who signed in through the provider, in the Administrators group."""
    settings.OIDC_GROUPS_CLAIM = "groups"
    return sign_in_with_claims(
        claims={"sub": "raj", "preferred_username": "raj", "groups": [ADMINISTRATORS]},
        issuer="https://login.example/t/v2.0",
    )


def _form(claim_value: str, role: str, directorate="") -> dict:
    return {"claim_value": claim_value, "description": "", "role": role,
            "directorate": directorate, "council_wide": ""}


def test_an_administrator_maps_a_group_to_a_role_and_directorate(client, sso_admin, adults):
    client.force_login(sso_admin)

    response = client.post(
        "/admin/sso/claimmapping/add/", _form("new-group", Role.OFFICER, adults.pk)
    )

    assert response.status_code == 302
    row = ClaimMapping.objects.get(claim_value="new-group")
    assert (row.role, row.directorate) == (Role.OFFICER, adults)
    assert row.history.first().history_user == sso_admin


def test_an_administrator_cannot_map_their_own_group_to_a_casework_role(client, sso_admin):
    client.force_login(sso_admin)

    response = client.post(
        "/admin/sso/claimmapping/add/", _form(ADMINISTRATORS, Role.SENIOR_MANAGER)
    )

    assert response.status_code == 200
    assert "You are in this group yourself" in response.content.decode()
    assert not ClaimMapping.objects.filter(role=Role.SENIOR_MANAGER,
                                           claim_value=ADMINISTRATORS).exists()


def test_an_administrator_cannot_change_or_delete_their_own_groups_row(client, sso_admin):
    client.force_login(sso_admin)
    own = ClaimMapping.objects.get(claim_value=ADMINISTRATORS)
    other = ClaimMapping.objects.get(claim_value=ADULTS_OFFICERS)

    forged = client.post(
        f"/admin/sso/claimmapping/{own.pk}/change/", _form(ADMINISTRATORS, Role.OFFICER)
    )
    deleted = client.post(f"/admin/sso/claimmapping/{own.pk}/delete/", {"post": "yes"})

    assert forged.status_code == 403
    assert ClaimMapping.objects.get(pk=own.pk).role == Role.ADMINISTRATOR
    assert deleted.status_code == 403 and ClaimMapping.objects.filter(pk=own.pk).exists()
    assert client.get(f"/admin/sso/claimmapping/{other.pk}/change/").status_code == 200
