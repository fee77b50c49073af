"""Forms for the pages. They validate input and hand clean values to the services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone

from accounts.models import Directorate
from accounts.roles import Role
from accounts.selectors import directorate_ids_for, directorates_for, staff_in_directorates
from cases import rules, selectors
from cases.deadlines import add_months
from cases.models import (
    TIMED_CHANNELS,
    AlternativeOutcome,
    Channel,
    Contact,
    Customer,
    Direction,
    Indicator,
    IndicatorGroup,
    Matter,
    MatterKind,
    MatterStatus,
    Warning,
    WarningMethod,
    WarningSkipKind,
)
from sanctions.forms import sanction_forms
from ucp import text
from ucp.dates import RecordDateValidator
from ucp.forms import CollapsibleCheckboxSelectMultiple, GovukFormMixin, IsoDateInput
from ucp.reasons import CustomerReasonValidator

ALLOWED_UPLOAD_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".eml", ".msg", ".jpg", ".jpeg", ".png",
}


def contact_time_field(label: str, *, checked: bool = False) -> forms.DateTimeField:
    """When a contact happens: a browser date-time picker, or typed UK style. A contact
    logged is never before the records start nor in the future (`ucp.dates`); one only
    being `checked` (the front desk) has its form's own, narrower window: a year either
    side of today, as the API."""
    validators = [] if checked else [RecordDateValidator("The time of the contact")]
    return forms.DateTimeField(
        label=label,
        validators=validators,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": "Enter the date and time of the contact",
            "invalid": "Enter a real date and time, like 14/06/2026 09:30",
        },
    )


def duration_field(label: str, help_text: str) -> forms.IntegerField:
    """How long a call or personal contact lasts, in whole minutes."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=600,
        help_text=help_text,
        error_messages={
            "min_value": "The duration must be at least 1 minute",
            "max_value": "The duration must be 600 minutes or fewer",
            "invalid": "Enter the duration as a whole number of minutes",
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [self.clean_one(upload, initial) for upload in files]

    def clean_one(self, upload, initial=None):
        """One chosen file, or a ValidationError naming it."""
        upload = super().clean(upload, initial)
        ext = Path(upload.name).suffix.lower()
        if ext not in ALLOWED_UPLOAD_EXTENSIONS:
            raise forms.ValidationError(
                f"{upload.name} is not a file type we accept. Upload a PDF, Word or "
                "OpenDocument file, text, email or a JPG/PNG picture."
            )
        if upload.size > settings.UPLOAD_MAX_BYTES:
            limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"{upload.name} must be smaller than {limit} MB.")
        if upload.size == 0:
            raise forms.ValidationError(f"{upload.name} is empty.")
        return upload

    def acceptable(self, files) -> list:
        """Those of the chosen files that pass the checks, even if another does not: what a
        form that comes back with an error keeps."""
        kept = []
        for upload in files:
            try:
                kept.append(self.clean_one(upload))
            except forms.ValidationError:
                continue
        return kept


def indicator_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Indicators grouped under section 2.1's three headings, for checkbox lists."""
    groups: dict[str, list[tuple[int, str]]] = {g: [] for g in IndicatorGroup.values}
    for ind in Indicator.objects.filter(active=True).order_by("group", "order", "id"):
        groups[ind.group].append((ind.pk, ind.text))
    return [(IndicatorGroup(g).label, items) for g, items in groups.items() if items]


class IndicatorPicker(CollapsibleCheckboxSelectMultiple):
    """Section 2.1's indicators, a GOV.UK details per heading, with a filter box."""

    filter_label = "Filter the indicators"


def _seen_note(seen: selectors.SeenIndicator) -> str:
    last = timezone.localtime(seen.last_seen)
    contacts = "1 of this customer's contacts" if seen.contacts == 1 else (
        f"{seen.contacts} of this customer's contacts"
    )
    return f"Noted on {contacts}, most recently on {last.day} {last:%B %Y}"


