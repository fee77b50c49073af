"""The WSGI application freezes what start-up built and collects the cyclic garbage of each
request before the next one begins (`ucp/wsgi.py`)."""

from __future__ import annotations

from tests.fresh_process import run

# A fresh process, as a gunicorn worker loads the application.
WORKER = """
import gc, weakref
import ucp.wsgi
from django.core.signals import request_started
print(gc.get_freeze_count() > 50_000)


class Node:
    pass


def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


gc.disable()  # only the collection before the next request may free it
left = cycle()
print(left() is not None)
request_started.send(sender=None)
print(left() is None)
"""


def test_a_worker_freezes_start_up_and_collects_before_each_request():
    out = run(WORKER)
    assert out[-3:] == ["True", "True", "True"]
