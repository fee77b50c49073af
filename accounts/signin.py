"""Sign-in that resists guessing: what django-axes asks of the project (settings.py, "Sign-in
lockout"): the client's address, and the page a locked-out person sees."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

# Too Many Requests: the request was refused for its rate, not for who made it.
LOCKED_OUT = 429


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in came from, for per-address lockout.

    Behind `TRUSTED_PROXIES` reverse proxies, the address the outermost trusted one saw
    (counted from the right of X-Forwarded-For, since a client can put anything on the
    left); otherwise the connection's own address."""
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The GOV.UK page for a sign-in refused because of too many failed attempts."""
    response = TemplateResponse(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": settings.AXES_COOLOFF_MINUTES},
        status=LOCKED_OUT,
    )
    return response.render()
