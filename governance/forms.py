from __future__ import annotations

from django import forms

from accounts.models import AccessChange
from ucp.forms import GovukFormMixin


class AccessChangeFilterForm(GovukFormMixin, forms.Form):
    person = forms.CharField(
        required=False, max_length=150, label="Person",
        help_text="Part of a name or username: whose access changed, or who changed it.",
    )
    kind = forms.ChoiceField(
        required=False, label="What changed",
        choices=[("", "Anything"), *AccessChange.Kind.choices],
    )
    source = forms.ChoiceField(
        required=False, label="Through",
        choices=[("", "Any route"), *AccessChange.Source.choices],
    )
