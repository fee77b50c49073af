"""The headers every response carries: a Content Security Policy with nothing inline but what
it allows by hash, `Cache-Control: no-store`, `Permissions-Policy`; and production's HTTPS
(HSTS, the redirect, a health check that is not redirected), proved by `check --deploy`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from ucp import csp
from ucp.middleware import PrivateResponseHeadersMiddleware

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive -> sources."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_private(response) -> None:
    assert "no-store" in response["Cache-Control"]
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_a_page_allows_no_inline_script_or_style(login, officer):
    response = login(officer).get(reverse("home"))
    rules = policy(response)
    assert rules["default-src"] == ["'self'"]
    assert rules["script-src"] == ["'self'", csp.JS_ENABLED_SCRIPT_HASH]
    assert rules["style-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["base-uri"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_one_inline_script_on_a_page_is_the_one_the_policy_allows(login, officer):
    response = login(officer).get(reverse("home"))
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>",
                        response.content.decode(), re.DOTALL)
    assert inline == [csp.JS_ENABLED_SCRIPT]
    assert csp.source_hash(inline[0]) in policy(response)["script-src"]


def test_a_page_is_never_stored_and_asks_for_no_powerful_feature(login, officer, customer):
    assert_private(login(officer).get(customer.get_absolute_url()))


@pytest.mark.parametrize("path", ["/sign-in/", "/no-such-page/", "/healthz"])
def test_pages_without_sign_in_are_not_stored_either(client, path):
    response = client.get(path)
    assert_private(response)
    assert "Content-Security-Policy" in response


def test_an_api_answer_is_never_stored(client, officer, customer):
    token, _ = Token.objects.get_or_create(user=officer)
    response = client.get(
        reverse("api:customer_restrictions", args=[customer.reference]),
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 200
    assert_private(response)
    assert policy(response)["default-src"] == ["'self'"]


@pytest.mark.parametrize("set_by_view, sent", [
    (None, "no-store"),
    ("max-age=3600, public", "no-store"),  # a view cannot make personal data cacheable
    ("private, no-store", "private, no-store"),  # one that already says no-store keeps it
])
def test_every_response_django_makes_is_no_store(rf, set_by_view, sent):
    def view(request):
        response = HttpResponse("personal data")
        if set_by_view:
            response["Cache-Control"] = set_by_view
        return response

    response = PrivateResponseHeadersMiddleware(view)(rf.get("/"))
    assert response["Cache-Control"] == sent


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_own_caching():
    # WhiteNoise answers static files before the private-response headers are added.
    response = Client().get("/static/ucp/ucp.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


# --- inline allowances by hash (ucp/csp.py) ---------------------------------------------------


def test_inline_style_hashes_are_of_each_style_blocks_exact_text():
    html = "<style>a{}</style><p>x</p><STYLE media='print'>\nb{}\n</STYLE><style>a{}</style>"
    assert csp.inline_style_hashes(html) == [csp.source_hash("a{}"), csp.source_hash("\nb{}\n")]
    assert csp.source_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_allowing_a_documents_styles_adds_to_that_response_only(login, officer):
    client = login(officer)
    response = client.get(reverse("home"))
    allowed = csp.allow_inline_styles(response, "<style>p{}</style>")
    assert allowed._csp_update == {"style-src": [csp.source_hash("p{}")]}
    assert policy(client.get(reverse("home")))["style-src"] == ["'self'"]


# --- production: HTTPS only --------------------------------------------------------------------


def production_env(**extra: str) -> dict[str, str]:
    """An environment with production settings: no DEBUG or DEMO, a long random key."""
    # Only what an interpreter needs: nothing the test run set (DJANGO_ALLOW_ASYNC_UNSAFE by
    # the browser tests, say) may leak into what production would see.
    env = {k: v for k, v in os.environ.items()
           if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}}
    env.update({
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "ucp.council.example,testserver",
        "DATABASE_URL": "sqlite:////tmp/ucp-check-deploy.sqlite3",
        **extra,
    })
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


# Under production settings, in a clean interpreter: what a plain-HTTP request gets, and one
# the TLS proxy passed on. (JSON answers: production's pages need collectstatic's manifest.)
PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
      settings.SECURE_SSL_REDIRECT)
plain = c.get("/session/")
print(plain.status_code, plain.get("Location"))
print(c.get("/healthz").status_code)
https = c.get("/session/", headers={"X-Forwarded-Proto": "https"})
print(https.status_code, https.get("Strict-Transport-Security"))
"""


def probe(**extra: str) -> list[str]:
    env = production_env(DJANGO_SETTINGS_MODULE="ucp.settings", **extra)
    result = run(["-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


def test_production_redirects_to_https_with_hsts_but_not_the_health_check():
    settings_line, plain, health, https = probe()
    assert settings_line == "31536000 True True"
    assert plain == "301 https://testserver/session/"
    # A probe from inside the network over plain HTTP gets its answer, not a redirect.
    assert health == "200"
    assert https == "200 max-age=31536000; includeSubDomains"


def test_a_proxy_that_redirects_itself_can_turn_the_redirect_off():
    settings_line, plain, _health, https = probe(
        SECURE_SSL_REDIRECT="0", SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_SECONDS="600",
    )
    assert settings_line == "600 False False"
    assert plain == "200 None"
    assert https == "200 max-age=600"
