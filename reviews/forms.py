"""Forms for challenges and six-month reviews. They check what a person typed and hand clean
values to `reviews.services`, which has the last word on every rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cases import deadlines
from cases.forms import ActionForm
from cases.models import DesignationCase
from reviews.models import Challenge, ChallengeChannel, ChallengeOutcome, ReviewOutcome
from sanctions.forms import sanction_forms
from ucp.dates import RecordDateValidator
from ucp.forms import GovukFormMixin, IsoDateInput
from ucp.reasons import CustomerReasonValidator

# Not one of ChallengeChannel: a telephone request is noted, but is not a request for a review
# until the customer puts it in writing (section 2.4).
TELEPHONE = "phone"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class TimeInput(forms.TimeInput):
    """A browser time picker (24-hour, as typed: 23:59)."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class RecordChallengeForm(ActionForm):
    """A customer's request for a review, as it reached the council."""

    channel = forms.ChoiceField(
        choices=[
            *ChallengeChannel.choices,
            (TELEPHONE, "Telephone – not yet a request: the customer must put it in writing"),
        ],
        widget=forms.RadioSelect,
        label="How did the customer ask for a review?",
        error_messages={"required": "Choose how the customer asked for a review"},
    )
    received_on = forms.DateField(
        required=False, label="Date received", widget=IsoDateInput(),
        validators=[RecordDateValidator("The date received")],
        help_text="The day the letter, email or web form reached the council.",
        error_messages={"invalid": "Enter a real date"},
    )
    received_time = forms.TimeField(
        required=False, label="Time received (email or web form only, optional)",
        widget=TimeInput(), input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
        help_text="The time on the email or web form, for example 23:59. A request sent "
        "before midnight on the last day is in time.",
        error_messages={"invalid": "Enter a real time, like 23:59"},
    )
    grounds = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}),
        label="The customer's grounds for asking for a review",
        help_text="What the customer says is wrong with the decision, in their words where "
        "you can. For a telephone call, a note of what they said.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["received_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        channel = cleaned.get("channel")
        if channel == TELEPHONE or not channel:
            return cleaned
        received_on, at_time = cleaned.get("received_on"), cleaned.get("received_time")
        if received_on is None and "received_on" not in self.errors:
            self.add_error("received_on", "Enter the date the request was received")
        if not (cleaned.get("grounds") or "").strip():
            self.add_error("grounds", "Enter the customer's grounds for asking for a review")
        if at_time is not None and channel == ChallengeChannel.LETTER:
            self.add_error(
                "received_time",
                "Leave the time blank for a letter: only its date of receipt counts",
            )
            return cleaned
        today = timezone.localdate()
        if received_on is not None and received_on > today:
            self.add_error("received_on", "The date received cannot be in the future")
        elif received_on is not None and at_time is not None:
            received_at = timezone.make_aware(dt.datetime.combine(received_on, at_time))
            if received_at > timezone.now():
                self.add_error("received_time", "The time received cannot be in the future")
            cleaned["received_at"] = received_at
        if received_on and self.case.designated_on and received_on < self.case.designated_on:
            self.add_error(
                "received_on",
                "The request cannot have been received before the designation on "
                f"{_long_date(self.case.designated_on)}",
            )
        return cleaned


class ChallengeStepForm(GovukFormMixin, forms.Form):
    """Every step on a challenge carries the status the user saw, so a stale page is caught."""

    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, challenge: Challenge, user, **kwargs):
        self.challenge = challenge
        self.case: DesignationCase = challenge.case
        self.user = user
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["expected_status"].initial = challenge.status


class LateDecisionForm(ChallengeStepForm):
    reason_label = "Reason"
    reason_help = ""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = self.reason_label
        field.help_text = self.reason_help
        field.error_messages["required"] = f"Enter {self.reason_label[0].lower()}" \
            f"{self.reason_label[1:]}"


class AcceptLateForm(LateDecisionForm):
    reason_label = "Why the late request is accepted"
    reason_help = "For example illness, or the letter reaching the customer late. The reason " \
        "is recorded on the case."


class RefuseLateForm(LateDecisionForm):
    reason_label = "Why the late request is not accepted"
    reason_help = "The customer is told this reason."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].validators.append(CustomerReasonValidator("why"))


def reviewer_label(user) -> str:
    """'Rory Reviewer – Head of Finance, Resources': who the person is, in a line."""
    name = user.get_full_name() or user.get_username()
    profile = getattr(user, "staff_profile", None)
    parts = []
    if profile is not None:
        if profile.job_title:
            parts.append(profile.job_title)
        parts += [d.name for d in profile.directorates.all()]
    return f"{name} – {', '.join(parts)}" if parts else name


