"""Roles are groups; directorates come from the staff profile."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.roles import CASEWORK_ROLES, Role, has_role, role_labels, roles_of
from accounts.scope import load_user
from accounts.selectors import directorate_ids_for, directorates_for, staff_in_directorates
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_role_groups_are_named_for_administrators():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Officer", "Service Manager", "Senior Manager", "Independent Reviewer",
        "Directorate Lead", "Administrator",
    }


def test_has_role_reads_the_groups(outsider, lead):
    assert has_role(outsider, Role.OFFICER)
    assert has_role(outsider, Role.SENIOR_MANAGER)
    assert not has_role(outsider, Role.INDEPENDENT_REVIEWER)
    assert not has_role(lead, *CASEWORK_ROLES)
    assert role_labels(outsider) == ["Officer", "Service Manager", "Senior Manager"]


def test_anonymous_users_have_no_roles_and_no_directorates():
    anon = AnonymousUser()
    assert roles_of(anon) == frozenset()
    assert directorate_ids_for(anon) == frozenset()


def test_roles_and_directorates_are_read_once_then_kept(officer, django_assert_num_queries):
    # Loaded as a request loads its user: with the staff profile (accounts.scope).
    fresh = load_user(officer.pk)
    with django_assert_num_queries(2):  # the groups and the directorates, once
        for _ in range(5):
            has_role(fresh, Role.OFFICER)
            directorate_ids_for(fresh)
    # The next request's user: kept under the profile's access stamp, no query.
    again = load_user(officer.pk)
    with django_assert_num_queries(0):
        assert has_role(again, Role.OFFICER)
        assert directorate_ids_for(again) == directorate_ids_for(fresh)


def test_directorate_ids(officer, outsider, adults, children):
    assert directorate_ids_for(officer) == frozenset({adults.pk})
    assert list(directorates_for(outsider)) == [children]


def test_council_wide_and_superusers_see_every_directorate(adults, children):
    from django.contrib.auth import get_user_model

    wide = UserFactory(directorates__council_wide=True)
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    assert directorate_ids_for(wide) is None
    assert directorate_ids_for(root) is None
    assert set(directorates_for(wide)) == {adults, children}


def test_a_user_with_no_staff_profile_works_nowhere(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bare", password="x")
    assert directorate_ids_for(user) == frozenset()
    assert list(directorates_for(user)) == []


def test_staff_in_directorates_lists_active_staff_of_those_directorates(
    officer, service_manager, outsider, adults
):
    gone = UserFactory(directorates=[adults], is_active=False)
    staff = set(staff_in_directorates({adults.pk}))
    assert {officer, service_manager} <= staff
    assert outsider not in staff
    assert gone not in staff


def test_only_caseworkers_are_offered_as_staff(officer, senior_manager, lead, admin_user, adults):
    # Directorate leads see numbers, never customers; administrators no casework either. So
    # neither is offered as "Handled by", as staff to inform, or as the named officer.
    staff = set(staff_in_directorates({adults.pk}))
    assert {officer, senior_manager} <= staff
    assert lead not in staff
    assert admin_user not in staff
    assert lead not in set(staff_in_directorates(None))
