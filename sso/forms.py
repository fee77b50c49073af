from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from sso.backends import passwords_allowed_for


class SignInForm(AuthenticationForm):
    """The password form. Once single sign-on is on, only a break-glass account may use it;
    everyone else is told where to sign in (the backend refuses them whatever the form)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and not passwords_allowed_for(username):
            raise forms.ValidationError(
                "Sign in with your council account: use the \u201cSign in with %(provider)s\u201d "
                "button. Passwords are only for the named break-glass accounts.",
                code="use_single_sign_on",
                params={"provider": settings.OIDC_PROVIDER_NAME},
            )
        return super().clean()
