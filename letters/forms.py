from __future__ import annotations

from django import forms

from cases.models import DesignationCase
from letters.services import staff_who_may_be_informed
from ucp.forms import GovukForm


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        profile = getattr(obj, "staff_profile", None)
        title = profile.job_title if profile is not None and profile.job_title else ""
        return f"{name}, {title}" if title else name


class InformCouncilForm(GovukForm):
    staff = StaffChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Staff to inform",
        help_text="Everyone who may deal with this customer in the directorates involved. "
        "Each gets an email with the decision and what they may and may not do.",
        error_messages={"required": "Choose the members of staff who need to know"},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Note to staff (optional)",
        help_text="For example, how further contact should be recorded.",
        max_length=2000,
    )

    def __init__(self, *args, case: DesignationCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_who_may_be_informed(case).select_related(
            "staff_profile"
        )


class IssueLetterForm(GovukForm):
    """No fields: the letter is the preview. Carries CSRF and any service error."""
