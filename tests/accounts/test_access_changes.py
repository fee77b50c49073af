"""Every change to what a member of staff may do is recorded, by whom and through what."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import AccessChange
from accounts.roles import GROUP_NAMES, Role
from accounts.selectors import access_changes_for
from accounts.services import (
    AccessSnapshot,
    SeparationOfDuties,
    record_access_changes,
    separation_problem,
    set_access,
)
from tests.factories import DirectorateFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_set_access_records_each_role_and_directorate_given_and_taken():
    subject = UserFactory()
    adults, children = DirectorateFactory(name="Adults"), DirectorateFactory(name="Children")
    set_access(
        actor=None, subject=subject, roles=[Role.OFFICER], directorates=[adults],
        council_wide=False, source=AccessChange.Source.SSO,
    )
    changes = set_access(
        actor=None, subject=subject, roles=[Role.SENIOR_MANAGER], directorates=[children],
        council_wide=False, source=AccessChange.Source.SSO,
    )
    got = {(c.action, c.kind, c.value) for c in changes}
    assert got == {
        ("granted", "role", Role.SENIOR_MANAGER.value),
        ("removed", "role", Role.OFFICER.value),
        ("granted", "directorate", "Children"),
        ("removed", "directorate", "Adults"),
    }
    assert all(c.actor is None and c.source == "sso" for c in changes)
    assert access_changes_for(subject).count() == 6


def test_setting_the_same_access_again_records_nothing():
    subject = UserFactory()
    adults = DirectorateFactory(name="Adults")
    kwargs = dict(
        actor=None, subject=subject, roles=[Role.OFFICER], directorates=[adults],
        council_wide=True, source=AccessChange.Source.SSO,
    )
    assert len(set_access(**kwargs)) == 3
    assert set_access(**kwargs) == []


def test_snapshot_sees_flags_and_groups_changed_elsewhere():
    actor, subject = UserFactory(), UserFactory()
    before = AccessSnapshot.of(subject)
    subject.groups.add(Group.objects.get_or_create(name=GROUP_NAMES[Role.OFFICER])[0])
    type(subject).objects.filter(pk=subject.pk).update(is_staff=True)
    rows = record_access_changes(
        actor=actor, subject=subject, before=before, after=AccessSnapshot.of(subject),
        source=AccessChange.Source.ADMIN,
    )
    assert {(r.kind, r.value) for r in rows} == {("role", "officer"), ("staff", "")}
    assert rows[0].describe() in {"Officer", "Administration site access"}


# --- separation of duties below the admin -------------------------------------------------


def _group(role):
    return Group.objects.get(name=GROUP_NAMES[role])


@contextmanager
def refused():
    """The guard's error, with its savepoint rolled back: Django adds m2m rows in an atomic
    block without a savepoint, so a refusal there spoils the enclosing transaction (the
    test's own here, as it would a request's)."""
    with pytest.raises(SeparationOfDuties), transaction.atomic():
        yield


def test_adding_a_casework_group_to_a_staff_account_is_refused_by_any_route():
    staff = UserFactory(is_staff=True)
    with refused():
        staff.groups.add(_group(Role.OFFICER))
    with refused():
        _group(Role.SENIOR_MANAGER).user_set.add(staff)
    assert not staff.groups.exists()


def test_an_administrator_role_and_a_casework_role_together_are_refused():
    user = UserFactory()
    with refused():
        user.groups.set([_group(Role.ADMINISTRATOR), _group(Role.OFFICER)])
    reviewer = UserFactory(roles=[Role.INDEPENDENT_REVIEWER])
    with refused():
        _group(Role.ADMINISTRATOR).user_set.add(reviewer)
    assert not user.groups.exists()


def test_making_a_caseworker_staff_or_superuser_is_refused_on_save():
    officer = UserFactory(roles=[Role.OFFICER])
    officer.is_superuser = True
    with pytest.raises(SeparationOfDuties):
        officer.save()
    officer.refresh_from_db()
    assert not officer.is_superuser
    # A sign-in saves only last_login: no flag changes, nothing to check.
    officer.save(update_fields=["last_login"])


def test_set_access_refuses_casework_for_an_administering_account_and_changes_nothing():
    admin = UserFactory(is_staff=True, roles=[Role.ADMINISTRATOR])
    with pytest.raises(SeparationOfDuties, match="cannot also hold a casework role"):
        set_access(
            actor=None, subject=admin, roles=[Role.SENIOR_MANAGER], directorates=[],
            council_wide=True, source=AccessChange.Source.SSO,
        )
    assert set(admin.groups.values_list("name", flat=True)) == {"Administrator"}
    assert not AccessChange.objects.exists()


def test_an_administrator_may_hold_the_directorate_lead_role():
    admin = UserFactory(is_staff=True, roles=[Role.ADMINISTRATOR])
    admin.groups.add(_group(Role.DIRECTORATE_LEAD))
    assert admin.groups.count() == 2


def test_the_separation_message_names_the_roles_and_why():
    message = separation_problem(
        {Role.ADMINISTRATOR, Role.OFFICER, Role.SENIOR_MANAGER}, is_staff=True,
        is_superuser=False,
    )
    assert "(Officer, Senior Manager)" in message
    assert "the Administrator role and administration-site access" in message
    assert separation_problem({Role.OFFICER}, is_staff=False, is_superuser=False) is None
