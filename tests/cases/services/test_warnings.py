"""Informal warnings (cases.services.warnings)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases import services
from cases.models import (
    CaseEvent,
    Warning,
    WarningKind,
)

pytestmark = pytest.mark.django_db


def test_informal_warning_needs_behaviours_and_is_noted_on_the_open_case(
    make_case, officer, adults, indicators
):
    case = make_case("referred")
    with pytest.raises(services.ServiceError, match="at least one behaviour"):
        services.warning_give_informal(
            actor=officer,
            customer=case.customer,
            directorate=adults,
            method="in_person",
            given_on=dt.date(2025, 6, 3),
            behaviours=[],
            summary="Told him to stop.",
        )
    warning = services.warning_give_informal(
        actor=officer,
        customer=case.customer,
        directorate=adults,
        method="in_person",
        given_on=dt.date(2025, 6, 3),
        behaviours=indicators[:1],
        summary="Told him to stop.",
    )
    assert warning.kind == WarningKind.INFORMAL
    assert CaseEvent.objects.filter(case=case, kind="informal_warning").count() == 1


def test_reviewer_cannot_give_an_informal_warning(customer, reviewer, adults, indicators):
    with pytest.raises(services.NotAllowed):
        services.warning_give_informal(
            actor=reviewer,
            customer=customer,
            directorate=adults,
            method="phone",
            given_on=dt.date(2025, 6, 3),
            behaviours=indicators[:1],
            summary="Stop it.",
        )
    assert not Warning.objects.exists()
