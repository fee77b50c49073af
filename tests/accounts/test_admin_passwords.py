"""Local passwords in /admin/: nobody sets another person's where single sign-on is
configured; without it an administrator may, and it is recorded and shown to the person;
every password set there meets the rules."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from accounts.selectors import access_changes_for
from tests.accounts.admin_forms import change_form
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@council.example", "x")


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def new_password(value: str) -> dict:
    return {"password1": value, "password2": value, "usable_password": "true",
            "set-password": "1"}


@override_settings(OIDC_ENABLED=True)
def test_with_single_sign_on_the_admin_cannot_set_another_persons_password(
    client, root, senior_manager
):
    client.force_login(root)
    assert client.get(password_url(senior_manager)).status_code == 403
    response = client.post(password_url(senior_manager), new_password("plum-ladder-orbit-42"))
    assert response.status_code == 403
    senior_manager.refresh_from_db()
    assert senior_manager.check_password(PASSWORD)
    # The change page offers no way to it either.
    page = client.get(reverse("admin:auth_user_change", args=[senior_manager.pk]))
    assert "../password/" not in page.content.decode()
    assert "Signs in through single sign-on" in page.content.decode()
    assert not access_changes_for(senior_manager).exists()


@override_settings(OIDC_ENABLED=True)
def test_with_single_sign_on_a_break_glass_account_still_changes_its_own_password(
    client, root
):
    client.force_login(root)
    response = client.post(password_url(root), new_password("plum-ladder-orbit-42"))
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.check_password("plum-ladder-orbit-42")


@override_settings(OIDC_ENABLED=True)
def test_with_single_sign_on_a_new_account_gets_no_local_password(client, root):
    client.force_login(root)
    add = reverse("admin:auth_user_add")
    data = change_form(client, add)
    assert "password1" not in data
    # A forged password is ignored: the form has no such field.
    response = client.post(add, {
        **data, "username": "newstarter", **new_password("plum-ladder-orbit-42"),
    })
    assert response.status_code == 302
    created = User.objects.get(username="newstarter")
    assert not created.has_usable_password()


def test_without_single_sign_on_an_administrator_sets_a_password_and_it_is_recorded(
    client, root, senior_manager
):
    client.force_login(root)
    response = client.post(password_url(senior_manager), new_password("plum-ladder-orbit-42"))
    assert response.status_code == 302
    senior_manager.refresh_from_db()
    assert senior_manager.check_password("plum-ladder-orbit-42")
    (change,) = access_changes_for(senior_manager)
    assert (change.kind, change.action, change.actor, change.source) == (
        "password", "set", root, "admin"
    )
    # ... and the person sees it on their own page.
    client.force_login(senior_manager)
    page = client.get(reverse("accounts:your_access")).content.decode()
    assert 'data-access-change="password:set:"' in page and "root" in page


def test_creating_an_account_with_a_password_records_who_set_it(client, root):
    client.force_login(root)
    add = reverse("admin:auth_user_add")
    response = client.post(add, {
        **change_form(client, add), "username": "newstarter",
        **new_password("plum-ladder-orbit-42"),
    })
    assert response.status_code == 302
    created = User.objects.get(username="newstarter")
    assert {(c.kind, c.action, c.actor) for c in access_changes_for(created)} >= {
        ("password", "set", root)
    }


@pytest.mark.parametrize("guessable", ["Summer2026", "officer1", "Summer2026!!!",
                                       "P@ssw0rd2026", "Cumbria-County-2026"])
def test_the_admin_password_form_refuses_a_guessable_password(
    client, root, senior_manager, guessable
):
    client.force_login(root)
    response = client.post(password_url(senior_manager), new_password(guessable))
    assert response.status_code == 200
    body = response.content.decode()
    assert "too short" in body or "too easy to guess" in body
    senior_manager.refresh_from_db()
    assert senior_manager.check_password(PASSWORD)
    assert not access_changes_for(senior_manager).exists()


def test_the_change_page_still_offers_a_password_reset_without_single_sign_on(
    client, root, senior_manager
):
    client.force_login(root)
    data = change_form(client, reverse("admin:auth_user_change", args=[senior_manager.pk]))
    assert "username" in data
    page = client.get(reverse("admin:auth_user_change", args=[senior_manager.pk]))
    assert "../password/" in page.content.decode()
