"""Sign-in that resists guessing (django-axes): after AXES_FAILURE_LIMIT failures an account
is locked whatever address tries it, and an address is locked whatever account it tries,
for AXES_COOLOFF_MINUTES; every failure is kept; an administrator unlocks."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.signin import client_ip
from demo.data import ADMIN_PERMISSIONS
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"
LIMIT = settings.AXES_FAILURE_LIMIT


def sign_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", address)
        assert response.status_code in {200, 429}
        assert not signed_in(client)


def test_the_right_password_after_too_many_wrong_ones_does_not_sign_in(client, officer):
    fail(client, officer.username, LIMIT + 1)
    response = sign_in(client, officer.username, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    body = response.content.decode()
    # A proper page, not a bare line of text: what happened and what to do.
    assert '<h1 class="govuk-heading-l">You cannot sign in at the moment</h1>' in body
    assert f"Try again in {settings.AXES_COOLOFF_MINUTES} minutes" in body
    assert "contact your IT service desk or a system administrator" in body


def test_the_wrong_passwords_before_the_limit_still_let_the_right_one_in(client, officer):
    fail(client, officer.username, LIMIT - 1)
    assert sign_in(client, officer.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_ends_after_the_cool_off(client, officer, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    fail(client, officer.username, LIMIT)
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 29, tzinfo=dt.UTC), tick=False)
    assert sign_in(client, officer.username, PASSWORD).status_code == 429
    # That attempt, while locked, started the wait again.
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 58, tzinfo=dt.UTC), tick=False)
    assert sign_in(client, officer.username, PASSWORD).status_code == 429
    time_machine.move_to(
        dt.datetime(2026, 3, 2, 9, 59, tzinfo=dt.UTC)
        + dt.timedelta(minutes=settings.AXES_COOLOFF_MINUTES),
        tick=False,
    )
    assert sign_in(client, officer.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_account_is_locked_from_every_address(client, officer):
    fail(client, officer.username, LIMIT, address="10.0.0.1")
    assert sign_in(client, officer.username, PASSWORD, address="10.9.9.9").status_code == 429
    assert not signed_in(client)


def test_an_address_trying_many_accounts_is_locked_for_all_of_them(client, officer):
    for n in range(LIMIT):
        fail(client, f"guess{n}", 1, address="10.0.0.66")
    assert sign_in(client, officer.username, PASSWORD, address="10.0.0.66").status_code == 429
    # The account itself is not locked: its owner elsewhere signs in.
    assert sign_in(client, officer.username, PASSWORD, address="10.0.0.7").status_code == 302


def test_every_failure_is_logged_with_its_address(client, officer):
    fail(client, officer.username, 3, address="10.0.0.5")
    logged = AccessFailureLog.objects.filter(username=officer.username)
    assert logged.count() == 3
    assert set(logged.values_list("ip_address", flat=True)) == {"10.0.0.5"}


def test_the_admin_sign_in_page_is_locked_too(client, officer):
    fail(client, officer.username, LIMIT)
    response = client.post(
        reverse("admin:login"), {"username": officer.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert not signed_in(client)


def test_an_administrator_unlocks_an_account(client, officer, admin_user):
    for app_label, codename in ADMIN_PERMISSIONS:
        admin_user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    fail(client, officer.username, LIMIT)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert attempts

    admin_client = type(client)()
    admin_client.force_login(admin_user)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and officer.username in listing.content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    # The history of failures stays.
    assert AccessFailureLog.objects.filter(username=officer.username).count() == LIMIT

    assert sign_in(client, officer.username, PASSWORD).status_code == 302


def test_signing_in_with_the_test_clients_force_login_is_not_counted(client):
    # The rest of the suite signs in with force_login, which never authenticates.
    for _ in range(LIMIT + 1):
        client.force_login(UserFactory())
    assert not AccessAttempt.objects.exists()


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw():
    request = RequestFactory().post(
        SIGN_IN, REMOTE_ADDR="10.1.1.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.20",
    )
    # The left of the header is whatever the client wrote; the right is the proxy's.
    assert client_ip(request) == "198.51.100.20"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    request = RequestFactory().post(
        SIGN_IN, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert client_ip(request) == "10.1.1.1"