class IndicatorField(forms.ModelMultipleChoiceField):
    widget = IndicatorPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Indicator.objects.filter(active=True))
        super().__init__(**kwargs)

    def _set_grouped(self) -> None:
        self.choices = indicator_choices()

    def offered(self) -> set[int]:
        """The ids of the indicators offered (grouped choices: _set_grouped first)."""
        return {pk for _group, items in self.choices for pk, _text in items}

    def show_seen(self, seen: dict[int, selectors.SeenIndicator]) -> None:
        """Say under each indicator how often it was noted on the customer's contacts."""
        self.widget.notes = {str(pk): _seen_note(s) for pk, s in seen.items()}


SEEN_MONTHS = 12  # the period the decision's evidence counts indicators over


def indicators_seen(customer: Customer) -> tuple[dt.date, dict[int, selectors.SeenIndicator]]:
    """Since when "recently" counts, and the indicators noted on the customer's contacts."""
    since = add_months(timezone.localdate(), -SEEN_MONTHS)
    return since, selectors.indicators_seen_for_customer(customer, since=since)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def preselect_seen_indicators(form: forms.Form, name: str, customer: Customer) -> None:
    """The referral: tick the indicators noted on the customer's contacts in the last 12
    months (an officer refers on what was logged), and say so in the hint."""
    field = form.fields[name]
    since, seen = indicators_seen(customer)
    field.show_seen(seen)
    recent = sorted(pk for pk, s in seen.items() if s.recent and pk in field.offered())
    if recent:
        field.help_text = (
            f"Pre-selected: the {_count(len(recent), 'indicator', 'indicators')} noted on "
            f"this customer's contacts in the last {SEEN_MONTHS} months (since "
            f"{since.day} {since:%B %Y}). Untick any that do not apply; each says how often "
            "it was seen."
        )
        if not form.is_bound:
            field.initial = recent
    elif seen:
        field.help_text = (
            f"None is pre-selected: no indicator was noted on this customer's contacts in the "
            f"last {SEEN_MONTHS} months. Those noted earlier say how often they were seen."
        )
    else:
        field.help_text = "No indicator has been noted on this customer's contacts yet."


def preselect_referral_indicators(form: ActionForm, name: str) -> None:
    """A formal warning or the decision: tick the indicators the referral named (the
    behaviour the case is about), show how often each was noted, and say so in the hint."""
    field = form.fields[name]
    _since, seen = indicators_seen(form.case.customer)
    field.show_seen(seen)
    referred = sorted(
        i.pk for i in form.case.referral_indicators.all() if i.pk in field.offered()
    )
    text = []
    if referred:
        text.append(
            f"Pre-selected: the {_count(len(referred), 'indicator', 'indicators')} the referral "
            "named. Untick any that do not apply."
        )
        if not form.is_bound:
            field.initial = referred
    if seen:
        text.append("Those noted on this customer's contacts say how often they were seen.")
    field.help_text = " ".join(text)


class DirectorateChoiceMixin:
    """A directorate field limited to the user's own directorates; hidden if only one."""

    def setup_directorate(self, user, field_name: str = "directorate") -> None:
        qs = directorates_for(user)
        field = self.fields[field_name]
        field.queryset = qs
        options = list(qs[:2])
        if len(options) == 1:
            field.initial = options[0].pk
            field.widget = forms.HiddenInput()


