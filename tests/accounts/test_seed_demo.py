"""`manage.py seed_demo` is what a new user meets first: it must load every state and be
safe to run again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import CaseEvent, CaseState, Contact, Customer, DesignationCase
from sanctions.models import Sanction


@pytest.fixture
def seed_storage(private_media, monkeypatch):
    """Letters the seed issues go to the per-test folder; their mail runs in-process."""
    from django.core.files.storage import storages

    from letters.models import Letter, PolicyVersion
    from ucp.celery import app

    for model in (Letter, PolicyVersion):
        monkeypatch.setattr(model._meta.get_field("pdf"), "storage", storages["private"])
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.mark.django_db
def test_seed_demo_loads_every_state_once_and_prints_the_users(seed_storage):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for username in ("officer", "manager", "senior", "reviewer", "lead", "admin"):
        assert username in printed
    assert "demo-senior-2026" in printed

    states = set(DesignationCase.objects.values_list("state", flat=True))
    # Every state a demo can be in today; a lapse needs a designation six months old.
    assert states == set(CaseState.values) - {CaseState.NEW, CaseState.LAPSED}
    active = DesignationCase.objects.get(state=CaseState.ACTIVE)
    assert Sanction.objects.filter(case=active).in_force(timezone.localdate()).count() == 3

    counts = (Customer.objects.count(), Contact.objects.count(), CaseEvent.objects.count())
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "nothing created" in again.getvalue()
    assert (Customer.objects.count(), Contact.objects.count(), CaseEvent.objects.count()) == counts
