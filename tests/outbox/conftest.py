"""The outbox's tests: stand-in handlers, Celery eager unless a test says otherwise, and
no memory of a broker failure from one test to the next."""

from __future__ import annotations

import pytest

from tests.outbox import handlers

TEST_HANDLERS = {
    "tests.outbox.handlers.record",
    "tests.outbox.handlers.flaky",
    "tests.outbox.handlers.half_done",
    "tests.outbox.handlers.blocking",
}


@pytest.fixture(autouse=True)
def publish_not_paused(monkeypatch):
    """A publish that failed in one test would make the next test's publishes wait."""
    from outbox import services

    monkeypatch.setattr(services, "_publish_paused_until", 0.0)


@pytest.fixture(autouse=True)
def _eager_unless_a_test_chooses(eager_celery):
    """CI sets REDIS_URL (tasks not eager); these tests choose their broker themselves."""


@pytest.fixture
def test_handlers(monkeypatch):
    from outbox import services

    monkeypatch.setattr(services, "HANDLERS", services.HANDLERS | TEST_HANDLERS)
    handlers.reset()
    yield handlers
    handlers.reset()
