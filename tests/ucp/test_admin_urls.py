"""The admin's "view on site" redirect names only the admin's own records.

Django answers `/admin/r/<content type>/<id>/` for any model with `get_absolute_url`, so an
administrator walked the ids of customers and cases and read each reference in the redirect
(found by tests/test_access_matrix.py).
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cases.models import Customer, DesignationCase

pytestmark = pytest.mark.django_db


def view_on_site(model, pk) -> str:
    ct = ContentType.objects.get_for_model(model)
    return reverse("admin:view_on_site", args=[ct.pk, pk])


def test_an_administrator_cannot_find_a_customers_reference_through_view_on_site(
    admin_user, customer, login
):
    response = login(admin_user).get(view_on_site(Customer, customer.pk))
    assert response.status_code == 404
    assert customer.reference not in response.get("Location", "")
    assert customer.reference not in response.content.decode()


def test_nor_a_cases_reference(admin_user, make_case, customer, login):
    case = make_case("referred", customer=customer)
    response = login(admin_user).get(view_on_site(DesignationCase, case.pk))
    assert response.status_code == 404
    assert case.reference not in response.content.decode()


def test_a_superuser_is_refused_a_customer_record_there_too(customer, django_user_model, login):
    root = django_user_model.objects.create_superuser("root", "root@council.example", "x")
    assert login(root).get(view_on_site(Customer, customer.pk)).status_code == 404


def test_a_malformed_content_type_is_404(admin_user, login):
    assert login(admin_user).get("/admin/r/nothing/1/").status_code == 404
