"""Model rules that hold whoever writes: references, normalisation, constraints, the FSM."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction

from cases.models import (
    CaseEvent,
    CaseState,
    Channel,
    ClosingReason,
    DesignationCase,
    Indicator,
    IndicatorGroup,
    PreconditionCheck,
    normalise_postcode,
)
from cases.references import ALPHABET
from tests.factories import CLOSED_FROM, ContactFactory, CustomerFactory, MatterFactory

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(rf"^(C|M|UCP)-[{ALPHABET}]{{6}}$")


def test_indicators_are_seeded_from_section_2_1():
    assert Indicator.objects.count() == 26
    counts = {g: Indicator.objects.filter(group=g).count() for g in IndicatorGroup.values}
    assert counts["persistence"] == 5
    assert counts["behaviour"] == 2
    assert counts["action"] == 19


def test_role_groups_exist_after_migrations():
    from django.contrib.auth.models import Group

    from accounts.roles import GROUP_NAMES

    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUP_NAMES.values())


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ca11aa", "CA1 1AA"),
        ("CA1 1AA", "CA1 1AA"),
        ("  ca3  8qg ", "CA3 8QG"),
        ("sw1a1aa", "SW1A 1AA"),
        ("CA1", "CA1"),
        ("", ""),
    ],
)
def test_postcodes_are_normalised(typed, stored):
    assert normalise_postcode(typed) == stored


def test_customer_save_normalises_postcode_and_phone():
    customer = CustomerFactory(postcode="ca3 8qg", phone="+44 (0)1228 606 060")
    customer.refresh_from_db()
    assert customer.postcode == "CA3 8QG"
    assert customer.phone == "+441228606060"
    assert customer.phone_digits == "01228606060"
    assert customer.phone_display == "01228 606060"


def test_references_are_short_readable_and_unambiguous(make_case, adults):
    case = make_case("referred")
    matter = MatterFactory(customer=case.customer, directorate=adults)
    for obj in (case.customer, matter, case):
        assert REFERENCE.match(obj.reference), obj.reference
        assert not set(obj.reference.split("-")[1]) & set("01IOL5S")


def test_reference_is_kept_when_saved_again():
    customer = CustomerFactory()
    reference = customer.reference
    customer.full_name = "Changed"
    customer.save()
    assert customer.reference == reference


def test_case_state_cannot_be_assigned_directly(make_case):
    case = make_case("referred")
    with pytest.raises(AttributeError):
        case.state = CaseState.DESIGNATED
    assert DesignationCase.objects.get(pk=case.pk).state == CaseState.REFERRED


def test_a_closed_case_must_have_a_closing_reason(make_case):
    case = make_case("closed")
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationCase.objects.filter(pk=case.pk).update(closing_reason="")


def test_one_check_per_precondition(make_case):
    case = make_case("assessment")
    existing = case.precondition_checks.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PreconditionCheck.objects.create(
            case=case, precondition=existing.precondition, met=True,
            confirmed_by=existing.confirmed_by, confirmed_on=existing.confirmed_on, note="dup",
        )


@pytest.mark.parametrize(
    ("closed_by", "reason"),
    [
        ("close_referral", ClosingReason.NO_ACTION),
        ("behaviour_stopped", ClosingReason.BEHAVIOUR_STOPPED),
        ("close_precondition_failed", ClosingReason.PRECONDITION_FAILED),
        ("decline", ClosingReason.NOT_DESIGNATED),
    ],
)
def test_each_way_of_closing_records_its_reason(make_case, closed_by, reason):
    assert set(CLOSED_FROM) >= {closed_by}
    case = make_case("closed", closed_by=closed_by)
    assert case.closing_reason == reason
    assert case.closed_at is not None
    assert not case.is_open


@pytest.mark.parametrize(
    ("state", "is_open"),
    [("referred", True), ("warned", True), ("assessment", True),
     ("awaiting_decision", True), ("designated", False), ("closed", False)],
)
def test_is_open(make_case, state, is_open):
    assert make_case(state).is_open is is_open


@pytest.mark.parametrize(
    ("channel", "scattergun"),
    [(Channel.VIA_MP, True), (Channel.VIA_OMBUDSMAN, True), (Channel.PHONE, False),
     (Channel.EMAIL, False)],
)
def test_contacts_through_third_parties_count_as_scattergun(channel, scattergun, adults):
    assert ContactFactory(channel=channel, directorate=adults).is_scattergun is scattergun


def test_case_event_state_labels(make_case):
    case = make_case("warned")
    event = CaseEvent.objects.filter(case=case, kind="issue_formal_warning").get()
    assert event.from_state_label == CaseState.REFERRED.label
    assert event.to_state_label == CaseState.WARNED.label
    refer = CaseEvent.objects.filter(case=case, kind="refer").get()
    assert (refer.from_state_label, refer.to_state_label) == ("", CaseState.REFERRED.label)


def test_a_case_involving_another_directorate_is_cross_directorate(make_case, children):
    case = make_case("referred")
    assert not case.is_cross_directorate
    case.involved_directorates.add(children)
    assert DesignationCase.objects.get(pk=case.pk).is_cross_directorate
