"""The forms of merging two records of one person (`cases.merge_views`)."""

from __future__ import annotations

from django import forms

from cases.models import Customer
from cases.references import normalise_reference
from cases.services.merge import differing_fields
from ucp.forms import GovukFormMixin


def display(customer: Customer, name: str) -> str:
    """A field's value as the comparison shows it."""
    field = Customer._meta.get_field(name)
    value = getattr(customer, name)
    if name == "phone":
        return customer.phone_display or "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field.choices and value:
        return str(dict(field.flatchoices).get(value, value))
    if value in (None, ""):
        return "(none)"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def field_label(name: str) -> str:
    label = str(Customer._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


class FindOtherForm(GovukFormMixin, forms.Form):
    """Which record to compare with this one: its reference."""

    other = forms.CharField(
        label="Reference of the other record", max_length=20,
        help_text="For example C-ABC234. Find it with the customer search first.",
    )

    def clean_other(self) -> str:
        reference = normalise_reference(self.cleaned_data["other"])
        if reference is None:
            raise forms.ValidationError("Enter a customer reference, like C-ABC234")
        return reference


class MergeForm(GovukFormMixin, forms.Form):
    """Which record survives, whose value survives for each detail that differs, which case
    stays open if both have one, and why these are the same person."""

    survivor = forms.ChoiceField(widget=forms.RadioSelect, label="Which record is kept?")
    keep_open = forms.ChoiceField(
        widget=forms.RadioSelect, required=False,
        label="Both records have an open case. Which one stays open?",
        help_text="The other is closed as a duplicate, naming the one kept. A customer "
                  "has at most one open case.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why are these records the same person?",
        help_text="For example: same date of birth and address confirmed on the phone.",
    )

    def __init__(self, *args, this: Customer, other: Customer, open_cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.this, self.other = this, other
        self.fields["survivor"].choices = [
            (c.reference, f"Keep {c.reference} ({c.full_name})") for c in (this, other)
        ]
        self.fields["survivor"].initial = this.reference
        self.open_cases = list(open_cases)
        if len(self.open_cases) == 2:
            self.fields["keep_open"].required = True
            self.fields["keep_open"].choices = [
                (case.reference, f"Keep {case.reference} open ({case.get_state_display()}, "
                                 f"{case.customer.reference})")
                for case in self.open_cases
            ]
        else:
            del self.fields["keep_open"]
        self.differing = differing_fields(this, other)
        for name in self.differing:
            choices = [(c.reference, f"{display(c, name)} (from {c.reference})")
                       for c in (this, other)]
            # This record's value, unless it is blank and the other's is not.
            initial = this.reference
            if getattr(this, name) in ("", None) and getattr(other, name) not in ("", None):
                initial = other.reference
            self.fields[f"field_{name}"] = forms.ChoiceField(
                widget=forms.RadioSelect, choices=choices, initial=initial,
                label=f"{field_label(name)}: which value is kept?",
            )
        # Reason last, after the details.
        self.order_fields(["survivor", "keep_open",
                           *[f"field_{n}" for n in self.differing], "reason"])

    def chosen(self) -> dict:
        """What the service needs: survivor, merged, the fields taken from the merged
        record, and which case stays open (a reference) if both had one."""
        data = self.cleaned_data
        survivor = self.this if data["survivor"] == self.this.reference else self.other
        merged = self.other if survivor is self.this else self.this
        take = [n for n in self.differing if data.get(f"field_{n}") == merged.reference]
        return {"survivor": survivor, "merged": merged, "take": take,
                "keep_open": data.get("keep_open") or ""}



class UndoForm(GovukFormMixin, forms.Form):
    """Nothing to fill in: the button posts the undo."""
