"""Free text has limits a council would accept (`ucp.text`), on every form, with a message
on the field; the services refuse the same for the texts they are given."""

from __future__ import annotations

import html
import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse

from cases import services
from ucp import text
from ucp.errors import ServiceError
from ucp.forms import GovukFormMixin

pytestmark = pytest.mark.django_db

FORM_MODULES = ["cases.forms", "reviews.forms", "sanctions.forms", "sanctions.page_forms",
                "letters.forms", "reports.forms"]


def _page_forms() -> list[type]:
    found = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _n, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == name:
                found.append(obj)
    return found


@pytest.mark.parametrize("form_class", _page_forms(), ids=lambda c: c.__name__)
def test_every_page_form_gets_the_text_limits(form_class):
    # GovukFormMixin is where a text field without a limit is given one.
    assert issubclass(form_class, GovukFormMixin)


class NotesForm(GovukFormMixin, forms.Form):
    text_limits = {"long": text.DETAILS_MAX}

    note = forms.CharField(widget=forms.Textarea)
    line = forms.CharField()
    long = forms.CharField(widget=forms.Textarea)
    own = forms.CharField(max_length=20)


def test_a_text_field_without_a_limit_gets_one_for_its_kind():
    form = NotesForm()
    assert form.fields["note"].max_length == text.NOTE_MAX
    assert form.fields["line"].max_length == text.LINE_MAX
    assert form.fields["long"].max_length == text.DETAILS_MAX
    assert form.fields["own"].max_length == 20
    # The browser is not told: it would cut a pasted text off without a word.
    assert "maxlength" not in str(form["note"])


def test_a_single_line_box_refuses_a_line_break_and_a_textarea_keeps_it():
    form = NotesForm(data={"note": "two\nlines", "line": "Jo\nBloggs", "long": "y",
                           "own": "z"})
    assert form.errors == {"line": ["Enter this on one line"]}


def test_the_message_says_how_long_it_may_be_and_how_long_it_is():
    form = NotesForm(data={"note": "x" * 5_001, "line": "ok", "long": "y", "own": "z"})
    assert form.errors == {"note": ["Enter no more than 5,000 characters (you entered 5,001)"]}


def test_a_referral_reason_of_100000_characters_is_refused_on_the_form_and_kept(
    login, officer, customer, adults, indicators,
):
    typed = "The customer telephoned again. " * 3_300  # about 100,000 characters
    response = login(officer).post(reverse("customers:refer", args=[customer.reference]), {
        "directorate": adults.pk, "reason": typed, "indicators": [indicators[0].pk],
    })
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert f"Enter no more than 5,000 characters (you entered {len(typed.strip()):,})" in page
    assert typed.strip() in page
    assert not customer.cases.exists()


def test_the_service_refuses_the_same_text_the_form_would(officer, customer, adults,
                                                          indicators):
    with pytest.raises(ServiceError, match="5,000 characters or fewer"):
        services.case_refer(actor=officer, customer=customer, directorate=adults,
                            reason="x " * 3_000, indicators=indicators, evidence_contacts=[])
    assert not customer.cases.exists()
