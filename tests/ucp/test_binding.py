"""`ucp.forms.bind`: the one way a view makes its form. An empty POST is a POST: its form is
bound and says what is missing, and an error added to any form never fails the page."""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory

from cases.models import Customer
from ucp.forms import GovukFormMixin, bind, bind_query

pytestmark = pytest.mark.django_db


class NameForm(GovukFormMixin, forms.Form):
    name = forms.CharField(error_messages={"required": "Enter a name"})


def test_an_empty_post_binds_the_form_so_its_required_fields_say_so():
    form = bind(RequestFactory().post("/"), NameForm)
    assert form.is_bound
    assert form.errors == {"name": ["Enter a name"]}


def test_a_get_leaves_the_form_unbound():
    assert not bind(RequestFactory().get("/", {"name": "x"}), NameForm).is_bound


def test_an_error_added_to_an_unbound_form_is_shown_not_a_server_error():
    form = NameForm()
    form.add_error(None, "Someone else changed this case")
    assert form.non_field_errors() == ["Someone else changed this case"]
    assert not form.is_valid()


def test_a_query_form_is_bound_only_when_the_query_names_its_fields():
    factory = RequestFactory()
    assert not bind_query(factory.get("/", {"page": "2"}), NameForm).is_bound
    assert bind_query(factory.get("/", {"name": ""}), NameForm).is_bound
    assert bind_query(factory.get("/", {"check": "1"}), NameForm, when="check").is_bound


@pytest.mark.parametrize("url", ["/customers/new/"])
def test_an_empty_post_to_a_customer_form_is_the_form_with_its_messages(login, officer, url):
    before = Customer.objects.count()
    response = login(officer).post(url)
    assert response.status_code == 200
    assert "Enter the customer&#x27;s full name" in response.content.decode()
    assert Customer.objects.count() == before
