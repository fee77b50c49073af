"""Django set up for the benchmark scripts that run in one process (not benchmarks/pages.py,
which starts servers): the app's settings, a throwaway secret, the test client's host, plain
HTTP; each can still be overridden from the environment."""

from __future__ import annotations

import os
import warnings


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucp.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # Plain HTTP from the test client: no redirect to HTTPS.
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # WhiteNoise warns that collectstatic has not run: irrelevant to the timing.
    warnings.filterwarnings("ignore", message="No directory at")
    import django  # noqa: PLC0415 - after the environment above, which settings read

    django.setup()
