"""Forms for the front-desk check and the "To be read" queue.

(The designation's sanction forms live in sanctions/forms.py.) They validate input and hand
clean values to `sanctions.checks.check_contact` and `sanctions.services`.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from accounts.selectors import directorate_ids_for, staff_in_directorates
from cases.forms import contact_time_field, duration_field
from cases.models import TIMED_CHANNELS, Channel, Matter
from ucp.forms import GovukFormMixin

YES_NO = [("yes", "Yes"), ("no", "No")]

# Checking a contact years away says nothing useful, and far dates overflow week arithmetic.
FURTHEST_CHECK = dt.timedelta(days=366)


class _OptionsIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.options():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.options()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.options())


class OptionsChoiceField(forms.ModelChoiceField):
    """A model choice read once per form: the choice sent is looked up among the options
    the page shows, instead of a query to validate it and another to show the options
    (a page that checks a contact then shows the form again asked for both)."""

    iterator = _OptionsIterator

    def options(self) -> list:
        if getattr(self, "_options_of", None) is not self.queryset:
            self._options = list(self.queryset)
            self._options_of = self.queryset
        return self._options

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        for obj in self.options():
            if str(obj.pk) == str(value):
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class ContactCheckForm(GovukFormMixin, forms.Form):
    """A contact that is about to happen (or just happened), checked without saving it."""

    channel = forms.ChoiceField(
        choices=Channel.choices,
        label="How is the customer contacting the council?",
        error_messages={"required": "Choose how the customer is contacting the council"},
    )
    at = contact_time_field("When", checked=True)
    duration_minutes = duration_field(
        "How long, in minutes (optional)", "For a call or a personal contact."
    )
    officer = OptionsChoiceField(
        queryset=None,
        required=False,
        label="Who would deal with it (optional)",
        empty_label="Not decided yet",
    )
    matter = OptionsChoiceField(
        queryset=Matter.objects.none(),
        required=False,
        label="Which matter is it about? (optional)",
        empty_label="Not about a recorded matter",
    )
    witness_present = forms.BooleanField(
        label="A witness would be present", required=False
    )

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        officer.queryset = staff_in_directorates(directorate_ids_for(user)).only(
            "id", "username", "first_name", "last_name"
        )
        officer.label_from_instance = lambda u: u.get_full_name() or u.get_username()
        # The customer's key too: a related manager's rows are tied back to the customer
        # through it, one query per matter were it deferred.
        self.fields["matter"].queryset = customer.matters.only(
            "id", "customer_id", "reference", "summary"
        ).order_by("-received_on", "-id")
        self.fields["matter"].label_from_instance = lambda m: f"{m.reference}: {m.summary}"
        if not self.is_bound:
            self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)
            self.fields["officer"].initial = user.pk
            self.fields["channel"].initial = Channel.PHONE

    def clean_at(self):
        value = self.cleaned_data["at"]
        if abs(value - timezone.now()) > FURTHEST_CHECK:
            raise forms.ValidationError("Enter a date within a year of today")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") not in TIMED_CHANNELS:
            cleaned["duration_minutes"] = None
        if cleaned.get("channel") != Channel.IN_PERSON:
            cleaned["witness_present"] = False
        return cleaned


class FiledItemReadForm(GovukFormMixin, forms.Form):
    significant_new_information = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Does it bring significant new information?",
        help_text="Something the council did not know that could change a decision on the "
        "matter.",
        error_messages={"required": "Choose whether it brings significant new information"},
    )
    safeguarding_concern = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Does it raise a safeguarding concern?",
        help_text="A risk of harm to the customer or to someone else.",
        error_messages={"required": "Choose whether it raises a safeguarding concern"},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Note",
        help_text="Needed if you answered yes: the senior manager is alerted with it.",
    )

    def clean(self):
        cleaned = super().clean()
        flagged = cleaned.get("significant_new_information") or cleaned.get(
            "safeguarding_concern"
        )
        if flagged and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Describe the new information or the safeguarding concern")
        return cleaned
