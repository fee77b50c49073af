"""Response headers every page and API answer carries (static files are served by WhiteNoise
before this middleware is reached, and keep their long caching)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class PrivateResponseHeadersMiddleware:
    """`Cache-Control: no-store` and `Permissions-Policy` on every response Django makes.

    Any page, download or API answer may hold personal data, so none may be kept by the
    browser's cache (the back button on a shared PC after signing out) or a proxy: the
    simplest rule that is safe is every response, not a list of the ones that do. A view
    that already says `no-store` (with `private`, say) keeps its own wording.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
