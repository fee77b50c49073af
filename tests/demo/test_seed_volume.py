"""`manage.py seed_volume`: volume that looks like a council's, consistent with what the
services would have written, and the same every time for a seed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cases.models import CaseState, ClosingReason, DesignationCase
from reports import selectors
from reviews.models import Challenge, Review
from sanctions.models import Sanction

# The seed's dates run back from today: a fixed today makes a fixed data set.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def snapshot() -> list[tuple]:
    return list(
        DesignationCase.objects.order_by("reference").values_list(
            "reference", "state", "designated_on", "closing_reason", "review_due_on"
        )
    )


def test_seed_volume_makes_cases_in_every_state_with_their_records():
    out = StringIO()
    call_command("seed_volume", customers=400, seed=11, stdout=out)
    assert "400 customers" in out.getvalue()
    cases = DesignationCase.objects.count()
    assert 400 <= cases <= 460  # about one a customer
    states = set(DesignationCase.objects.values_list("state", flat=True))
    assert states == set(CaseState.values) - {CaseState.NEW}
    reasons = set(DesignationCase.objects.exclude(closing_reason="")
                  .values_list("closing_reason", flat=True))
    # Every reason a case closes for in the ordinary run of the policy; a duplicate is closed
    # only by merging two records, which the volume does not do.
    assert reasons == set(ClosingReason.values) - {ClosingReason.DUPLICATE}
    assert Challenge.objects.exists() and Review.objects.filter(lapsed_at__isnull=False).exists()


def test_seed_volume_is_consistent_with_the_services():
    call_command("seed_volume", customers=300, seed=3, stdout=StringIO())
    today = timezone.localdate()
    designated = DesignationCase.objects.filter(designated_on__isnull=False)
    # Every designation has its reasons, a review date and sanctions ending by it.
    assert not designated.annotate(n=Count("decision_indicators")).filter(n=0).exists()
    assert not designated.filter(review_due_on__isnull=True).exists()
    # In force means the same to the report as to the restriction check.
    ids = list(designated.values_list("lead_directorate_id", flat=True).distinct())
    ours = sum(n for kinds in selectors.sanctions_in_force(ids, today).values()
               for n in kinds.values())
    assert ours == Sanction.objects.in_force(today).count() > 0
    # A withdrawn designation had a challenge withdrawn; a lapsed one a lapsed open review.
    withdrawn = DesignationCase.objects.filter(closing_reason=ClosingReason.WITHDRAWN)
    assert not withdrawn.exclude(challenges__outcome="withdraw").exists()
    lapsed = DesignationCase.objects.filter(state=CaseState.LAPSED)
    open_lapse = Review.objects.filter(case=OuterRef("pk"), status="open",
                                       lapsed_at__isnull=False)
    assert not lapsed.exclude(Exists(open_lapse)).exists()
    # Nothing is in the future, and open cases have no closing reason.
    assert not DesignationCase.objects.filter(designated_on__gt=today).exists()
    assert not DesignationCase.objects.filter(~Q(state=CaseState.CLOSED),
                                              ~Q(closing_reason="")).exists()


def test_seed_volume_is_the_same_for_the_same_seed():
    with transaction.atomic():
        call_command("seed_volume", customers=60, seed=9, stdout=StringIO())
        first = snapshot()
        transaction.set_rollback(True)
    call_command("seed_volume", customers=60, seed=9, stdout=StringIO())
    assert snapshot() == first


def test_seed_volume_needs_a_number_of_customers():
    with pytest.raises(CommandError):
        call_command("seed_volume", customers=0, stdout=StringIO())
