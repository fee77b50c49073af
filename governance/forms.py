from __future__ import annotations

from django import forms

from accounts.models import AccessChange
from cases.models import AccessKind, Customer
from cases.references import normalise_reference
from governance import selectors
from governance.models import DisposalProposal, HoldReason, ProposalStatus
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


def _date_field(label: str, example: str) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=IsoDateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": f"Enter the '{label.lower()}' date as a real date, "
                        f"like {example}"},
    )


class AccessLogFilterForm(GovukFormMixin, forms.Form):
    """Date range and kind; the subclasses add whose log (a customer, or a member of staff)."""

    from_date = _date_field("From", "01/05/2025")
    to_date = _date_field("To", "31/05/2025")
    kind = forms.ChoiceField(
        required=False, label="Kind of access", choices=[("", "Any"), *AccessKind.choices],
        error_messages={"invalid_choice": "Choose a kind of access from the list"},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "The 'to' date must be the same as or after the "
                           "'from' date")
        return cleaned


class CustomerAccessForm(AccessLogFilterForm):
    customer = forms.CharField(
        max_length=40, label="Customer reference", help_text="For example, C-7QK2MD.",
        error_messages={"required": "Enter the customer's reference"},
    )
    field_order = ["customer", "from_date", "to_date", "kind"]

    def clean_customer(self):
        customer = selectors.customer_by_reference(self.cleaned_data["customer"])
        if customer is None:
            raise forms.ValidationError("No customer has that reference")
        return customer


class StaffAccessForm(AccessLogFilterForm):
    person = forms.CharField(
        max_length=150, label="Username of the member of staff",
        error_messages={"required": "Enter the member of staff's username"},
    )
    field_order = ["person", "from_date", "to_date", "kind"]

    def clean_person(self):
        user = selectors.staff_by_username(self.cleaned_data["person"])
        if user is None:
            raise forms.ValidationError("No member of staff has that username")
        return user
class DisposalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: DisposalProposal) -> str:
        return (f"{obj.customer.full_name} ({obj.customer.reference}): "
                f"{obj.get_rule_display().lower()}, due since {obj.due_since:%-d %B %Y}")


class DisposalApprovalForm(GovukFormMixin, forms.Form):
    """The proposals to approve. Choosing is one step and confirming another: the first
    post shows what will go, the second (with `confirmed`) disposes of it."""

    proposals = DisposalChoiceField(
        queryset=DisposalProposal.objects.none(), widget=forms.CheckboxSelectMultiple,
        label="Records to dispose of",
        error_messages={"required": "Choose the records to dispose of.",
                        "invalid_choice": "A record you chose is no longer proposed: "
                                          "choose again from the list as it is now.",
                        "invalid_pk_value": "Choose the records from the list."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = (
            DisposalProposal.objects.filter(status=ProposalStatus.PROPOSED)
            .select_related("customer")
        )


class LegalHoldForm(GovukFormMixin, forms.Form):
    customer = forms.CharField(
        max_length=20, label="Customer reference",
        help_text="As on the customer's record, for example C-ABC234.",
    )
    reason = forms.ChoiceField(label="Why the records are held",
                               choices=[("", "Choose a reason"), *HoldReason.choices])
    note = forms.CharField(
        required=False, max_length=2000, label="Note", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The Ombudsman's case number, the claim, the request: what lifts it.",
    )

    def clean_customer(self) -> Customer:
        reference = normalise_reference(self.cleaned_data["customer"])
        customer = (Customer.objects.filter(reference=reference, erased_at__isnull=True).first()
                    if reference else None)
        if customer is None:
            raise forms.ValidationError("No customer has this reference.")
        return customer


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


class SarFileDecisionForm(GovukFormMixin, forms.Form):
    file = forms.CharField(widget=forms.HiddenInput, max_length=60)
    decision = forms.ChoiceField(
        label="In the release copy", widget=forms.RadioSelect,
        choices=[("include", "Include as it is"),
                 ("reviewed", "Include: I have read it and it is theirs to see"),
                 ("withhold", "Withhold")],
        error_messages={"required": "Choose whether to include the file, include it after "
                        "review, or withhold it"},
    )
    reason = forms.CharField(
        label="Why (needed to withhold)", max_length=300, required=False,
        help_text="For example: another person's personal data; an exemption applies.",
    )


class SarCloseForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it is closed without a disclosure", widget=forms.Textarea(attrs={"rows": 3}),
    )
