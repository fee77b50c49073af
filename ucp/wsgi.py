"""The WSGI application (gunicorn in production and in `benchmarks/pages.py`; runserver).

A worker collects the cyclic garbage of each request before the next one begins, and never
scans what it built at start-up again. A page's objects refer to each other (a row and its related
rows, a queryset and its instances, a template context and its request), so only Python's
cyclic collector frees them; its full collections come when a quarter as many objects again
as the long-lived ones are waiting, and a worker holds several hundred thousand long-lived
objects (the modules, the URL patterns, the models). Between two full collections a worker
carried 6-7 MB of past requests' garbage (82 MB against 75), and each full collection scanned
every one of those start-up objects (130-180 ms, inside some unlucky request).

So `gc.freeze()` moves what start-up made out of the collector's sight, and each request
begins with a collection (`request_started`), when the request before it is garbage however
its objects refer to each other: about 0.3 ms before an API check, 2 ms before a home
page, in place of the collector's own runs. What is still there after that collection is
the worker's own state (templates compiled on first use, caches, the connection): it is
frozen too, at the 1st, 2nd, 4th, ... 4,096th request, so later collections do not scan
it again. (Freezing after every request would freeze objects that a cache later drops;
in a cycle they would never be freed. Freezing thirteen times bounds that.)
"""

import gc
import os

from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucp.settings")
application = get_wsgi_application()


LAST_FREEZE = 4096
_started = 0


def collect_garbage(**kwargs) -> None:
    """Before each request: the garbage of the ones before it, and at a power of two, what
    is left frozen."""
    global _started
    gc.collect()
    _started += 1
    if _started <= LAST_FREEZE and _started & (_started - 1) == 0:
        gc.freeze()


def settle() -> None:
    """Load what every request needs, put it beyond the collector, and collect before each
    request from now on."""
    get_resolver().resolve("/")  # loading the URL configuration imports every view
    gc.collect()
    gc.freeze()
    request_started.connect(collect_garbage, dispatch_uid="ucp.wsgi.collect_garbage")


settle()
