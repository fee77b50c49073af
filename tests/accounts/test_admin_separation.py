"""Separation of duties in /admin/: an account that administers the system holds no casework
role, nobody changes their own access, and every change of access is recorded.

The forms are driven as a browser would submit them (`admin_forms.change_form` reads the
page's own inputs), as the demo administrator (Administrator role, the demo's permissions)
and as a superuser.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import AccessChange, StaffProfile
from accounts.roles import GROUP_NAMES, Role, roles_of
from accounts.selectors import access_changes_for
from demo.data import ADMIN_PERMISSIONS
from tests.accounts.admin_forms import change_form
from tests.factories import UserFactory
from ucp.http import may_do_casework

pytestmark = pytest.mark.django_db

User = get_user_model()


def group(role: str) -> Group:
    return Group.objects.get(name=GROUP_NAMES[role])


def change_url(user) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def demo_admin(admin_user):
    """The Administrator persona with the demo administrator's permissions."""
    for app_label, codename in ADMIN_PERMISSIONS:
        admin_user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return fresh(admin_user)


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@council.example", "x")


# --- nobody changes their own access ----------------------------------------------------------


def test_admin_cannot_add_themselves_to_a_casework_group(client, demo_admin, children):
    client.force_login(demo_admin)
    data = change_form(client, change_url(demo_admin))
    # Read-only on their own page: not even offered as an input.
    assert "groups" not in data and "staff_profile-0-directorates" not in data
    # A forged POST with them anyway.
    data.update(
        groups=[str(group(Role.SENIOR_MANAGER).pk), str(group(Role.OFFICER).pk)],
        is_superuser=["on"], user_permissions=[str(Permission.objects.first().pk)],
        **{"staff_profile-0-directorates": [str(children.pk)],
           "staff_profile-0-council_wide": ["on"], "first_name": ["Adah"]},
    )
    response = client.post(change_url(demo_admin), data)
    assert response.status_code == 302
    after = fresh(demo_admin)
    assert after.first_name == "Adah"  # the rest of the page was saved
    assert roles_of(after) == {Role.ADMINISTRATOR}
    assert not after.is_superuser
    assert after.user_permissions.count() == len(ADMIN_PERMISSIONS)
    profile = StaffProfile.objects.get(user=after)
    assert not profile.council_wide
    assert list(profile.directorates.values_list("name", flat=True)) == ["Adults"]
    assert not may_do_casework(after)
    assert not access_changes_for(after).exists()


def test_superuser_cannot_change_their_own_flags_or_roles(client, root):
    client.force_login(root)
    data = change_form(client, change_url(root))
    assert not {"is_superuser", "is_staff", "is_active", "groups"} & set(data)
    data.update(groups=[str(group(Role.OFFICER).pk)], is_superuser=[], is_active=[])
    assert client.post(change_url(root), data).status_code == 302
    after = fresh(root)
    assert after.is_superuser and after.is_active and not after.groups.exists()


# --- an account that administers holds no casework role ---------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER,
                                  Role.INDEPENDENT_REVIEWER])
def test_superuser_cannot_give_an_administrator_a_casework_role(client, root, admin_user, role):
    client.force_login(root)
    data = change_form(client, change_url(admin_user))
    data["groups"] = [*data["groups"], str(group(role).pk)]
    response = client.post(change_url(admin_user), data)
    assert response.status_code == 200  # the form again, with the message
    body = response.content.decode()
    assert "cannot also hold a casework role" in body and Role(role).label in body
    assert roles_of(fresh(admin_user)) == {Role.ADMINISTRATOR}
    assert not access_changes_for(admin_user).exists()


def test_demo_admin_cannot_give_a_casework_role_to_another_staff_account(
    client, demo_admin, adults
):
    # Administration-site access alone makes an account an administering one.
    colleague = UserFactory(is_staff=True, directorates=[adults])
    client.force_login(demo_admin)
    data = change_form(client, change_url(colleague))
    data["groups"] = [str(group(Role.SENIOR_MANAGER).pk)]
    response = client.post(change_url(colleague), data)
    assert response.status_code == 200
    assert "administration-site access" in response.content.decode()
    assert not fresh(colleague).groups.exists()


