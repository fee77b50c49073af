"""Customers and matters (cases.services.customers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.models import (
    Customer,
)

pytestmark = pytest.mark.django_db


# --- customers, matters, contacts ----------------------------------------------------------


def test_customer_create_links_the_customer_to_the_directorate(officer, adults):
    customer = services.customer_create(
        actor=officer,
        directorate=adults,
        full_name="Pat Quinn",
        postcode="ca11aa",
        phone="(01228) 111-222",
    )
    assert list(customer.directorates.all()) == [adults]
    assert customer.postcode == "CA1 1AA"
    assert customer.phone_digits == "01228111222"
    assert {h.history_user for h in customer.history.all()} == {officer}


def test_customer_create_refused_for_a_directorate_the_actor_does_not_work_in(officer, children):
    with pytest.raises(services.NotAllowed, match="Children"):
        services.customer_create(actor=officer, directorate=children, full_name="Pat Quinn")
    assert not Customer.objects.filter(full_name="Pat Quinn").exists()


def test_customer_create_validates_the_model(officer, adults):
    with pytest.raises(ValidationError) as excinfo:
        services.customer_create(
            actor=officer, directorate=adults, full_name="Pat", email="not-an-email"
        )
    assert "email" in excinfo.value.error_dict
    assert not Customer.objects.filter(full_name="Pat").exists()


def test_matter_create_links_another_directorate_to_the_customer(customer, outsider, children):
    matter = services.matter_create(
        actor=outsider,
        customer=customer,
        directorate=children,
        kind="request",
        summary="School transport",
        details="Asked again.",
        received_on=dt.date(2025, 5, 2),
    )
    assert matter.created_by == outsider
    assert set(customer.directorates.values_list("short_name", flat=True)) == {"adults", "children"}
