"""The provider's endpoints and the client's settings, as mozilla-django-oidc asks for them.

mozilla-django-oidc reads each endpoint from a setting. Here an empty endpoint setting is
filled from the issuer's discovery document (`OIDC_OP_ISSUER` +
`/.well-known/openid-configuration`), fetched the first time an endpoint is needed (never
at import, so the app starts while the provider is down) and kept for an hour.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from mozilla_django_oidc.utils import import_from_settings

# Setting -> the discovery document's field for it.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
CACHE_SECONDS = 3600

_documents: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be had (down, slow, or not a provider)."""


def discovery_document(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, from the cache when it is fresh."""
    with _lock:
        cached = _documents.get(issuer)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    import requests  # only when single sign-on asks (see sso.views.CallbackView.get)

    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {exc}") from exc
    # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer asked.
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer.rstrip(
        "/"
    ):
        raise ProviderUnavailable(f"{url} names another issuer: {document.get('issuer')!r}")
    with _lock:
        _documents[issuer] = (time.monotonic(), document)
    return document


def provider_setting(attr: str, *default: Any) -> Any:
    """`attr` from the settings; for an endpoint left empty, from the discovery document.

    Called as mozilla-django-oidc's `get_settings(attr, *default)`: with no default, a
    setting that cannot be found raises ImproperlyConfigured, as the library's own does.
    """
    value = getattr(settings, attr, "")
    if attr in DISCOVERED:
        if value:
            return value
        if settings.OIDC_OP_ISSUER:
            found = discovery_document(settings.OIDC_OP_ISSUER).get(DISCOVERED[attr])
            if found:
                return found
        if default:
            return default[0]
        raise ImproperlyConfigured(
            f"{attr} is empty and OIDC_OP_ISSUER's discovery document does not give it."
        )
    return import_from_settings(attr, *default)


def forget_discovery() -> None:
    """Empty the cache (tests; a provider that moved its endpoints)."""
    with _lock:
        _documents.clear()
