"""What a web worker imports for the API: not the extras Django REST framework only uses for
features this project leaves off (`api.apps.DRF_EXTRAS_UNUSED`)."""

from __future__ import annotations

from tests.fresh_process import run

# A fresh process as a web worker starts: the settings, the apps, the URL configuration.
WORKER = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import rest_framework.compat as compat
from api.apps import DRF_EXTRAS_UNUSED
print(sorted(name for name in DRF_EXTRAS_UNUSED if name in sys.modules))
print(compat.requests, compat.yaml, compat.uritemplate, compat.markdown, compat.pygments)
import requests, yaml, uritemplate  # still importable by anything that needs them
print(requests.__name__, yaml.__name__, uritemplate.__name__)
"""


def test_a_worker_loads_the_api_without_drfs_unused_extras():
    out = run(WORKER)
    assert out[-3:] == ["[]", "None None None None None", "requests yaml uritemplate"]
