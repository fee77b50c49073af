from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from sso.models import ClaimMapping, SsoIdentity
from sso.selectors import own_claim_values


@admin.register(ClaimMapping)
class ClaimMappingAdmin(SimpleHistoryAdmin):
    """The table single sign-on applies at every sign-in. Nobody edits the rows for their
    own groups: that would be changing their own roles, by another road."""

    list_display = ["claim_value", "description", "role", "directorate", "council_wide"]
    list_filter = ["role", "directorate", "council_wide"]
    search_fields = ["claim_value", "description"]

    def _is_own(self, request, obj) -> bool:
        return obj is not None and obj.claim_value in own_claim_values(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._is_own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_own(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.claim_value in own_claim_values(request.user):
            raise PermissionDenied("You may not map your own groups.")
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        own = own_claim_values(request.user)

        class NotOwnForm(form):
            def clean_claim_value(self):
                value = self.cleaned_data["claim_value"].strip()
                if value in own:
                    raise forms.ValidationError(
                        "You are in this group yourself: someone else must map it."
                    )
                return value

        return NotOwnForm


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    """Who signed in through the provider, as whom, with which claim values. Read only: the
    provider and the mapping decide."""

    list_display = ["user", "subject", "last_signed_in"]
    search_fields = ["user__username", "subject"]
    readonly_fields = [
        "user", "issuer", "subject", "claim_values", "first_signed_in", "last_signed_in",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
