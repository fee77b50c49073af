from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators

from sso.backends import passwords_allowed_for


class BoundedCredentials:
    """Every password form's limits. Django's sign-in form tells the browser the username's
    limit but does not check it, so a long one reached authenticate() and django-axes'
    255-character column: a server error. A password past 1,024 characters is no one's: it
    is refused before it is hashed."""

    PASSWORD_MAX_LENGTH = 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(validators.MaxLengthValidator(limit))
        self.fields["password"].validators.append(
            validators.MaxLengthValidator(self.PASSWORD_MAX_LENGTH)
        )


class AdminSignInForm(BoundedCredentials, AdminAuthenticationForm):
    """The admin's own sign-in page (`admin.site.login_form`), with the same limits."""


class SignInForm(BoundedCredentials, AuthenticationForm):
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
