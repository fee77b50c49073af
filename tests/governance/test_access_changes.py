"""The information-governance role sees every access change in the council; nobody else
does, and it sees no customer record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessChange
from accounts.roles import CASEWORK_ROLES, Role, has_role
from accounts.services import AccessSnapshot, record_access_changes, set_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("governance:access_changes")


@pytest.fixture
def ig(db):
    return UserFactory(
        username="helen", first_name="Helen", last_name="Dodd",
        roles=[Role.INFORMATION_GOVERNANCE], directorates__council_wide=True,
    )


def test_the_information_governance_role_is_not_casework(ig):
    assert Role.INFORMATION_GOVERNANCE not in CASEWORK_ROLES
    assert has_role(ig, Role.INFORMATION_GOVERNANCE)


def test_information_governance_sees_every_change_with_who_and_through_what(
    client, ig, admin_user, officer, outsider, adults, children
):
    record_access_changes(
        actor=admin_user, subject=officer, before=AccessSnapshot(frozenset()),
        after=AccessSnapshot.of(officer), source=AccessChange.Source.ADMIN,
    )
    set_access(actor=None, subject=outsider, roles=[Role.OFFICER], directorates=[children],
               council_wide=False, source=AccessChange.Source.SSO)
    client.force_login(ig)
    page = client.get(URL).content.decode()
    assert 'data-access-change="olivia:role:granted:officer"' in page
    assert 'data-access-change="oscar:role:removed:senior_manager"' in page
    assert "Ada Admin" in page and "Single sign-on group mapping" in page


def test_the_filter_narrows_to_a_person_and_a_kind_and_pages_keep_it(
    client, ig, admin_user, officer, outsider, children
):
    for user in (officer, outsider):
        record_access_changes(
            actor=admin_user, subject=user, before=AccessSnapshot(frozenset()),
            after=AccessSnapshot.of(user), source=AccessChange.Source.ADMIN,
        )
    client.force_login(ig)
    page = client.get(URL, {"person": "Oscar", "kind": "role"}).content.decode()
    assert "oscar:role:granted" in page
    assert "olivia:" not in page and "oscar:directorate" not in page
    for _n in range(60):
        AccessChange.objects.create(
            at=AccessChange.objects.first().at, actor=admin_user, subject=outsider,
            kind="role", action="granted", value="officer", source="admin",
        )
    page = client.get(URL, {"person": "Oscar", "kind": "role"}).content.decode()
    assert "&amp;person=Oscar&amp;kind=role" in page  # the next page keeps the filter
    assert page.count("data-access-change=") == 50


@pytest.mark.parametrize(
    "role", [Role.OFFICER, Role.SENIOR_MANAGER, Role.DIRECTORATE_LEAD, Role.ADMINISTRATOR]
)
def test_other_roles_are_refused(client, role, adults):
    client.force_login(UserFactory(roles=[role], directorates=[adults]))
    assert client.get(URL).status_code == 403


def test_information_governance_has_no_casework_pages(client, ig, customer):
    client.force_login(ig)
    assert client.get(customer.get_absolute_url()).status_code in (403, 404)
    assert customer.full_name not in client.get("/").content.decode()
