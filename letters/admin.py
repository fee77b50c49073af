"""Administrators keep the policy that letters enclose. Issued letters and notices are
case records: they are never edited, so they are not in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from letters.models import PolicyVersion
from letters.services import policy_version_save
from ucp.errors import ServiceError


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["label", "effective_on", "is_current", "text", "pdf"]
        widgets = {"text": forms.Textarea(attrs={"rows": 30, "cols": 100})}

    def _get_validation_exclusions(self):
        # "One current version" is kept by the service, which un-currents the old one in
        # the same transaction; checked here, making a new version current would be refused.
        return {*super()._get_validation_exclusions(), "is_current"}

    def clean_is_current(self) -> bool:
        value = self.cleaned_data["is_current"]
        if self.instance.pk and not value:
            was = PolicyVersion.objects.filter(pk=self.instance.pk, is_current=True).exists()
            if was:
                raise forms.ValidationError(
                    "This is the current version. Make another version current instead: "
                    "letters must always have a policy to enclose."
                )
        return value

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload and hasattr(upload, "content_type"):
            if not upload.name.lower().endswith(".pdf") or upload.read(5) != b"%PDF-":
                raise forms.ValidationError("Upload the policy as a PDF file.")
            upload.seek(0)
        return upload


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    form = PolicyVersionForm
    list_display = ["label", "effective_on", "is_current", "uploaded_by", "uploaded_at"]
    list_filter = ["is_current"]
    search_fields = ["label", "text"]
    readonly_fields = ["uploaded_by", "uploaded_at"]

    def save_model(self, request, obj, form, change) -> None:
        try:
            policy_version_save(actor=request.user, version=obj)
        except ServiceError as exc:  # pragma: no cover - the form checks the same first
            messages.error(request, exc.message)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Letters record the version they enclosed; a version is replaced, never deleted.
        return False
