"""The information governance pages for retention: approve disposals (after a second,
confirming post), place and lift legal holds; nobody else may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Customer
from governance.models import DisposalProposal, DisposalRecord, HoldReason, LegalHold
from governance.services import disposals_propose
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

DISPOSALS = reverse("governance:disposals")
HOLDS = reverse("governance:holds")


@pytest.fixture
def ig(db):
    return UserFactory(username="helen", roles=[Role.INFORMATION_GOVERNANCE],
                       directorates__council_wide=True)


@pytest.fixture
def due(adults):
    """Two customers with nothing recorded for seven years, proposed by the sweep."""
    customers = [CustomerFactory(full_name=name, directorates=[adults])
                 for name in ("Ava Long-Gone", "Bram Long-Gone")]
    Customer.objects.update(created_at=timezone.now() - dt.timedelta(days=365 * 7))
    assert disposals_propose() == 2
    return customers


def test_the_page_lists_what_is_due_and_approving_asks_again_before_anything_goes(
    client, ig, due
):
    client.force_login(ig)
    page = client.get(DISPOSALS).content.decode()
    assert "Ava Long-Gone" in page and "Bram Long-Gone" in page
    first = DisposalProposal.objects.get(customer=due[0])
    confirm = client.post(DISPOSALS, {"proposals": [first.pk]})
    assert confirm.status_code == 200
    assert 'data-action="confirm-disposals"' in confirm.content.decode()
    assert DisposalRecord.objects.count() == 0
    assert Customer.objects.get(pk=due[0].pk).erased_at is None

    done = client.post(DISPOSALS, {"proposals": [first.pk], "confirmed": "yes"}, follow=True)
    assert "1 customer&#x27; records disposed of." in done.content.decode() or \
        "1 customer' records disposed of." in done.content.decode()
    assert Customer.objects.get(pk=due[0].pk).erased_at is not None
    assert Customer.objects.get(pk=due[1].pk).erased_at is None
    assert DisposalRecord.objects.get().approved_by == ig


def test_choosing_nothing_or_a_stale_proposal_is_a_message_on_the_form(client, ig, due):
    client.force_login(ig)
    empty = client.post(DISPOSALS, {})
    assert empty.status_code == 200
    assert "Choose the records to dispose of." in empty.content.decode()
    stale = client.post(DISPOSALS, {"proposals": ["999999"], "confirmed": "yes"})
    assert "no longer proposed" in stale.content.decode()
    junk = client.post(DISPOSALS, {"proposals": ["x"]})
    assert junk.status_code == 200 and "Choose the records from the list." in junk.content.decode()
    assert DisposalRecord.objects.count() == 0


def test_a_hold_placed_from_the_page_stops_the_disposal(client, ig, due):
    client.force_login(ig)
    response = client.post(HOLDS, {"customer": due[0].reference.lower(),
                                   "reason": HoldReason.LITIGATION, "note": "Claim 123"})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.customer, hold.placed_by, hold.lifted_at) == (due[0], ig, None)
    page = client.get(DISPOSALS).content.decode()
    assert 'id="held-proposals"' in page

    client.post(reverse("governance:hold_lift", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.lifted_by == ig and hold.lifted_at is not None


def test_an_unknown_customer_reference_is_refused_and_what_was_typed_is_kept(client, ig):
    client.force_login(ig)
    response = client.post(HOLDS, {"customer": "C-NOSUCH", "reason": HoldReason.OMBUDSMAN,
                                   "note": "Ombudsman 24 001"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "No customer has this reference." in body and "Ombudsman 24 001" in body
    assert LegalHold.objects.count() == 0


@pytest.mark.parametrize("fixture", ["officer", "service_manager", "senior_manager", "lead",
                                     "admin_user"])
def test_nobody_else_approves_a_disposal_or_places_a_hold(client, request, fixture, due):
    client.force_login(request.getfixturevalue(fixture))
    first = DisposalProposal.objects.first()
    assert client.get(DISPOSALS).status_code == 403
    assert client.post(DISPOSALS, {"proposals": [first.pk], "confirmed": "yes"}).status_code == 403
    assert client.post(HOLDS, {"customer": due[0].reference, "reason": "other"}).status_code == 403
    assert DisposalRecord.objects.count() == 0 and LegalHold.objects.count() == 0