def test_superuser_cannot_make_a_caseworker_staff_while_they_keep_the_role(
    client, root, officer
):
    client.force_login(root)
    data = change_form(client, change_url(officer))
    data["is_staff"] = ["on"]
    response = client.post(change_url(officer), data)
    assert response.status_code == 200
    assert "cannot also hold a casework role (Officer)" in response.content.decode()
    assert not fresh(officer).is_staff


def test_a_caseworker_becomes_an_administrator_in_one_save_when_the_role_goes(
    client, root, officer
):
    client.force_login(root)
    data = change_form(client, change_url(officer))
    data.update(is_staff=["on"], groups=[str(group(Role.ADMINISTRATOR).pk)])
    assert client.post(change_url(officer), data).status_code == 302
    after = fresh(officer)
    assert after.is_staff and roles_of(after) == {Role.ADMINISTRATOR}
    got = {(c.action, c.kind, c.value) for c in access_changes_for(after)}
    assert got == {
        ("removed", "role", Role.OFFICER.value),
        ("granted", "role", Role.ADMINISTRATOR.value),
        ("granted", "staff", ""),
    }


def test_an_administrator_may_be_a_directorate_lead_which_sees_counts_only(
    client, root, admin_user
):
    client.force_login(root)
    data = change_form(client, change_url(admin_user))
    data["groups"] = [*data["groups"], str(group(Role.DIRECTORATE_LEAD).pk)]
    assert client.post(change_url(admin_user), data).status_code == 302
    after = fresh(admin_user)
    assert roles_of(after) == {Role.ADMINISTRATOR, Role.DIRECTORATE_LEAD}
    assert not may_do_casework(after)


# --- every change of access is recorded --------------------------------------------------------


def test_granting_a_role_and_a_directorate_in_the_admin_records_who_gave_what(
    client, demo_admin, officer, children
):
    client.force_login(demo_admin)
    data = change_form(client, change_url(officer))
    data["groups"] = [*data["groups"], str(group(Role.SERVICE_MANAGER).pk)]
    data["staff_profile-0-directorates"] = [
        *data["staff_profile-0-directorates"], str(children.pk)
    ]
    assert client.post(change_url(officer), data).status_code == 302
    changes = list(access_changes_for(officer))
    assert {(c.action, c.kind, c.value) for c in changes} == {
        ("granted", "role", Role.SERVICE_MANAGER.value),
        ("granted", "directorate", "Children"),
    }
    assert {(c.actor, c.source) for c in changes} == {(demo_admin, "admin")}


def test_taking_a_role_away_in_the_admin_is_recorded_too(client, demo_admin, officer):
    client.force_login(demo_admin)
    data = change_form(client, change_url(officer))
    data["groups"] = []
    data["is_active"] = []
    assert client.post(change_url(officer), data).status_code == 302
    got = {(c.action, c.kind) for c in access_changes_for(officer)}
    assert got == {("removed", "role"), ("removed", "active")}


def test_saving_a_page_without_changing_access_records_nothing(client, demo_admin, officer):
    client.force_login(demo_admin)
    data = change_form(client, change_url(officer))
    data["last_name"] = ["Officer-Smith"]
    assert client.post(change_url(officer), data).status_code == 302
    assert fresh(officer).last_name == "Officer-Smith"
    assert not access_changes_for(officer).exists()


def test_the_record_of_access_changes_is_read_only_in_the_admin(client, demo_admin, officer):
    change = AccessChange.objects.create(
        at="2026-01-05T10:00Z", actor=demo_admin, subject=officer, kind="role",
        value=Role.OFFICER.value, action="granted", source="admin",
    )
    client.force_login(demo_admin)
    listing = client.get(reverse("admin:accounts_accesschange_changelist"))
    assert listing.status_code == 200 and "olivia" in listing.content.decode()
    assert client.get(reverse("admin:accounts_accesschange_add")).status_code == 403
    detail = reverse("admin:accounts_accesschange_change", args=[change.pk])
    assert client.post(detail, {"value": "senior_manager"}).status_code == 403
    delete = reverse("admin:accounts_accesschange_delete", args=[change.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessChange.objects.get(pk=change.pk).value == Role.OFFICER.value
