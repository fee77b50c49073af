"""Stand-in outbox handlers for the tests, allowed by the `test_handlers` fixture."""

from __future__ import annotations

import threading

from django.contrib.auth.models import Group

CALLS: list[tuple] = []
# How many more times `flaky` fails before it works.
FAILURES_LEFT = [0]


def record(*args) -> None:
    CALLS.append(args)


def flaky(*args) -> None:
    if FAILURES_LEFT[0] > 0:
        FAILURES_LEFT[0] -= 1
        raise ConnectionRefusedError("the mail server is not answering")
    CALLS.append(args)


def half_done(name: str) -> None:
    """Writes, then fails: the write must not survive the failed delivery."""
    Group.objects.create(name=name)
    raise RuntimeError("failed after writing")


def reset() -> None:
    CALLS.clear()
    FAILURES_LEFT[0] = 0
    ENTERED.clear()
    RELEASE.clear()


# `blocking` holds its delivery open until the test lets it go.
ENTERED = threading.Event()
RELEASE = threading.Event()


def blocking(*args) -> None:
    ENTERED.set()
    assert RELEASE.wait(timeout=20), "the test never released the handler"
    CALLS.append(args)
