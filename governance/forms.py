from __future__ import annotations

from django import forms

from accounts.models import AccessChange
from cases.models import Customer
from ucp.dates import RecordDateValidator
from ucp.forms import GovukFormMixin, IsoDateInput


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


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class SarRecordForm(GovukFormMixin, forms.Form):
    customer = forms.CharField(
        label="Customer reference", max_length=20,
        help_text="The reference on the customer's record, for example C-000123.",
    )
    received_on = forms.DateField(
        label="Date received", widget=IsoDateInput(), input_formats=DATE_FORMATS,
        validators=[RecordDateValidator("The date received")],
        help_text="The day the request reached the council: the month runs from it.",
    )
    how_received = forms.CharField(
        label="How it was received", required=False, max_length=200,
        help_text="For example: letter to the customer services team; email to the DPO.",
    )

    def clean_customer(self) -> Customer:
        reference = self.cleaned_data["customer"].strip().upper()
        customer = Customer.objects.filter(reference=reference).first()
        if customer is None:
            raise forms.ValidationError("No customer has that reference.")
        return customer


class SarIdentityForm(GovukFormMixin, forms.Form):
    checked_on = forms.DateField(
        label="Date identity was checked", widget=IsoDateInput(), input_formats=DATE_FORMATS,
        validators=[RecordDateValidator("The date identity was checked")],
    )
    how = forms.CharField(
        label="How identity was checked", max_length=300,
        help_text="For example: photo driving licence and a council tax bill seen at the "
        "customer service centre.",
    )


class SarExtendForm(GovukFormMixin, forms.Form):
    months = forms.TypedChoiceField(
        label="Extend by", coerce=int, widget=forms.RadioSelect,
        choices=[(1, "One further month"), (2, "Two further months")],
    )
    reason = forms.CharField(
        label="Why the request needs more time", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The customer must be told within the first month, with this reason.",
    )


class SarRedactionForm(GovukFormMixin, forms.Form):
    passage = forms.CharField(widget=forms.HiddenInput, max_length=120)
    phrase = forms.CharField(
        label="Words to withhold", required=False, max_length=500,
        help_text="Copied from the passage, for example another person's name. Leave empty "
        "to withhold the whole passage.",
    )
    reason = forms.CharField(label="Why", max_length=300,
                             help_text="For example: names a neighbour.")


class SarCloseForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it is closed without a disclosure", widget=forms.Textarea(attrs={"rows": 3}),
    )
