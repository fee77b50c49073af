"""Every signed-in member of staff sees their own roles and directorates, and who changed
them, when: on "Your access", linked from the header."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AccessChange
from accounts.roles import Role
from accounts.services import set_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/your-access/"


def test_your_access_lists_roles_directorates_and_who_changed_them(
    login, officer, admin_user, children
):
    set_access(
        actor=admin_user, subject=officer, roles=[Role.OFFICER, Role.SERVICE_MANAGER],
        directorates=[children], council_wide=False, source=AccessChange.Source.ADMIN,
        now=dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC),
    )
    page = login(officer).get(reverse("accounts:your_access"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Officer, Service Manager" in body
    assert "Children" in body
    assert 'data-access-change="role:granted:service_manager"' in body
    assert 'data-access-change="directorate:removed:Adults"' in body
    assert "Ada Admin" in body and "2 Mar 2026, 09:15" in body
    assert "Administration site" in body


def test_your_access_shows_nobody_elses_changes(login, officer, senior_manager, adults):
    set_access(
        actor=None, subject=senior_manager, roles=[Role.INDEPENDENT_REVIEWER],
        directorates=[adults], council_wide=False, source=AccessChange.Source.SSO,
    )
    body = login(officer).get(URL).content.decode()
    assert "data-access-change=" not in body
    assert "No change has been recorded." in body


def test_every_signed_in_page_links_to_your_access(login, lead):
    assert f'href="{URL}"' in login(lead).get(reverse("home")).content.decode()


def test_your_access_needs_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_a_change_made_by_single_sign_on_names_no_person(login, adults):
    user = UserFactory()
    set_access(
        actor=None, subject=user, roles=[Role.OFFICER], directorates=[adults],
        council_wide=False, source=AccessChange.Source.SSO,
    )
    body = login(user).get(URL).content.decode()
    assert "No one (automatic)" in body and "Single sign-on group mapping" in body
