"""The sanctions a senior manager chooses when designating (section 2.4), one form per kind.

Each form is prefixed with its kind and starts with a "use this sanction" checkbox; only the
ticked ones are validated, the others are ignored (their typed values still re-render).
`spec()` turns a ticked, valid form into the dict `cases.services.case_designate` takes,
whose `sanctions.services.build_sanctions` has the last word on every rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone

from accounts.models import Directorate
from accounts.roles import Role
from accounts.selectors import staff_in_directorates
from cases.deadlines import add_months, review_due
from cases.models import Contact, DesignationCase
from sanctions.models import (
    SINGLE_MEDIUM_CHOICES,
    WEEKDAYS,
    CallPeriod,
    SanctionKind,
)
from ucp.dates import RecordDateValidator
from ucp.forms import GovukFormMixin, IsoDateInput
from ucp.reasons import CustomerReasonValidator

# How many of the customer's contacts (the last 12 months, newest first) are offered as
# evidence: enough for the pattern, few enough to read.
EVIDENCE_CONTACTS_OFFERED = 30
# Staff who deal with customers, and so may be the one named officer.
NAMED_OFFICER_ROLES = (Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER)


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class SanctionChoices:
    """Everything the eight forms offer, read once per page rather than once per form."""

    case: DesignationCase
    today: dt.date
    review_on: dt.date
    directorates: QuerySet
    directorate_choices: list[tuple[int, str]]
    staff: QuerySet
    staff_choices: list[tuple[Any, str]]
    matters: QuerySet
    matter_choices: list[tuple[int, str]]
    contacts: QuerySet
    contact_choices: list[tuple[int, str]]

    @classmethod
    def for_case(
        cls, case: DesignationCase, today: dt.date | None = None, review_on: dt.date | None = None
    ) -> SanctionChoices:
        """`review_on` is the review the sanctions must end by: six months from `today` for a
        designation; the review date in force when they are varied on challenge or review."""
        today = today or timezone.localdate()
        ids = [case.lead_directorate_id, *(d.pk for d in case.involved_directorates.all())]
        directorates = Directorate.objects.filter(pk__in=ids)
        # Lead directorate first: it is the default scope.
        directorate_choices = sorted(
            ((d.pk, d.name) for d in directorates),
            key=lambda c: (c[0] != case.lead_directorate_id, c[1]),
        )
        staff = (
            staff_in_directorates(ids)
            .filter(groups__name__in=[Role(r).label for r in NAMED_OFFICER_ROLES])
            .distinct()
        )
        staff_choices = [("", "Choose a member of staff")] + [
            (u.pk, u.get_full_name() or u.get_username()) for u in staff
        ]
        matters = case.customer.matters.select_related("directorate").order_by(
            "-received_on", "-id"
        )
        matter_choices = [
            (m.pk, f"{m.reference}: {m.summary} ({m.get_kind_display().lower()}, "
                   f"{m.directorate.name})")
            for m in matters
        ]
        since = timezone.make_aware(dt.datetime.combine(add_months(today, -12), dt.time.min))
        recent = list(
            case.customer.contacts.filter(occurred_at__gte=since).order_by(
                "-occurred_at", "-id"
            )[:EVIDENCE_CONTACTS_OFFERED]
        )
        contacts = Contact.objects.filter(pk__in=[c.pk for c in recent])
        contact_choices = [
            (c.pk, f"{timezone.localtime(c.occurred_at):%d %b %Y %H:%M} – "
                   f"{c.get_channel_display()}: {c.summary[:80]}")
            for c in recent
        ]
        return cls(
            case=case, today=today, review_on=review_on or review_due(today),
            directorates=directorates, directorate_choices=directorate_choices,
            staff=staff, staff_choices=staff_choices,
            matters=matters, matter_choices=matter_choices,
            contacts=contacts, contact_choices=contact_choices,
        )


class SanctionForm(GovukFormMixin, forms.Form):
    """What every sanction has: the tick, a scope, dates, reasons and evidence."""

    kind: ClassVar[str]
    hint: ClassVar[str] = ""
    # The typed parameters, named as the Sanction model's fields.
    param_names: ClassVar[tuple[str, ...]] = ()
    common_names: ClassVar[tuple[str, ...]] = (
        "directorates", "council_wide", "council_wide_justification",
        "starts_on", "ends_on", "reasons", "evidence_contacts",
    )
    # Numbers of a digit or two: a narrow box says so.
    narrow_fields: ClassVar[tuple[str, ...]] = ()
    # Fields are required only once the sanction is ticked; the browser must not insist.
    use_required_attribute = False

    use = forms.BooleanField(required=False)
    directorates = forms.ModelMultipleChoiceField(
        queryset=Directorate.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, label="Services it covers",
        help_text="The services affected by the behaviour, not the whole council.",
        error_messages={
            "invalid_choice": "Choose from the directorates involved in this case; a wider "
            "scope needs the whole council option and a justification",
        },
    )
    council_wide = forms.BooleanField(
        required=False, label="The whole council",
        help_text="Only when the behaviour affects services across the council. Needs a "
        "written justification.",
    )
    council_wide_justification = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label="Why it must cover the whole council (only if you chose the whole council)",
    )
    starts_on = forms.DateField(
        label="Starts on", widget=IsoDateInput(), validators=[RecordDateValidator(ahead=True)],
        error_messages={"required": "Enter the date it starts", "invalid": "Enter a real date"},
    )
    ends_on = forms.DateField(
        label="Ends on", widget=IsoDateInput(), validators=[RecordDateValidator(ahead=True)],
        error_messages={"required": "Enter the date it ends", "invalid": "Enter a real date"},
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Why this sanction is needed",
        help_text="Why it is proportionate to the behaviour. The customer's letter uses this.",
        error_messages={"required": "Enter the reasons for this sanction"},
        validators=[CustomerReasonValidator("why this sanction is needed")],
    )
    evidence_contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Contacts that show why (optional)",
    )

    def __init__(self, data=None, *, choices: SanctionChoices, **kwargs) -> None:
        kwargs.setdefault("prefix", self.kind)
        super().__init__(data, **kwargs)
        self.choices = choices
        self.case = choices.case
        self.order_fields(["use", *self.param_names, *self.common_names])
        use = self.fields["use"]
        use.label = SanctionKind(self.kind).label
        use.help_text = self.hint
        use.widget.attrs["data-aria-controls"] = f"conditional-{self.kind}"
        for name in self.narrow_fields:
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-3"

        self._choose("directorates", choices.directorates, choices.directorate_choices)
        self._choose("evidence_contacts", choices.contacts, choices.contact_choices)
        self.fields["ends_on"].help_text = (
            f"No later than the six-month review on {_long_date(choices.review_on)}: "
            "no restriction is open-ended."
        )
        if not self.is_bound:
            self.fields["directorates"].initial = [self.case.lead_directorate_id]
            self.fields["starts_on"].initial = choices.today
            self.fields["ends_on"].initial = choices.review_on

    def _choose(self, name: str, queryset: QuerySet, options: list) -> None:
        # The queryset validates what is posted; the ready-made list is what is shown, so
        # the eight forms on the page share one query per list.
        field = self.fields[name]
        field.queryset = queryset
        field.choices = options

    # --- the tick ------------------------------------------------------------------------

    @property
    def used(self) -> bool:
        if not self.is_bound:
            return False
        widget = self.fields["use"].widget
        return bool(widget.value_from_datadict(self.data, self.files, self.add_prefix("use")))

    @property
    def label(self) -> str:
        return SanctionKind(self.kind).label

    def full_clean(self) -> None:
        if self.is_bound and not self.used:
            # Not chosen: nothing to validate, nothing to create.
            self._errors = ErrorDict()
            self.cleaned_data = {"use": False}
            return
        super().full_clean()

    # --- what the template lays out --------------------------------------------------------

    @property
    def param_fields(self) -> list:
        return [self[name] for name in self.param_names]

    @property
    def scope_fields(self) -> list:
        return [self[n] for n in ("directorates", "council_wide", "council_wide_justification")]

    @property
    def date_fields(self) -> list:
        return [self["starts_on"], self["ends_on"]]

    # --- validation --------------------------------------------------------------------------

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("council_wide"):
            if not (cleaned.get("council_wide_justification") or "").strip():
                self.add_error(
                    "council_wide_justification",
                    "Explain why the restriction must cover the whole council",
                )
        elif "directorates" not in self.errors and not cleaned.get("directorates"):
            self.add_error(
                "directorates", "Choose the service or services it covers, or the whole council"
            )
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        today, review_on = self.choices.today, self.choices.review_on
        if starts and starts < today:
            self.add_error(
                "starts_on", f"It cannot start before the decision, today ({_long_date(today)})"
            )
        if ends and ends > review_on:
            self.add_error(
                "ends_on",
                f"It must end by the six-month review on {_long_date(review_on)}; "
                "restrictions are never open-ended",
            )
        elif starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return cleaned

    def params(self) -> dict[str, Any]:
        """The typed parameters, as Sanction model field values (m2m as lists)."""
        result = {}
        for name in self.param_names:
            value = self.cleaned_data.get(name)
            result[name] = list(value) if isinstance(value, QuerySet) else value
        return result

    def spec(self) -> dict[str, Any]:
        """The sanction as `case_designate(sanctions=[...])` takes it."""
        cd = self.cleaned_data
        council_wide = bool(cd.get("council_wide"))
        return {
            "kind": self.kind,
            **self.params(),
            "directorates": list(cd.get("directorates") or []),
            "council_wide": council_wide,
            "council_wide_justification": (
                cd.get("council_wide_justification", "").strip() if council_wide else ""
            ),
            "starts_on": cd["starts_on"],
            "ends_on": cd["ends_on"],
            "reasons": cd["reasons"].strip(),
            "evidence_contacts": list(cd.get("evidence_contacts") or []),
        }


class TimeLimitForm(SanctionForm):
    kind = SanctionKind.TIME_LIMIT.value
    hint = "Calls and personal contacts end after a set number of minutes."
    param_names = ("max_minutes",)
    narrow_fields = ("max_minutes",)

    max_minutes = forms.IntegerField(
        label="Longest call or personal contact, in minutes", min_value=1, max_value=240,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the longest a call or personal contact may last",
            "invalid": "Enter the minutes as a whole number, like 15",
            "min_value": "The time limit must be at least 1 minute",
            "max_value": "The time limit must be 240 minutes or fewer",
        },
    )


class CallLimitForm(SanctionForm):
    kind = SanctionKind.CALL_LIMIT.value
    hint = "For example one call a week, on a named weekday, in the morning."
    param_names = ("calls_per_week", "call_weekdays", "call_period")
    narrow_fields = ("calls_per_week",)

    calls_per_week = forms.IntegerField(
        label="Calls taken each week", min_value=1, max_value=20,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many calls a week will be taken",
            "invalid": "Enter the number of calls as a whole number, like 1",
            "min_value": "At least 1 call a week must be taken: restrict contact, do not "
            "remove it",
            "max_value": "Enter 20 calls a week or fewer",
        },
    )
    call_weekdays = forms.TypedMultipleChoiceField(
        choices=[(i, day) for i, day in enumerate(WEEKDAYS)], coerce=int,
        widget=forms.CheckboxSelectMultiple, label="Days calls are taken",
        error_messages={"required": "Choose the day or days calls are taken"},
    )
    call_period = forms.ChoiceField(
        choices=CallPeriod.choices, widget=forms.RadioSelect, label="Time of day",
        error_messages={"required": "Choose morning, afternoon or any time"},
    )

    def params(self) -> dict[str, Any]:
        result = super().params()
        result["call_weekdays"] = ",".join(str(d) for d in sorted(result["call_weekdays"]))
        return result


class SingleMediumForm(SanctionForm):
    kind = SanctionKind.SINGLE_MEDIUM.value
    hint = "Every other way of contacting the council is refused. Can be used with a named "\
        "member of staff."
    param_names = ("allowed_channel",)

    allowed_channel = forms.ChoiceField(
        choices=SINGLE_MEDIUM_CHOICES, widget=forms.RadioSelect, label="The one medium allowed",
        error_messages={"required": "Choose the one medium the customer may use"},
    )


class NamedOfficerForm(SanctionForm):
    kind = SanctionKind.NAMED_OFFICER.value
    hint = "Only this member of staff deals with the customer. Can be used with one medium "\
        "of contact only."
    param_names = ("named_officer",)

    named_officer = forms.ModelChoiceField(
        queryset=None, label="Member of staff",
        help_text="Staff of the directorates involved in this case.",
        error_messages={"required": "Choose the member of staff the customer deals with"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._choose("named_officer", self.choices.staff, self.choices.staff_choices)


class WitnessForm(SanctionForm):
    kind = SanctionKind.WITNESS.value
    hint = "Meetings and visits go ahead only with a second member of staff present."


class RefuseComplaintsForm(SanctionForm):
    kind = SanctionKind.REFUSE_COMPLAINTS.value
    hint = "What still arrives about these matters is filed, not processed, but someone "\
        "still reads it for new information or a safeguarding concern."
    param_names = ("matters",)

    matters = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple,
        label="Matters on which further complaints are refused",
        error_messages={"required": "Choose the matter or matters refused"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._choose("matters", self.choices.matters, self.choices.matter_choices)
        if not self.choices.matter_choices:
            self.fields["matters"].help_text = (
                "No matters are recorded for this customer, so this sanction cannot be used."
            )


class OfficeAccessForm(SanctionForm):
    kind = SanctionKind.OFFICE_ACCESS.value
    hint = "Visits to council offices are restricted. Reviewed with the designation."
    param_names = ("all_offices", "offices")

    all_offices = forms.BooleanField(required=False, label="All council offices")
    offices = forms.CharField(
        required=False, max_length=300, label="Or name the offices",
        help_text="For example: Workington customer service centre.",
        error_messages={"max_length": "Name the offices in 300 characters or fewer"},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("all_offices") and not (cleaned.get("offices") or "").strip():
            if "offices" not in self.errors:
                self.add_error("offices", "Name the offices, or choose all offices")
        if cleaned.get("all_offices"):
            cleaned["offices"] = ""
        return cleaned


class PoliceOrLegalForm(SanctionForm):
    kind = SanctionKind.POLICE_OR_LEGAL.value
    hint = "For harassment, aggression or threats to staff (section 2.4). It may be chosen "\
        "without a prior warning: the reason the warning was skipped is recorded on the case."
    param_names = ("reference",)

    reference = forms.CharField(
        max_length=100, label="Police or legal reference",
        help_text="The police incident number or the legal services reference.",
        error_messages={
            "required": "Enter the police or legal reference",
            "max_length": "Enter a reference of 100 characters or fewer",
        },
    )


SANCTION_FORMS: tuple[type[SanctionForm], ...] = (
    TimeLimitForm,
    CallLimitForm,
    SingleMediumForm,
    NamedOfficerForm,
    WitnessForm,
    RefuseComplaintsForm,
    OfficeAccessForm,
    PoliceOrLegalForm,
)


def sanction_forms(
    data=None, *, case: DesignationCase, review_on: dt.date | None = None
) -> list[SanctionForm]:
    """One form per kind, in section 2.4's order, all bound to the same POST (or none).

    `review_on` (default: six months from today) is the date every sanction must end by."""
    choices = SanctionChoices.for_case(case, review_on=review_on)
    return [form_class(data, choices=choices) for form_class in SANCTION_FORMS]
