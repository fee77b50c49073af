"""The OpenID Connect provider's backend (mozilla-django-oidc's code flow, with this
system's matching and mapping). Reached as `sso.backends.OIDCBackend` (its module's
`__getattr__`), so that the library and the HTTP and JWT libraries it imports load only
where single sign-on is used."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.scope import load_user
from sso.config import provider_setting
from sso.services import SignInRefused, sign_in_with_claims


def _endpoint(name: str):
    return property(lambda self: provider_setting(name))


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with this system's matching and mapping.

    Settings are read when used, not when the backend is made (the library reads them in
    `__init__`, which would fail wherever single sign-on is off).
    """

    OIDC_OP_TOKEN_ENDPOINT = _endpoint("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _endpoint("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs) -> None:
        self.UserModel = get_user_model()

    get_settings = staticmethod(provider_setting)

    def get_user(self, user_id):
        # The library's, with the staff profile in the same query (accounts.scope).
        return load_user(user_id)

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802 (the library's name)
        return provider_setting("OIDC_OP_USER_ENDPOINT", "")

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password form's request is never taken
        # for a provider's answer, whatever its query string holds.
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict:
        """The ID token's claims over the userinfo endpoint's (when there is one).

        Entra ID puts the `groups` and `roles` claims in the ID token only; its userinfo
        endpoint (Microsoft Graph) gives names and email. The ID token is signed and has
        been verified, so it wins where both speak.
        """
        claims: dict[str, Any] = {}
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core 5.3.2: a userinfo answer for someone else is not used.
            if str(info.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo is for another subject")
            claims.update(info)
        claims.update(payload)
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]):
        # The library does not check the ID token's issuer or audience: a token the provider
        # made for another application, or another tenant's, is not ours to accept.
        issuer = str(payload.get("iss") or "")
        if settings.OIDC_OP_ISSUER and issuer.rstrip("/") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation(f"ID token from another issuer: {issuer!r}")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(f"ID token for another audience: {audience!r}")
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            try:
                return sign_in_with_claims(claims=claims, issuer=issuer)
            except IntegrityError:
                # Two first sign-ins of one person at once (two tabs): the other made the
                # account a moment ago; this one now finds it.
                return sign_in_with_claims(claims=claims, issuer=issuer)
        except SignInRefused as refusal:
            # The callback view shows the person why (`login_failure`).
            self.request.sso_refusal = refusal
            return None
