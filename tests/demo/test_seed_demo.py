"""`manage.py seed_demo` is what a new user meets first: it must load every state and be
safe to run again."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AccessChange
from accounts.roles import CASEWORK_ROLES, roles_of
from cases.models import CaseEvent, CaseState, Contact, Customer, DesignationCase
from demo import data
from sanctions.models import Sanction
from tests.conftest import LONDON


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


@pytest.fixture(params=["12:00", "23:30"])
def seeded_at(request, time_machine):
    """Today at midday, and at 23:30 London on a winter evening, the clock running. The
    seed plays scripts as of 170 and 200 days ago; counted in 24-hour days, 23:30 in
    winter lands on the next day across the change of the clocks (the demo counts
    calendar days, `demo.seeder.days_before`), so the dates below would be one day off."""
    if request.param == "12:00":
        moment = dt.datetime.combine(dt.datetime.now(LONDON).date(), dt.time(12), tzinfo=LONDON)
    else:
        moment = dt.datetime(2026, 12, 1, 23, 30, tzinfo=LONDON)
    time_machine.move_to(moment, tick=True)


@pytest.mark.django_db
def test_seed_demo_loads_every_state_once_and_prints_the_users(seed_storage, seeded_at):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for username in ("officer", "manager", "senior", "reviewer", "lead", "admin"):
        assert username in printed
    assert "demo-senior-2026" in printed

    states = set(DesignationCase.objects.values_list("state", flat=True))
    assert states == set(CaseState.values) - {CaseState.NEW}
    active = DesignationCase.objects.get(
        state=CaseState.ACTIVE, customer__full_name="Raymond Tinkler"
    )
    assert Sanction.objects.filter(case=active).in_force(timezone.localdate()).count() == 3
    # Mr Tinkler's written request for a review waits for the demo's independent reviewer.
    from outbox.models import OutboxMessage
    from reviews.models import ChallengeStatus

    challenge = active.challenges.get()
    assert challenge.status == ChallengeStatus.UNDER_REVIEW
    assert challenge.reviewer.username == "reviewer"
    assert "reviewer: decide Raymond Tinkler's request" in printed
    # Designated 200 days ago and never reviewed: lapsed by the seed's sweep, recorded and
    # escalated. Designated 170 days ago: its review is open and due in 13 days.
    lapsed = DesignationCase.objects.get(state=CaseState.LAPSED)
    assert lapsed.customer.full_name == "Gary Hodgson"
    assert lapsed.review_due_on < timezone.localdate()
    assert lapsed.events.filter(kind="lapse", actor=None).count() == 1
    assert lapsed.alerts.filter(kind="lapse").exists()
    due_soon = DesignationCase.objects.get(customer__full_name="Angela Routledge")
    assert due_soon.state == CaseState.ACTIVE
    assert due_soon.designated_on == timezone.localdate() - dt.timedelta(days=170)
    assert due_soon.reviews.get().status == "open"
    assert Sanction.objects.in_force(timezone.localdate()).filter(case=due_soon).count() == 2
    assert not Sanction.objects.in_force(timezone.localdate()).filter(case=lapsed).exists()
    # The demo's own mail went into memory during the seed, none is left for a worker.
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()

    # Separation of duties: the administrator holds no casework role, and every demo
    # user's access was recorded as given by the demo data.
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and not roles_of(admin) & CASEWORK_ROLES
    granted = AccessChange.objects.filter(source="demo", action="granted", actor=None)
    assert set(granted.filter(kind="role").values_list("subject__username", flat=True)) == {
        spec["username"] for spec in data.USERS
    }
    assert granted.filter(subject=admin, kind="staff").exists()

    # The information governance pages each have something to show `ig`.
    from cases.models import Correction, DisputeStatement
    from governance.models import DisposalProposal, LegalHold, SubjectAccessRequest

    sar = SubjectAccessRequest.objects.get()
    assert sar.is_open and sar.extension_months == 1 and sar.identity_checked_on
    assert sar.due_on > timezone.localdate()
    assert sar.customer.full_name == data.GOVERNANCE["subject_access"]["customer"]
    correction = Correction.objects.get()
    assert correction.corrected_by.username == "manager"
    assert correction.customer.full_name == "Janet Moffat"
    assert DisputeStatement.objects.get().customer.full_name == "Janet Moffat"
    hold = LegalHold.objects.in_place().get()
    assert hold.customer.full_name == "Gary Hodgson"
    proposal = DisposalProposal.objects.get()
    assert proposal.status == "proposed" and proposal.customer.full_name == "Norman Pearson"

    counts = (Customer.objects.count(), Contact.objects.count(), CaseEvent.objects.count(),
              AccessChange.objects.count(), SubjectAccessRequest.objects.count(),
              LegalHold.objects.count(), DisposalProposal.objects.count())
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "nothing created" in again.getvalue()
    assert (Customer.objects.count(), Contact.objects.count(), CaseEvent.objects.count(),
            AccessChange.objects.count(), SubjectAccessRequest.objects.count(),
            LegalHold.objects.count(), DisposalProposal.objects.count()) == counts
