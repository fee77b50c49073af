"""Letters: private storage per test, Celery eager, and a designated case to write about."""

from __future__ import annotations

import pytest

from tests.conftest import TUE_3_JUNE


@pytest.fixture(autouse=True)
def letters_private_media(private_media, monkeypatch):
    """The FileFields evaluate their storage when the model is loaded; point them at the
    per-test folder that `private_media` set up."""
    from django.core.files.storage import storages

    from letters.models import Letter, PolicyVersion

    for model in (Letter, PolicyVersion):
        monkeypatch.setattr(model._meta.get_field("pdf"), "storage", storages["private"])
    return private_media


@pytest.fixture(autouse=True)
def eager_celery():
    """CI has a Redis broker and no worker: run the mail tasks in the test's process."""
    from ucp.celery import app

    wanted = {"task_always_eager": True, "task_eager_propagates": True}
    before = {key: app.conf.get(key) for key in wanted}
    app.conf.update(wanted)
    yield
    app.conf.update(before)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)


@pytest.fixture
def designated(frozen, make_case, customer):
    """A case designated on Tuesday 3 June 2025 with a 15-minute time limit."""
    return make_case("designated", customer=customer)