class CustomerForm(GovukFormMixin, DirectorateChoiceMixin, forms.ModelForm):
    text_limits = {"address": text.ADDRESS_MAX}

    directorate = forms.ModelChoiceField(
        queryset=Directorate.objects.none(),
        label="Your directorate dealing with this customer",
        error_messages={"required": "Choose the directorate dealing with this customer"},
    )
    # The duplicate check (cases.matching): shown once likely matches were found.
    duplicate_reason = forms.CharField(
        label="Why is this a different person from the records found?",
        help_text="For example: checked the date of birth with the caller. This is recorded "
        "with the new record.",
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
    )
    duplicates_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Customer
        fields = [
            "full_name",
            "address",
            "postcode",
            "address_outside_uk",
            "email",
            "phone",
            "preferred_contact_method",
            "communication_needs",
            "large_print",
            "reasonable_adjustments",
            "representative_name",
            "representative_details",
            "representative_consent",
            "representative_consent_on",
        ]
        labels = {"full_name": "Full name"}
        help_texts = {
            "postcode": "For example CA1 1RD.",
            "phone": "A UK number, like 01228 606060 or 07700 900123, or one from "
            "abroad starting with its country code, like +353 1 234 5678.",
        }
        widgets = {
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code",
                                               "class": "govuk-input--width-10"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                            "class": "govuk-input--width-20"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "communication_needs": forms.Textarea(attrs={"rows": 3}),
            "reasonable_adjustments": forms.Textarea(attrs={"rows": 3}),
            "representative_consent_on": IsoDateInput(),
        }
        error_messages = {"full_name": {"required": "Enter the customer's full name"}}

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.phone:
            # Stored in E.164; edited as people read it.
            self.initial["phone"] = self.instance.phone_display
        if creating:
            self.setup_directorate(user)
        else:
            del self.fields["directorate"]

    def clean_representative_consent_on(self):
        value = self.cleaned_data.get("representative_consent_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date consent was given cannot be in the future")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("representative_consent") and not cleaned.get("representative_name"):
            self.add_error(
                "representative_name", "Enter the representative the customer consented to"
            )
        if cleaned.get("representative_consent") and not cleaned.get(
            "representative_consent_on"
        ):
            self.add_error("representative_consent_on", "Enter the date consent was given")
        method = cleaned.get("preferred_contact_method")
        if method == "email" and not cleaned.get("email"):
            self.add_error("email", "Enter an email address, or choose another contact method")
        if method == "phone" and not cleaned.get("phone"):
            self.add_error("phone", "Enter a phone number, or choose another contact method")
        return cleaned


class SearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label="Name, reference, email, phone number or postcode",
        max_length=200,
        required=False,
    )


MATTER_DATES = ("received_on", "decided_on", "closed_on")


