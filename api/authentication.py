"""DRF's token authentication, loading the user's staff profile with the token."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ScopedTokenAuthentication(TokenAuthentication):
    """One query for the token, its user and their staff profile, as a signed-in page's
    user is loaded (`accounts.scope`); the roles and directorates then come from the
    cache under the profile's access stamp."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__staff_profile").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