class AssignReviewerForm(ChallengeStepForm):
    """Only the people `independent_reviewers(case)` lists can be chosen: a forged POST of
    anyone else is an invalid choice here, and refused again by the service."""

    reviewer = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, label="Independent reviewer",
        help_text="Senior managers holding the Independent Reviewer role who took no part "
        "in this case.",
        error_messages={
            "required": "Choose an independent reviewer",
            "invalid_choice": "Choose one of the independent reviewers listed: the person "
            "chosen is not independent of this case",
        },
    )

    def __init__(self, *args, reviewers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewers = {u.pk: u for u in reviewers}
        self.fields["reviewer"].choices = [(u.pk, reviewer_label(u)) for u in reviewers]
        if not self.is_bound and self.challenge.reviewer_id in self.reviewers:
            self.fields["reviewer"].initial = self.challenge.reviewer_id

    def clean_reviewer(self):
        return self.reviewers[self.cleaned_data["reviewer"]]


class SanctionsMixin:
    """A decision that may set new sanctions: the eight sanction forms of the designation,
    bound to the same POST, validated only when the outcome is "vary"."""

    VARY = "vary"
    NO_SANCTION = (
        "Choose at least one sanction for the varied designation, or choose another outcome"
    )

    sanction_forms: list

    def _setup_sanctions(self, case: DesignationCase, review_on: dt.date) -> None:
        self.review_on = review_on
        self.sanction_forms = sanction_forms(
            self.data if self.is_bound else None, case=case, review_on=review_on
        )

    @property
    def varying(self) -> bool:
        return self.is_bound and self.data.get("outcome") == self.VARY

    def is_valid(self) -> bool:
        own = super().is_valid()
        if not self.varying:
            return own
        # Every ticked sanction is validated, so all their errors show at once.
        sanctions = [f.is_valid() for f in self.sanction_forms]
        return own and all(sanctions)

    @property
    def has_any_errors(self) -> bool:
        return bool(self.errors) or (
            self.varying and any(f.errors for f in self.sanction_forms)
        )

    def clean_sanctions(self, cleaned: dict) -> None:
        cleaned["sanctions"] = []
        if cleaned.get("outcome") != self.VARY:
            return
        used = [f for f in self.sanction_forms if f.used]
        if not used:
            self.add_error(None, self.NO_SANCTION)
        cleaned["sanctions"] = [f.spec() for f in used if f.is_valid()]


class DecideChallengeForm(SanctionsMixin, ChallengeStepForm):
    outcome = forms.ChoiceField(
        choices=ChallengeOutcome.choices, widget=forms.RadioSelect,
        label="Outcome",
        error_messages={"required": "Choose uphold, vary the sanctions, or withdraw"},
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Reasons for your decision, in plain words",
        help_text="The customer's letter gives these reasons. You will see the letter "
        "before it is sent.",
        error_messages={"required": "Enter the reasons for your decision"},
        validators=[CustomerReasonValidator("the reasons for your decision")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Varied sanctions start today and end by the review date already in force.
        self._setup_sanctions(self.case, self.case.review_due_on)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_sanctions(cleaned)
        return cleaned


class ReviewDecideForm(SanctionsMixin, ActionForm):
    """The six-month review: lift, vary or continue (section 2.4)."""

    outcome = forms.ChoiceField(
        choices=ReviewOutcome.choices, widget=forms.RadioSelect,
        label="Outcome",
        error_messages={"required": "Choose lift, vary or continue"},
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Reasons, in plain words",
        help_text="The customer's letter gives these reasons. You will see the letter "
        "before it is sent.",
        error_messages={"required": "Enter the reasons for the outcome of the review"},
        validators=[CustomerReasonValidator("the reasons for the outcome")],
    )
    next_review_on = forms.DateField(
        required=False, label="Date of the next review", widget=IsoDateInput(),
        validators=[RecordDateValidator(ahead=True)],
        error_messages={"invalid": "Enter a real date"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.latest = deadlines.latest_next_review(self.today)
        field = self.fields["next_review_on"]
        # Asked for, never filled in: the customer's letter gives this date, and a date
        # already in the box is one nobody chose.
        field.help_text = (
            "Needed if you continue or vary the designation; not if you lift it. After "
            f"today and at most six months from today: on or before {_long_date(self.latest)}."
        )
        self._setup_sanctions(self.case, self.latest)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        next_on = cleaned.get("next_review_on")
        if outcome == ReviewOutcome.LIFT:
            cleaned["next_review_on"] = None
        elif outcome and "next_review_on" not in self.errors:
            if next_on is None:
                self.add_error("next_review_on", "Enter the date of the next review")
            elif next_on <= self.today:
                self.add_error("next_review_on", "The next review must be after today")
            elif next_on > self.latest:
                self.add_error(
                    "next_review_on",
                    "The next review must be within six months: on or before "
                    f"{_long_date(self.latest)}",
                )
        self.clean_sanctions(cleaned)
        if outcome == ReviewOutcome.VARY and next_on and not self.errors.get("next_review_on"):
            # The new sanctions run to the next review, which may be sooner than six months.
            for sf in self.sanction_forms:
                ends = sf.cleaned_data.get("ends_on") if sf.used and sf.is_valid() else None
                if ends and ends > next_on:
                    sf.add_error(
                        "ends_on",
                        f"It must end by the next review on {_long_date(next_on)}",
                    )
            cleaned["sanctions"] = [
                f.spec() for f in self.sanction_forms if f.used and not f.errors
            ]
        return cleaned
