"""Local passwords: for the embedded demo, and once single sign-on is on for the named
break-glass accounts only, whatever form asks (the sign-in page, the admin's own)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_on(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "ucp"
    settings.OIDC_PROVIDER_NAME = "Council Test ID"
    settings.BREAK_GLASS_ACCOUNTS = ["breakglass"]


@pytest.fixture
def breakglass(adults):
    return UserFactory(username="breakglass", roles=[Role.ADMINISTRATOR], is_staff=True)


def test_with_single_sign_on_off_a_password_signs_in_as_today(client, officer):
    response = client.post("/sign-in/", {"username": officer.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_with_single_sign_on_off_there_is_no_provider_button_and_no_round_trip(client):
    page = client.get("/sign-in/").content.decode()
    assert "/oidc/authenticate/" not in page and "Break-glass accounts" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


@pytest.mark.usefixtures("sso_on")
def test_with_single_sign_on_on_a_staff_password_is_refused_with_where_to_sign_in(
    client, officer
):
    response = client.post("/sign-in/", {"username": officer.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Sign in with your council account" in page
    assert "Council Test ID" in page
    assert response.context["form"]["username"].value() == officer.username  # kept


@pytest.mark.usefixtures("sso_on")
def test_with_single_sign_on_on_a_break_glass_account_signs_in_with_its_password(
    client, breakglass
):
    response = client.post("/sign-in/", {"username": "breakglass", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(breakglass.pk)


@pytest.mark.usefixtures("sso_on")
def test_a_break_glass_account_with_a_wrong_password_is_still_refused(client, breakglass):
    response = client.post("/sign-in/", {"username": "breakglass", "password": "wrong-one"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("sso_on")
def test_the_admin_sign_in_page_refuses_a_staff_password_too(client, admin_user):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": admin_user.username, "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("sso_on")
def test_no_route_authenticates_a_staff_password(rf, officer, breakglass):
    request = rf.post("/anywhere/")
    assert authenticate(request, username=officer.username, password=PASSWORD) is None
    assert authenticate(request, username="breakglass", password=PASSWORD) == breakglass


@pytest.mark.usefixtures("sso_on")
def test_the_sign_in_page_offers_the_provider_and_keeps_where_the_person_was_going(client):
    page = client.get("/sign-in/?next=/customers/").content.decode()

    assert "Sign in with Council Test ID" in page
    assert 'href="/oidc/authenticate/?next=%2Fcustomers%2F"' in page
    assert "Break-glass accounts" in page
