"""`ucp.dates`: the one rule for the dates a record can hold, used by forms and services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases import services
from tests.conftest import LONDON, TUE_3_JUNE
from ucp.dates import RecordDateValidator, date_problem, require_record_date
from ucp.errors import ServiceError


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TUE_3_JUNE, tick=False)


@pytest.mark.parametrize(
    ("value", "ahead", "problem"),
    [
        (dt.date(2025, 6, 3), False, None),
        (dt.date(2000, 1, 1), False, None),
        (dt.date(1999, 12, 31), False, "must be on or after 1 January 2000"),
        (dt.date(1899, 6, 3), False, "must be on or after 1 January 2000"),
        (dt.date(1, 1, 1), False, "must be on or after 1 January 2000"),
        (dt.date(2025, 6, 4), False, "cannot be in the future"),
        (dt.date(2025, 6, 4), True, None),
        (dt.date(2030, 6, 3), True, None),
        (dt.date(2030, 6, 4), True, "within 5 years of today"),
        (dt.date(9999, 12, 31), True, "within 5 years of today"),
        (dt.datetime(2025, 6, 3, 10, 4, tzinfo=LONDON), False, None),  # the clocks' grace
        (dt.datetime(2025, 6, 3, 10, 6, tzinfo=LONDON), False, "cannot be in the future"),
        (dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC), False, "on or after 1 January 2000"),
        (None, False, None),
    ],
)
def test_which_dates_a_record_can_hold(value, ahead, problem):
    found = date_problem(value, "The date", ahead=ahead)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_the_records_start_is_a_setting(settings):
    settings.RECORDS_START = dt.date(2015, 4, 1)
    assert "on or after 1 April 2015" in date_problem(dt.date(2015, 3, 31))


def test_the_form_validator_and_the_service_check_say_the_same():
    with pytest.raises(ValidationError) as form_says:
        RecordDateValidator("The date of the warning")(dt.date(1899, 1, 1))
    with pytest.raises(ServiceError) as service_says:
        require_record_date(dt.date(1899, 1, 1), "The date of the warning")
    assert service_says.value.message == form_says.value.messages[0] + "."


@pytest.mark.django_db
def test_the_service_refuses_a_warning_dated_1899_whatever_the_form_said(
    officer, customer, adults, indicators,
):
    with pytest.raises(ServiceError, match="on or after 1 January 2000"):
        services.warning_give_informal(
            actor=officer, customer=customer, directorate=adults, method="in_person",
            given_on=dt.date(1899, 6, 3), behaviours=indicators,
            summary="Told them about the policy.",
        )
    assert not customer.warnings.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_contact_dated_year_one(officer, customer, adults):
    with pytest.raises(ServiceError, match="on or after 1 January 2000"):
        services.contact_log(
            actor=officer, customer=customer, directorate=adults, channel="letter",
            direction="inbound", occurred_at=dt.datetime(1, 1, 1, 12, 0, tzinfo=dt.UTC),
            handled_by=officer, summary="A letter.",
        )
    assert not customer.contacts.exists()
