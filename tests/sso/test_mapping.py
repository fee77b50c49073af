"""The mapping table and the claims it reads, without a provider."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from django.core.exceptions import ValidationError

from accounts.roles import Role
from sso import config
from sso.models import ClaimMapping, SsoIdentity
from sso.selectors import access_for
from sso.services import Refusal, SignInRefused, claim_values, sign_in_with_claims
from tests.sso.conftest import ADULTS_OFFICERS, ADULTS_SENIORS, CHILDREN_OFFICERS

pytestmark = pytest.mark.django_db


def test_a_person_gets_the_union_of_what_their_groups_give(mapping, adults, children):
    ClaimMapping.objects.create(claim_value="leads", role=Role.DIRECTORATE_LEAD,
                                council_wide=True)

    access = access_for([ADULTS_SENIORS, CHILDREN_OFFICERS, "leads", "unknown"])

    assert access.roles == {Role.SENIOR_MANAGER, Role.OFFICER, Role.DIRECTORATE_LEAD}
    assert access.directorates == (adults, children)
    assert access.council_wide is True


def test_a_mapping_that_gives_nothing_is_refused():
    with pytest.raises(ValidationError, match="Choose what this value gives"):
        ClaimMapping(claim_value="g1").full_clean()


@pytest.mark.parametrize(
    ("raw", "values"),
    [
        (["b", "a", "a", " "], ["a", "b"]),
        ("a b,c", ["a", "b", "c"]),  # some providers send one string
        (None, []),
        (42, []),
    ],
)
def test_the_group_claim_is_read_as_a_set_of_strings(settings, raw, values):
    settings.OIDC_GROUPS_CLAIM = "groups"
    assert claim_values({"groups": raw} if raw is not None else {}) == values


def test_entra_group_overage_is_refused_not_read_as_no_groups(settings):
    # Over Entra's limit the token carries a pointer to Microsoft Graph instead of groups.
    settings.OIDC_GROUPS_CLAIM = "groups"
    claims = {"sub": "x", "_claim_names": {"groups": "src1"}, "_claim_sources": {}}

    with pytest.raises(SignInRefused) as refused:
        claim_values(claims)

    assert refused.value.reason == Refusal.TOO_MANY_GROUPS


def test_the_roles_claim_can_be_the_one_mapped(settings, mapping, adults):
    settings.OIDC_GROUPS_CLAIM = "roles"
    settings.OIDC_SUBJECT_CLAIM = "oid"
    ClaimMapping.objects.create(claim_value="UCP.Officer", role=Role.OFFICER, directorate=adults)

    user = sign_in_with_claims(
        claims={"oid": "0000-1111", "sub": "pairwise", "roles": ["UCP.Officer"],
                "groups": [ADULTS_SENIORS]},
        issuer="https://login.example/tenant/v2.0",
    )

    assert SsoIdentity.objects.get(user=user).subject == "0000-1111"
    assert set(user.groups.values_list("name", flat=True)) == {"Officer"}


def test_claims_without_the_subject_claim_are_refused(settings, mapping):
    settings.OIDC_SUBJECT_CLAIM = "oid"
    with pytest.raises(SignInRefused) as refused:
        sign_in_with_claims(claims={"sub": "x", "groups": [ADULTS_OFFICERS]}, issuer="i")
    assert refused.value.reason == Refusal.NO_SUBJECT


def test_a_switched_off_account_is_not_switched_back_on_by_signing_in(mapping):
    claims = {"sub": "s1", "groups": [ADULTS_OFFICERS]}
    user = sign_in_with_claims(claims=claims, issuer="i")
    user.is_active = False
    user.save()

    with pytest.raises(SignInRefused) as refused:
        sign_in_with_claims(claims=claims, issuer="i")

    assert refused.value.reason == Refusal.INACTIVE


def test_discovery_is_fetched_once_and_cached(settings, monkeypatch):
    config.forget_discovery()
    settings.OIDC_OP_ISSUER = "https://login.example/t/v2.0"
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://explicit.example/authorize"
    calls = []

    class Answer:
        def raise_for_status(self):
            pass

        def json(self):
            return {"issuer": "https://login.example/t/v2.0",
                    "token_endpoint": "https://login.example/t/token",
                    "authorization_endpoint": "https://login.example/t/authorize"}

    monkeypatch.setattr(requests, "get", lambda url, **kw: calls.append(url) or Answer())

    assert config.provider_setting("OIDC_OP_TOKEN_ENDPOINT") == "https://login.example/t/token"
    assert config.provider_setting("OIDC_OP_TOKEN_ENDPOINT") == "https://login.example/t/token"
    # A setting that is given wins over the document.
    assert config.provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT") == (
        "https://explicit.example/authorize"
    )
    assert calls == ["https://login.example/t/v2.0/.well-known/openid-configuration"]
    config.forget_discovery()


def test_a_discovery_document_for_another_issuer_is_not_used(settings, monkeypatch):
    config.forget_discovery()
    settings.OIDC_OP_ISSUER = "https://login.example/ours"

    class Answer:
        def raise_for_status(self):
            pass

        def json(self):
            return {"issuer": "https://evil.example/", "token_endpoint": "https://evil/t"}

    monkeypatch.setattr(requests, "get", lambda url, **kw: Answer())
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    with pytest.raises(config.ProviderUnavailable):
        config.provider_setting("OIDC_OP_TOKEN_ENDPOINT")
    config.forget_discovery()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OIDC_RP_CLIENT_ID": "c"}, "OIDC_RP_CLIENT_SECRET"),
        ({"OIDC_RP_CLIENT_ID": "c", "OIDC_RP_CLIENT_SECRET": "s"}, "OIDC_OP_ISSUER"),
    ],
)
def test_half_configured_single_sign_on_stops_the_app_at_start(env, message):
    result = subprocess.run(
        [sys.executable, "-c", "import ucp.settings"],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env},
        capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr
