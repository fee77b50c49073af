"""DRF's token authentication, loading the user's staff profile with the token."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ucp.compiled_sql import CompiledSQL

# The token's statement, compiled once (ucp.compiled_sql) with a stand-in for the key: a
# token's key is 40 hexadecimal digits, never this.
_KEY = "\u2063token\u2063"
_COMPILED = CompiledSQL(4)


class ScopedTokenAuthentication(TokenAuthentication):
    """One query for the token, its user and their staff profile, as a signed-in page's
    user is loaded (`accounts.scope`); the roles and directorates then come from the
    cache under the profile's access stamp."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        token = _COMPILED.first(
            ("token", model._meta.label),
            lambda: model.objects.select_related("user__staff_profile").filter(key=_KEY),
            bind={_KEY: key},
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
