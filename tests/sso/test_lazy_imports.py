"""A worker that serves pages does not load what only single sign-on needs.

mozilla-django-oidc's backend imports PyJWT (with OpenSSL's bindings for it): about 9 MB in
every gunicorn worker that had it at start-up (requests comes anyway, with Django REST
framework's optional imports). They load when someone signs in through the provider (the
callback view, and `sso.backends.OIDCBackend` handing the answer to `sso.oidc`), not when a
worker signs someone in with a password (Django makes every listed backend for that), nor
when a session made by the provider comes back.
Run in a fresh interpreter: the test process itself has imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import django
django.setup()
from django.contrib.auth import load_backend
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

get_wsgi_application()
get_resolver().url_patterns  # every view module, as the first request loads them
load_backend("sso.backends.LocalPasswordBackend")  # a password session's backend
served = {m: m in sys.modules for m in ("jwt", "mozilla_django_oidc.auth")}
from django.contrib.auth import get_backends
get_backends()  # what authenticate() makes for a password sign-in: every listed backend
backend = load_backend("sso.backends.OIDCBackend")
refused = backend.authenticate(None, username="someone", password="a password")
print(json.dumps({"served": served, "oidc": type(backend).__module__, "refused": refused,
                  "after": "mozilla_django_oidc.auth" in sys.modules}))
"""


def test_page_workers_do_not_load_the_single_sign_on_libraries():
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DJANGO_SETTINGS_MODULE="ucp.settings", DEBUG="1", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert found["served"] == {"jwt": False, "mozilla_django_oidc.auth": False}
    # The name stays; the library loads only for a provider's answer (test_sign_in.py).
    assert found["oidc"] == "sso.backends" and found["refused"] is None
    assert found["after"] is False
