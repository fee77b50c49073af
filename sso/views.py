"""Sign-in pages: the sign-in page itself, and the two ends of the provider's round trip.

The round trip is mozilla-django-oidc's views, changed in three ways: settings are read when
a request comes (so the views exist with single sign-on off, and answer 404 then); a
refusal or a failure is a page saying what happened and what to do, with a 4xx (or 502 when
the provider does not answer), never a redirect to nowhere or a 500; and sign-out also
signs out at the provider when the session came from it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from sso.config import ProviderUnavailable, provider_setting
from sso.forms import SignInForm
from sso.services import Refusal

logger = logging.getLogger(__name__)

# What to do about each refusal, said to the person refused.
REFUSAL_ADVICE = {
    Refusal.NO_ROLE: (
        "You signed in, but none of your groups gives you a role in the {service} case "
        "system. Ask your manager to ask the system's administrator (or the IT service desk) "
        "to add you to the right group. Nothing has been set up for you here."
    ),
    Refusal.ADMIN_AND_CASEWORK: (
        "Your groups give you both the Administrator role and a casework role. An account "
        "that administers the system may not work on cases, so you have not been signed in. "
        "Ask the IT service desk to take you out of one of the groups."
    ),
    Refusal.TOO_MANY_GROUPS: (
        "You are in more groups than the sign-in service sends, so this system cannot tell "
        "which are yours. Ask the IT service desk to send only the groups assigned to this "
        "application, or app roles (see README, \u201cSingle sign-on\u201d)."
    ),
    Refusal.NO_SUBJECT: (
        "The sign-in service did not say who you are. Ask the IT service desk to check the "
        "application's set-up."
    ),
    Refusal.INACTIVE: (
        "Your account in this system has been switched off. Ask the system's administrator."
    ),
}


def problem(request: HttpRequest, *, title: str, text: str, status: int) -> HttpResponse:
    return render(
        request, "sso/problem.html", {"title": title, "text": text}, status=status
    )


class SignInView(LoginView):
    """`/sign-in/`: the button for the provider when single sign-on is on, and the password
    form (break-glass accounts only, then)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.OIDC_ENABLED:
            url = reverse("oidc_authentication_init")
            next_url = context.get(self.redirect_field_name)
            context["sso_url"] = f"{url}?{urlencode({'next': next_url})}" if next_url else url
            context["sso_provider_name"] = settings.OIDC_PROVIDER_NAME
        return context


class StartSignInView(OIDCAuthenticationRequestView):
    """`/oidc/authenticate/`: off to the provider, with state, nonce and PKCE."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, **kwargs) -> None:
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            logger.exception("single sign-on: the provider's discovery document")
            return unavailable(request)
        return super().get(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        title=f"{settings.OIDC_PROVIDER_NAME} sign-in is not answering",
        text="The sign-in service did not answer. Try again in a few minutes; if it goes on, "
        "tell the IT service desk.",
        status=502,
    )


class CallbackView(OIDCAuthenticationCallbackView):
    """`/oidc/callback/`: the provider's answer."""

    get_settings = staticmethod(provider_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        # Here, not at the top: the HTTP and JWT libraries (with OpenSSL's bindings, about
        # 35 MB a worker) load in a worker when someone signs in with single sign-on, not in
        # every worker that only serves pages (tests/sso/test_lazy_imports.py).
        import jwt
        import requests

        try:
            return super().get(request)
        except ProviderUnavailable:
            logger.exception("single sign-on: the provider's discovery document")
            return unavailable(request)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 502
            logger.warning("single sign-on: the provider refused the code: %s", exc)
            if status >= 500:
                return unavailable(request)
            return self.did_not_complete(status=400)
        except requests.RequestException:
            logger.exception("single sign-on: the provider did not answer")
            return unavailable(request)
        except (SuspiciousOperation, jwt.InvalidTokenError) as exc:
            # A replayed or forged answer, or a token that does not verify.
            logger.warning("single sign-on: answer refused: %s", exc)
            return self.did_not_complete(status=400)

    def did_not_complete(self, *, status: int) -> HttpResponse:
        return problem(
            self.request,
            title="Sign-in did not complete",
            text="Signing in did not finish, or took too long. Sign in again.",
            status=status,
        )

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "sso_refusal", None)
        if refusal is not None:
            return problem(
                self.request,
                title=refusal.reason.label,
                text=REFUSAL_ADVICE[refusal.reason].format(service=settings.SERVICE_NAME),
                status=403,
            )
        if self.request.GET.get("error"):
            # The person cancelled at the provider, or it refused them.
            logger.info("single sign-on: provider error %s", self.request.GET.get("error"))
            return problem(
                self.request,
                title="You are not signed in",
                text=f"{settings.OIDC_PROVIDER_NAME} did not sign you in "
                f"({self.request.GET.get('error')[:100]}). Sign in again.",
                status=403,
            )
        return self.did_not_complete(status=400)


class SignOutView(LogoutView):
    """`/sign-out/`: out of this system and, for a session that came from the provider, out
    of the provider too (its end-session endpoint, which sends the person back here)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if not (id_token and settings.OIDC_ENABLED and isinstance(response, HttpResponseRedirect)):
            return response
        try:
            endpoint = provider_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
        except ProviderUnavailable:
            return response
        if not endpoint:
            return response
        query = urlencode({
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(response.url),
        })
        return HttpResponseRedirect(f"{endpoint}?{query}")
