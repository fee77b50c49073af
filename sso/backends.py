"""The two ways in: a password (the embedded demo; once single sign-on is on, the named
break-glass accounts only) and the OpenID Connect provider.

Both are always in AUTHENTICATION_BACKENDS and ask `settings.OIDC_ENABLED` when used, so the
rule holds for every form that calls `authenticate()` (the sign-in page, the admin's own
sign-in page, anything added later), not only for the page that shows the message.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.scope import load_user

logger = logging.getLogger(__name__)


def is_break_glass(username: str | None) -> bool:
    """Whether `username` is one of the named break-glass accounts (`BREAK_GLASS_ACCOUNTS`)."""
    return bool(username) and username in settings.BREAK_GLASS_ACCOUNTS


def passwords_allowed_for(username: str | None) -> bool:
    return not settings.OIDC_ENABLED or is_break_glass(username)


class StaffBackend(ModelBackend):
    """ModelBackend whose signed-in user comes with the staff profile."""

    def get_user(self, user_id):
        # With the staff profile, in the one query every signed-in request makes.
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class LocalPasswordBackend(StaffBackend):
    """Django's username and password, refused to everyone but the break-glass accounts
    once single sign-on is configured."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not passwords_allowed_for(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class OIDCBackend(StaffBackend):
    """Single sign-on's backend as AUTHENTICATION_BACKENDS and the sessions signed in through
    the provider name it: a stand-in that answers here what it can and hands the provider's
    answer to `sso.oidc.OIDCBackend` (mozilla-django-oidc's code flow), imported then.

    Django's `authenticate()` makes every listed backend, so a real subclass here would load
    the library, with the HTTP and JWT libraries it brings (about 9 MB), into every worker
    that signs anyone in with a password. Permissions are ModelBackend's, as the library's
    backend (a ModelBackend) had them; the user comes with the staff profile (StaffBackend).
    """

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password form's request is never taken
        # for a provider's answer, whatever its query string holds.
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        from sso.oidc import OIDCBackend as CodeFlow  # noqa: PLC0415 - see the docstring

        return CodeFlow().authenticate(request, **kwargs)