class MatterForm(GovukFormMixin, DirectorateChoiceMixin, forms.ModelForm):
    text_limits = {"details": text.DETAILS_MAX}

    class Meta:
        model = Matter
        fields = [
            "directorate", "kind", "summary", "details", "status", "outcome",
            "received_on", "decided_on", "closed_on",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 6}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
            "received_on": IsoDateInput(),
            "decided_on": IsoDateInput(),
            "closed_on": IsoDateInput(),
        }
        error_messages = {
            "kind": {"required": "Choose whether this is a complaint, enquiry, request or concern"},
            "summary": {"required": "Enter a one-line summary"},
            "details": {"required": "Enter the full details"},
            "received_on": {"required": "Enter the date it was received"},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MatterKind.choices
        for name in MATTER_DATES:
            self.fields[name].validators.append(RecordDateValidator())
        self.setup_directorate(user)
        if self.instance.pk:
            del self.fields["directorate"]

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        received = cleaned.get("received_on")
        for name in ("received_on", "decided_on", "closed_on"):
            value = cleaned.get(name)
            if value and value > today:
                self.add_error(name, "The date cannot be in the future")
        for name in ("decided_on", "closed_on"):
            value = cleaned.get(name)
            if value and received and value < received:
                self.add_error(name, "The date cannot be before the date it was received")
        status = cleaned.get("status")
        if status in (MatterStatus.DECIDED, MatterStatus.CLOSED) and not cleaned.get("outcome"):
            self.add_error("outcome", "Enter the decision or outcome reached")
        if status == MatterStatus.DECIDED and not cleaned.get("decided_on"):
            self.add_error("decided_on", "Enter the date the decision was made")
        if status == MatterStatus.CLOSED and not cleaned.get("closed_on"):
            self.add_error("closed_on", "Enter the date it was closed")
        return cleaned


class ContactForm(GovukFormMixin, DirectorateChoiceMixin, forms.Form):
    text_limits = {"summary": text.SUMMARY_MAX}

    directorate = forms.ModelChoiceField(
        queryset=Directorate.objects.none(),
        label="Directorate",
        error_messages={"required": "Choose the directorate that dealt with the contact"},
    )
    channel = forms.ChoiceField(
        choices=Channel.choices,
        widget=forms.RadioSelect,
        label="How did the contact happen?",
        help_text="Contact routed through an MP, councillor, solicitor, the police or the "
        "Ombudsman is recorded as such: it is how the 'scattergun' approach shows up.",
        error_messages={"required": "Choose how the contact happened"},
    )
    direction = forms.ChoiceField(
        choices=Direction.choices,
        widget=forms.RadioSelect,
        initial=Direction.INBOUND,
        error_messages={"required": "Choose whether the contact was from or to the customer"},
    )
    occurred_at = contact_time_field("When did it happen?")
    duration_minutes = duration_field(
        "Duration in minutes", "Needed for telephone calls and personal contacts."
    )
    witness_present = forms.BooleanField(
        label="A witness was present",
        required=False,
        help_text="For personal contacts: a restriction may allow them only with a witness.",
    )
    handled_by = forms.ModelChoiceField(
        queryset=None, label="Handled by", error_messages={"required": "Choose who handled it"}
    )
    recipients = forms.IntegerField(
        label="How many people or addresses was it sent to?",
        min_value=1,
        max_value=500,
        initial=1,
        error_messages={
            "required": "Enter how many recipients there were",
            "min_value": "There must be at least 1 recipient",
            "max_value": "Enter 500 or fewer recipients",
            "invalid": "Enter the number of recipients as a whole number",
        },
    )
    matter = forms.ModelChoiceField(
        queryset=Matter.objects.none(), required=False, label="Which matter is it about?",
        empty_label="Not about a recorded matter",
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Summary",
        help_text="What was said or written. For a call or visit, write it up here.",
        error_messages={"required": "Enter a summary of the contact"},
    )
    indicators = IndicatorField(
        required=False, label="Indicators seen (section 2.1 of the policy)"
    )
    files = MultipleFileField(
        required=False,
        label="Correspondence",
        help_text="Letters, emails or other documents. PDF, Word, text, email, JPG or PNG.",
    )

    def __init__(self, *args, user, customer, kept=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Files kept from an earlier post of this form (cases.services.uploads).
        self.kept = list(kept)
        self.setup_directorate(user)
        self.fields["handled_by"].queryset = staff_in_directorates(directorate_ids_for(user))
        self.fields["handled_by"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["handled_by"].initial = user.pk
        self.fields["matter"].queryset = customer.matters.order_by("-received_on")
        self.fields["indicators"]._set_grouped()
        if not self.is_bound:
            self.fields["occurred_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError("The time of the contact cannot be in the future")
        return value

    def uploads_to_keep(self) -> list:
        """The files chosen in this post that pass the checks (to keep when the form comes
        back with an error, so they need not be chosen again)."""
        if not self.is_bound or not self.files:
            return []
        field = self.fields["files"]
        return field.acceptable(self.files.getlist(self.add_prefix("files")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") in TIMED_CHANNELS and not cleaned.get("duration_minutes"):
            if "duration_minutes" not in self.errors:
                self.add_error(
                    "duration_minutes", "Enter how many minutes the call or visit lasted"
                )
        # The box is hidden for other channels; a tick left behind there means nothing.
        if cleaned.get("channel") != Channel.IN_PERSON:
            cleaned["witness_present"] = False
        return cleaned


class ContactFilterForm(GovukFormMixin, forms.Form):
    """The filters over a customer's contact timeline, read from the page's query string.

    Every field is optional; a bad value (a channel or matter that is not in the list, a
    date that is not a date, a "to" date before the "from" date) is a message on the form,
    never an error page. Dates are UK calendar days: "to 3 June" includes the whole day.
    """

    BREACH_CHOICES = [
        ("", "Any"),
        ("yes", "Outside the restrictions"),
        ("no", "Within the restrictions"),
    ]

    channel = forms.ChoiceField(
        label="Channel", required=False,
        choices=[("", "Any channel"), *Channel.choices],
        error_messages={"invalid_choice": "Choose a channel from the list"},
    )
    matter = forms.ModelChoiceField(
        label="Matter", required=False, queryset=Matter.objects.none(),
        to_field_name="reference", empty_label="Any matter",
        error_messages={"invalid_choice": "Choose one of this customer's matters"},
    )
    breach = forms.ChoiceField(
        label="Restrictions", required=False, choices=BREACH_CHOICES,
        error_messages={"invalid_choice": "Choose whether the contact was outside the "
                        "restrictions from the list"},
    )
    from_date = forms.DateField(
        label="From", required=False, widget=IsoDateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[RecordDateValidator("The 'from' date", ahead=True)],
        error_messages={"invalid": "Enter the 'from' date as a real date, like 01/05/2025"},
    )
    to_date = forms.DateField(
        label="To", required=False, widget=IsoDateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[RecordDateValidator("The 'to' date", ahead=True)],
        error_messages={"invalid": "Enter the 'to' date as a real date, like 31/05/2025"},
    )

    def __init__(self, *args, customer, matters=None, **kwargs):
        """`matters`: the matters the page lists (`selectors.Capped`, the latest). The
        drop-down offers those, not every matter of a customer with hundreds; any of the
        customer's matters is still a valid filter (from the list of all matters)."""
        super().__init__(*args, **kwargs)
        field = self.fields["matter"]
        field.queryset = customer.matters.order_by("-received_on", "-id")
        field.label_from_instance = self._matter_label
        self._shown = None
        if matters is not None:
            self._shown = {m.pk for m in matters}
            field.widget.choices = [("", field.empty_label),
                                    *((m.reference, self._matter_label(m)) for m in matters)]
            if getattr(matters, "more", False):
                field.help_text = (f"The latest {len(matters)} of {matters.total} matters; "
                                   "for an older one, use its link in the list of matters")

    @staticmethod
    def _matter_label(matter) -> str:
        return f"{matter.reference}: {matter.summary[:60]}"

    def clean_matter(self):
        matter = self.cleaned_data.get("matter")
        if matter is not None and self._shown is not None and matter.pk not in self._shown:
            # An older matter, chosen from the list of all of them, stays chosen.
            widget = self.fields["matter"].widget
            widget.choices = [*widget.choices, (matter.reference, self._matter_label(matter))]
        return matter

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "The 'to' date must be the same as or after the "
                           "'from' date")
        return cleaned

    def filters(self) -> dict:
        """The chosen filters, as `selectors.contacts_for_customer` takes them; none if the
        form is not valid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        breach = {"yes": True, "no": False}.get(data.get("breach") or "")
        chosen = {
            "channel": data.get("channel") or None,
            "matter": data.get("matter"),
            "breach": breach,
            "from_date": data.get("from_date"),
            "to_date": data.get("to_date"),
        }
        return {k: v for k, v in chosen.items() if v is not None}

    def query(self) -> dict[str, str]:
        """The chosen filters as query parameters, for the pagination links."""
        if not self.is_valid():
            return {}
        return {
            name: str(self.data[name]) for name in self.fields
            if self.cleaned_data.get(name) not in (None, "")
        }


class InformalWarningForm(GovukFormMixin, DirectorateChoiceMixin, forms.Form):
    directorate = forms.ModelChoiceField(queryset=Directorate.objects.none())
    method = forms.ChoiceField(
        choices=WarningMethod.choices, widget=forms.RadioSelect, label="How was it given?",
        error_messages={"required": "Choose how the warning was given"},
    )
    given_on = forms.DateField(
        label="Date given", widget=IsoDateInput(), validators=[RecordDateValidator()],
        error_messages={"required": "Enter the date the warning was given",
                        "invalid": "Enter a real date"},
    )
    behaviours = IndicatorField(
        label="Behaviours the warning is about",
        error_messages={"required": "Choose at least one behaviour the warning is about"},
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="What the customer was told",
        error_messages={"required": "Enter what the customer was told"},
    )

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_directorate(user)
        behaviours = self.fields["behaviours"]
        behaviours._set_grouped()
        _since, seen = indicators_seen(customer)
        behaviours.show_seen(seen)
        if seen:
            # On the spot, about what the customer just did: nothing is ticked for the officer.
            behaviours.help_text = (
                "None is pre-selected: tick what you warned the customer about. Those "
                "already noted on this customer's contacts say how often they were seen."
            )
        self.fields["given_on"].initial = timezone.localdate()

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return value


class ReferForm(GovukFormMixin, DirectorateChoiceMixin, forms.Form):
    directorate = forms.ModelChoiceField(
        queryset=Directorate.objects.none(), label="Your directorate",
        error_messages={"required": "Choose your directorate"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Why are you referring this customer to a manager?",
        error_messages={"required": "Enter why you are referring this customer"},
    )
    indicators = IndicatorField(
        label="Indicators you have seen",
        error_messages={"required": "Choose at least one indicator you have seen"},
    )
    evidence_contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Contacts that show the behaviour",
    )

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_directorate(user)
        self.fields["indicators"]._set_grouped()
        preselect_seen_indicators(self, "indicators", customer)
        contacts = customer.contacts.order_by("-occurred_at")[:50]
        self.fields["evidence_contacts"].queryset = customer.contacts.filter(
            pk__in=[c.pk for c in contacts]
        ).order_by("-occurred_at")
        if not self.is_bound:
            # Start from the contacts where someone already noted an indicator.
            self.fields["evidence_contacts"].initial = [
                c.pk for c in customer.contacts.filter(indicators__isnull=False).distinct()[:20]
            ]
        self.fields["evidence_contacts"].label_from_instance = lambda c: (
            f"{timezone.localtime(c.occurred_at):%d %b %Y %H:%M} – {c.get_channel_display()}: "
            f"{c.summary[:80]}"
        )


# --- case actions --------------------------------------------------------------------------


class ActionForm(GovukFormMixin, forms.Form):
    """Every case action carries the state the user saw, so a stale page is caught."""

    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, case, user, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["expected_state"].initial = case.state

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return data


class NoteActionForm(ActionForm):
    note_label = "Note"
    note_required = True

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = self.note_label
        self.fields["note"].required = self.note_required
        what = self.note_label[0].lower() + self.note_label[1:]
        self.fields["note"].error_messages["required"] = f"Enter {what}"


class FormalWarningForm(ActionForm):
    method = forms.ChoiceField(
        choices=[(WarningMethod.LETTER, "By letter"), (WarningMethod.EMAIL, "By email")],
        widget=forms.RadioSelect,
        label="How was the written warning sent?",
        error_messages={"required": "Choose how the written warning was sent"},
    )
    given_on = forms.DateField(
        label="Date sent", widget=IsoDateInput(), validators=[RecordDateValidator()],
        error_messages={"required": "Enter the date the warning was sent",
                        "invalid": "Enter a real date"},
    )
    behaviours = IndicatorField(
        label="Behaviours the warning is about",
        error_messages={"required": "Choose at least one behaviour the warning is about"},
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="What the warning says",
        error_messages={"required": "Enter what the warning says"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["behaviours"]._set_grouped()
        preselect_referral_indicators(self, "behaviours")
        self.fields["given_on"].initial = timezone.localdate()

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return value


class SkipWarningForm(ActionForm):
    kind = forms.ChoiceField(
        widget=forms.RadioSelect, label="Why is no warning being given?",
        error_messages={"required": "Choose why no warning is being given"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="Reason, with the evidence relied on",
        error_messages={"required": "Enter the reason for proceeding without a warning"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = rules.skip_kinds_allowed(self.user)
        self.fields["kind"].choices = [
            (k, WarningSkipKind(k).label) for k in WarningSkipKind.values if k in allowed
        ]


class BehaviourContinuedForm(NoteActionForm):
    note_label = "What behaviour continued after the warning"


class BehaviourStoppedForm(NoteActionForm):
    note_label = "How the behaviour has changed"


class CloseReferralForm(NoteActionForm):
    note_label = "Why no further action is needed"


class ClosePreconditionFailedForm(NoteActionForm):
    note_label = "Which precondition failed and how it is being put right"


class SubmitForDecisionForm(NoteActionForm):
    note_label = "Note for the senior manager (optional)"
    note_required = False


class DesignateForm(ActionForm):
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Reasons for designating, in plain words",
        help_text="These explain to the customer why the policy is applied.",
        error_messages={"required": "Enter the reasons for designating"},
        validators=[CustomerReasonValidator("the reasons for designating")],
    )
    indicators = IndicatorField(
        label="Indicators the decision relies on",
        error_messages={"required": "Choose the indicators the decision relies on"},
    )

    NO_SANCTION = (
        "Choose at least one sanction: a designation without one restricts nothing and "
        "cannot be made"
    )
    # Its sanction sub-forms are always part of the decision (templates read this, as they
    # do for a challenge or review that varies the sanctions).
    varying = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"]._set_grouped()
        preselect_referral_indicators(self, "indicators")
        # One sub-form per sanction kind, bound to the same POST (section 2.4).
        self.sanction_forms = sanction_forms(
            self.data if self.is_bound else None, case=self.case
        )

    def is_valid(self) -> bool:
        own = super().is_valid()
        # Every ticked sanction is validated, so all their errors show at once.
        sanctions = [f.is_valid() for f in self.sanction_forms]
        return own and all(sanctions)

    @property
    def has_any_errors(self) -> bool:
        return bool(self.errors) or any(f.errors for f in self.sanction_forms)

    def clean(self):
        cleaned = super().clean()
        used = [f for f in self.sanction_forms if f.used]
        if not used:
            self.add_error(None, self.NO_SANCTION)
        cleaned["sanctions"] = [f.spec() for f in used if f.is_valid()]
        return cleaned


class DeclineForm(ActionForm):
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Reasons for not designating",
        error_messages={"required": "Enter the reasons for not designating"},
    )


class ReturnForm(NoteActionForm):
    note_label = "What more work is needed"


class PreconditionForm(GovukFormMixin, forms.Form):
    """One per precondition on the case page, told apart by the form prefix."""

    met = forms.TypedChoiceField(
        choices=[("yes", "Yes, I am satisfied"), ("no", "No, this is not met")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Are you satisfied?",
        error_messages={"required": "Choose whether you are satisfied"},
    )
    confirmed_on = forms.DateField(
        label="Date", widget=IsoDateInput(), validators=[RecordDateValidator()],
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How you satisfied yourself",
        error_messages={"required": "Enter a note of how you satisfied yourself"},
    )

    def __init__(self, *args, check=None, **kwargs):
        if check is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "met": "yes" if check.met else "no",
                "confirmed_on": check.confirmed_on,
                "note": check.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["confirmed_on"].initial = timezone.localdate()

    def clean_confirmed_on(self):
        value = self.cleaned_data["confirmed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return value


class AlternativeForm(GovukFormMixin, forms.Form):
    """One per alternative on the case page, told apart by the form prefix."""

    outcome = forms.ChoiceField(
        choices=AlternativeOutcome.choices, widget=forms.RadioSelect, label="Outcome",
        error_messages={"required": "Choose what happened"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Reason",
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, record=None, **kwargs):
        if record is not None and "initial" not in kwargs:
            kwargs["initial"] = {"outcome": record.outcome, "reason": record.reason}
        super().__init__(*args, **kwargs)


class CoordinationForm(GovukFormMixin, forms.Form):
    involved_directorates = forms.ModelMultipleChoiceField(
        queryset=Directorate.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, label="Other directorates involved",
    )
    key_officer = forms.ModelChoiceField(
        queryset=None, required=False, label="Key officer",
        help_text="Co-ordinates the council's response when more than one directorate is "
        "involved.",
        empty_label="No key officer",
    )
    deciding_manager = forms.ModelChoiceField(
        queryset=None, required=False, label="Senior manager named to decide",
        help_text="The lead directorate's senior managers decide whether to designate. Name "
        "another senior manager of one of the case's directorates if they should, for "
        "example when those of the lead directorate took part in the case.",
        empty_label="None: the lead directorate's senior managers",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["involved_directorates"].queryset = Directorate.objects.exclude(
            pk=case.lead_directorate_id
        )
        self.fields["key_officer"].queryset = staff_in_directorates(None).filter(
            groups__name__in=[Role.OFFICER.label, Role.SERVICE_MANAGER.label]
        ).distinct()
        self.fields["key_officer"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["deciding_manager"].queryset = staff_in_directorates(None).filter(
            groups__name=Role.SENIOR_MANAGER.label
        ).distinct()
        self.fields["deciding_manager"].label_from_instance = (
            lambda u: u.get_full_name() or u.username
        )
        if not self.is_bound:
            self.fields["involved_directorates"].initial = [
                d.pk for d in case.involved_directorates.all()
            ]
            self.fields["key_officer"].initial = case.key_officer_id
            self.fields["deciding_manager"].initial = case.deciding_manager_id


# --- Corrections and dispute statements ------------------------------------------------------

REASON_HELP = (
    "What was wrong, and how you know. The original stays in the record, struck through, "
    "with your name and this reason."
)


class CorrectionFormMixin:
    """The record's correctable fields as they are now, and the reason for correcting."""

    def add_reason(self) -> None:
        self.fields["reason"] = forms.CharField(
            label="Why are you correcting it?",
            help_text=REASON_HELP,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": "Enter why you are correcting the record"},
        )

    def corrections(self) -> dict:
        """The fields to hand to the service (everything but the reason)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class ContactCorrectionForm(CorrectionFormMixin, GovukFormMixin, forms.ModelForm):
    text_limits = {"summary": text.SUMMARY_MAX}
    indicators = IndicatorField(
        required=False, label="Indicators seen (section 2.1 of the policy)"
    )

    class Meta:
        model = Contact
        fields = ["direction", "summary", "indicators"]
        widgets = {"direction": forms.RadioSelect, "summary": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "summary": {"required": "Enter a summary of the contact"},
            "direction": {"required": "Choose whether the contact was from or to the customer"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = Direction.choices
        self.fields["indicators"]._set_grouped()
        self.add_reason()


class WarningCorrectionForm(CorrectionFormMixin, GovukFormMixin, forms.ModelForm):
    behaviours = IndicatorField(
        label="Behaviours the warning is about",
        error_messages={"required": "Choose at least one behaviour the warning is about"},
    )

    class Meta:
        model = Warning
        fields = ["method", "given_on", "summary", "behaviours"]
        widgets = {
            "method": forms.RadioSelect,
            "given_on": IsoDateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"given_on": "Date given", "method": "How was it given?"}
        error_messages = {
            "method": {"required": "Choose how the warning was given"},
            "given_on": {"required": "Enter the date the warning was given",
                         "invalid": "Enter a real date"},
            "summary": {"required": "Enter what the customer was told"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = WarningMethod.choices
        self.fields["given_on"].validators.append(RecordDateValidator())
        self.fields["behaviours"]._set_grouped()
        self.add_reason()

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return value


class MatterCorrectionForm(CorrectionFormMixin, GovukFormMixin, forms.ModelForm):
    text_limits = {"details": text.DETAILS_MAX}

    class Meta:
        model = Matter
        fields = ["kind", "summary", "details", "received_on"]
        widgets = {
            "kind": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 6}),
            "received_on": IsoDateInput(),
        }
        error_messages = MatterForm.Meta.error_messages

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MatterKind.choices
        self.fields["received_on"].validators.append(RecordDateValidator())
        self.add_reason()

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return value


class CustomerCorrectionForm(CorrectionFormMixin, GovukFormMixin, forms.ModelForm):
    text_limits = {"address": text.ADDRESS_MAX}

    class Meta:
        model = Customer
        fields = ["full_name", "address", "postcode", "address_outside_uk", "email", "phone"]
        labels = CustomerForm.Meta.labels
        help_texts = CustomerForm.Meta.help_texts
        widgets = {
            k: v for k, v in CustomerForm.Meta.widgets.items()
            if k in ("postcode", "phone", "address")
        }
        error_messages = CustomerForm.Meta.error_messages

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.phone:
            self.initial["phone"] = self.instance.phone_display
        self.add_reason()


CORRECTION_FORMS = {
    "customer": CustomerCorrectionForm,
    "matter": MatterCorrectionForm,
    "contact": ContactCorrectionForm,
    "warning": WarningCorrectionForm,
}


class DisputeForm(GovukFormMixin, forms.Form):
    text_limits = {"statement": text.DETAILS_MAX}

    statement = forms.CharField(
        label="The customer's statement",
        help_text="What the customer says is wrong, in their words, or as they sent it.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the customer's statement"},
    )
    received_on = forms.DateField(
        label="Date received", widget=IsoDateInput(), validators=[RecordDateValidator()],
        error_messages={"required": "Enter the date the statement was received",
                        "invalid": "Enter a real date"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return value
