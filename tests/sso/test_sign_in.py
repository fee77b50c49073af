"""Signing in through a real OpenID Connect provider on 127.0.0.1 (tests/sso/oidc.py): the
groups in its tokens give the roles and directorates, through the mapping table, at every
sign-in, and each change is recorded."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.models import AccessChange
from accounts.roles import Role, roles_of
from sso.models import SsoIdentity
from tests.sso.conftest import (
    ADMINISTRATORS,
    ADULTS_OFFICERS,
    ADULTS_SENIORS,
    CHILDREN_OFFICERS,
    UNMAPPED,
)
from tests.sso.oidc import sign_in_at_provider

User = get_user_model()
pytestmark = pytest.mark.django_db

PASSWORD = "provider-password-for-jane"


def _changes(user) -> set[tuple[str, str, str]]:
    return set(
        AccessChange.objects.filter(subject=user).values_list("action", "kind", "value")
    )


def _signed_in_user(client):
    return User.objects.get(pk=client.session["_auth_user_id"])


def test_a_first_sign_in_creates_the_account_with_the_roles_and_directorates_of_its_groups(
    client, oidc_provider, mapping, adults
):
    oidc_provider.add_account("jane", password=PASSWORD, groups=[ADULTS_OFFICERS, UNMAPPED])

    response = sign_in_at_provider(client, "jane", PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/"
    user = _signed_in_user(client)
    assert user.username == "jane@council.example"
    assert (user.first_name, user.email) == ("Jane", "jane@council.example")
    assert not user.has_usable_password()
    assert roles_of(user) == {Role.OFFICER}
    assert list(user.staff_profile.directorates.all()) == [adults]
    identity = SsoIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (oidc_provider.issuer, "jane")
    assert identity.claim_values == sorted([ADULTS_OFFICERS, UNMAPPED])
    # Recorded as single sign-on's doing, by no person.
    assert _changes(user) == {
        ("granted", "role", Role.OFFICER), ("granted", "directorate", "Adults"),
    }
    assert set(AccessChange.objects.filter(subject=user).values_list("source", "actor")) == {
        (AccessChange.Source.SSO, None)
    }
    # And the officer's home page is the casework one.
    assert client.get("/").context["can_see_customers"] is True


def test_the_next_sign_in_applies_changed_groups_and_records_each_change(
    client, oidc_provider, mapping, adults, children
):
    oidc_provider.add_account("jane", password=PASSWORD, groups=[ADULTS_OFFICERS])
    sign_in_at_provider(client, "jane", PASSWORD)
    user = _signed_in_user(client)
    client.logout()
    before = set(AccessChange.objects.filter(subject=user).values_list("pk", flat=True))

    oidc_provider.set_groups("jane", [ADULTS_SENIORS, CHILDREN_OFFICERS])
    response = sign_in_at_provider(client, "jane", PASSWORD)

    assert response.status_code == 302
    assert _signed_in_user(client) == user  # the same account, matched on the subject
    assert roles_of(User.objects.get(pk=user.pk)) == {Role.SENIOR_MANAGER, Role.OFFICER}
    assert set(user.staff_profile.directorates.all()) == {adults, children}
    new = AccessChange.objects.filter(subject=user).exclude(pk__in=before)
    assert set(new.values_list("action", "kind", "value")) == {
        ("granted", "role", Role.SENIOR_MANAGER),
        ("granted", "directorate", "Children"),
    }
    assert User.objects.count() == 1


def test_someone_with_no_mapped_group_is_refused_and_gets_no_account(
    client, oidc_provider, mapping
):
    oidc_provider.add_account("visitor", password=PASSWORD, groups=[UNMAPPED])

    response = sign_in_at_provider(client, "visitor", PASSWORD)

    assert response.status_code == 403
    assert "Your account has no role in this system" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert not SsoIdentity.objects.exists()


def test_a_leaver_whose_groups_were_removed_loses_their_roles_and_is_refused(
    client, oidc_provider, mapping
):
    oidc_provider.add_account("jane", password=PASSWORD, groups=[ADULTS_OFFICERS])
    sign_in_at_provider(client, "jane", PASSWORD)
    user = _signed_in_user(client)
    client.logout()

    oidc_provider.set_groups("jane", [])
    response = sign_in_at_provider(client, "jane", PASSWORD)

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    user = User.objects.get(pk=user.pk)
    assert roles_of(user) == frozenset()
    assert not user.staff_profile.directorates.exists()
    assert {("removed", "role", Role.OFFICER), ("removed", "directorate", "Adults")} <= _changes(
        user
    )


def test_groups_giving_administrator_and_a_casework_role_are_refused_and_change_nothing(
    client, oidc_provider, mapping
):
    oidc_provider.add_account("jane", password=PASSWORD, groups=[ADULTS_OFFICERS])
    sign_in_at_provider(client, "jane", PASSWORD)
    user = _signed_in_user(client)
    client.logout()
    recorded = AccessChange.objects.count()

    oidc_provider.set_groups("jane", [ADULTS_OFFICERS, ADMINISTRATORS])
    response = sign_in_at_provider(client, "jane", PASSWORD)

    assert response.status_code == 403
    assert "conflicting roles" in response.content.decode()
    assert "_auth_user_id" not in client.session
    user = User.objects.get(pk=user.pk)
    assert roles_of(user) == {Role.OFFICER} and not user.is_staff
    assert AccessChange.objects.count() == recorded


def test_a_first_sign_in_with_administrator_and_casework_groups_creates_no_account(
    client, oidc_provider, mapping
):
    oidc_provider.add_account("jane", password=PASSWORD, groups=[ADULTS_SENIORS, ADMINISTRATORS])

    response = sign_in_at_provider(client, "jane", PASSWORD)

    assert response.status_code == 403
    assert not User.objects.exists()


def test_the_administrator_group_gives_the_admin_site_and_taking_it_away_takes_it(
    client, oidc_provider, mapping
):
    oidc_provider.add_account("raj", password=PASSWORD, groups=[ADMINISTRATORS])
    sign_in_at_provider(client, "raj", PASSWORD)
    user = _signed_in_user(client)
    assert user.is_staff and roles_of(user) == {Role.ADMINISTRATOR}
    assert client.get("/admin/sso/claimmapping/").status_code == 200
    assert ("granted", "staff", "") in _changes(user)
    client.logout()

    oidc_provider.set_groups("raj", [ADULTS_OFFICERS])
    sign_in_at_provider(client, "raj", PASSWORD)

    user = User.objects.get(pk=user.pk)
    assert not user.is_staff and roles_of(user) == {Role.OFFICER}
    assert not user.user_permissions.exists()
    assert ("removed", "staff", "") in _changes(user)
    assert client.get("/admin/sso/claimmapping/").status_code == 302  # to the admin's sign-in


def test_an_officer_whose_groups_now_make_them_an_administrator_loses_casework_first(
    client, oidc_provider, mapping
):
    # Separation of duties holds at every step (accounts.signals): the Officer role goes
    # before the admin site is given, so the change is made, not refused half-way.
    oidc_provider.add_account("tess", password=PASSWORD, groups=[ADULTS_OFFICERS])
    sign_in_at_provider(client, "tess", PASSWORD)
    user = _signed_in_user(client)
    client.logout()

    oidc_provider.set_groups("tess", [ADMINISTRATORS])
    sign_in_at_provider(client, "tess", PASSWORD)

    user = User.objects.get(pk=user.pk)
    assert user.is_staff and roles_of(user) == {Role.ADMINISTRATOR}
    assert {("removed", "role", "officer"), ("granted", "staff", "")} <= _changes(user)


def test_an_address_locked_out_for_wrong_passwords_still_signs_in_through_the_provider(
    client, oidc_provider, mapping, settings
):
    # Wrong passwords for several break-glass accounts from one address (a council office
    # behind one proxy) lock the address for passwords, not for single sign-on.
    settings.BREAK_GLASS_ACCOUNTS = [f"someone{n}" for n in range(10)]
    for n in range(6):
        client.post("/sign-in/", {"username": f"someone{n}", "password": "not-this-one"})
    locked = client.post("/sign-in/", {"username": "someone9", "password": "not-this-one"})
    assert locked.status_code == 429
    oidc_provider.add_account("una", password=PASSWORD, groups=[ADULTS_OFFICERS])
    sign_in_at_provider(client, "una", PASSWORD)
    assert _signed_in_user(client).username.startswith("una")


def test_a_person_is_matched_on_the_subject_not_on_their_email(
    client, oidc_provider, mapping, officer
):
    # A local account already has the address the provider sends: it is not taken over.
    oidc_provider.add_account(
        "someone", password=PASSWORD, groups=[ADULTS_OFFICERS], email=officer.email,
        preferred_username=officer.username,
    )

    sign_in_at_provider(client, "someone", PASSWORD)

    user = _signed_in_user(client)
    assert user != officer
    assert user.username == f"{officer.username}-2"


def test_the_sign_in_goes_back_to_the_page_asked_for(client, oidc_provider, mapping):
    oidc_provider.add_account("jane", password=PASSWORD, groups=[ADULTS_OFFICERS])

    response = sign_in_at_provider(client, "jane", PASSWORD, next_url="/customers/")

    assert response["Location"] == "/customers/"


def test_a_replayed_callback_is_a_clear_400_not_a_server_error(client, oidc_provider, mapping):
    oidc_provider.add_account("jane", password=PASSWORD, groups=[ADULTS_OFFICERS])
    response = sign_in_at_provider(client, "jane", PASSWORD)
    assert response.status_code == 302
    client.logout()

    forged = client.get("/oidc/callback/?code=made-up&state=not-ours")

    assert forged.status_code == 400
    assert "Sign-in did not complete" in forged.content.decode()


def test_cancelling_at_the_provider_says_so(client, oidc_provider):
    response = client.get("/oidc/callback/?error=access_denied&state=x")

    assert response.status_code == 403
    assert "You are not signed in" in response.content.decode()


def test_a_provider_that_does_not_answer_is_a_502_page(client, oidc_provider, settings):
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"  # discard: nothing listens

    response = client.get("/oidc/authenticate/")

    assert response.status_code == 502
    assert "not answering" in response.content.decode()


def test_signing_out_of_a_provider_session_signs_out_at_the_provider(
    client, oidc_provider, mapping
):
    oidc_provider.add_account("jane", password=PASSWORD, groups=[ADULTS_OFFICERS])
    sign_in_at_provider(client, "jane", PASSWORD)

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{oidc_provider.issuer}/")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Fsign-in%2F" in response["Location"]
    assert "_auth_user_id" not in client.session
