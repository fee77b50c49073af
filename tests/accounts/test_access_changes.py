"""Every change to what a member of staff may do is recorded, by whom and through what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import AccessChange
from accounts.roles import GROUP_NAMES, Role
from accounts.services import AccessSnapshot, access_changes_for, record_access_changes, set_access
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
