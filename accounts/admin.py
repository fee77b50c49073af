"""The administration of staff: roles, directorates and sign-in, with separation of duties.

- An account that administers the system holds no casework role (`StaffUserChangeForm`
  says so on the form; `accounts.signals` refuses it below the admin too).
- Nobody changes their own roles, directorates or permissions: on their own page those
  fields are read-only, so a forged POST of them is ignored like any read-only field.
- Every change to what someone may do is an `AccessChange` (actor: the administrator,
  source: the admin), read-only here and shown to the person on "Your access".
- Where single sign-on is configured, nobody sets another person's local password here.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UsernameField
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import AccessChange, Directorate, StaffProfile
from accounts.roles import ROLE_BY_GROUP
from accounts.services import (
    AccessSnapshot,
    record_access_changes,
    record_password_set,
    separation_problem,
)

User = get_user_model()

# What nobody may change on their own account: who they are allowed to be.
OWN_ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")
OWN_PROFILE_FIELDS = ("directorates", "council_wide")

SSO_PASSWORD_REFUSED = (
    "This council signs staff in through single sign-on: nobody sets another person's "
    "password here."
)


def is_own_account(request, obj) -> bool:
    return obj is not None and obj.pk is not None and obj.pk == request.user.pk


@admin.register(Directorate)
class DirectorateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "assistant_director_name", "service_manager_name"]
    prepopulated_fields = {"short_name": ["name"]}
    search_fields = ["name"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["directorates"]

    def get_readonly_fields(self, request, obj=None):
        # `obj` is the user whose page this is.
        readonly = list(super().get_readonly_fields(request, obj))
        if is_own_account(request, obj):
            readonly += OWN_PROFILE_FIELDS
        return readonly


class StaffUserChangeForm(UserChangeForm):
    """The user form, refusing a casework role for an account that administers the system.

    Fields the administrator may not change here (read-only for them) are not in the form,
    so their values come from the account as it stands."""

    def clean(self):
        cleaned = super().clean()
        user = self.instance
        if "groups" in self.fields:
            if "groups" not in cleaned:
                return cleaned  # the field has its own error already
            names = [group.name for group in cleaned["groups"]]
        else:
            names = list(user.groups.values_list("name", flat=True)) if user.pk else []
        flags = {
            flag: cleaned.get(flag, False) if flag in self.fields else getattr(user, flag)
            for flag in ("is_staff", "is_superuser")
        }
        problem = separation_problem(
            {ROLE_BY_GROUP[n] for n in names if n in ROLE_BY_GROUP}, **flags
        )
        if problem:
            self.add_error("groups" if "groups" in self.fields else None, problem)
        return cleaned


class SingleSignOnUserCreationForm(forms.ModelForm):
    """A new account where staff sign in through single sign-on: no local password, so
    the administrator who creates it cannot sign in as its owner."""

    class Meta:
        model = User
        fields = ("username",)
        field_classes = {"username": UsernameField}

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    form = StaffUserChangeForm
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["groups", "is_active", "staff_profile__directorates"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # Only a superuser may hand out superuser status or individual permissions;
        # an administrator manages staff through their roles (groups) and directorates.
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "is_staff"]
        if is_own_account(request, obj):
            readonly += OWN_ACCESS_FIELDS
        if self._password_locked(request, obj):
            readonly.append("sign_in")
        return list(dict.fromkeys(readonly))

    def get_fieldsets(self, request, obj=None):
        if obj is None and settings.OIDC_ENABLED:
            return ((None, {"fields": ("username",)}),)
        fieldsets = super().get_fieldsets(request, obj)
        if not self._password_locked(request, obj):
            return fieldsets
        # No "Reset password" button: the password view refuses another person anyway.
        return tuple(
            (name, {**opts, "fields": tuple(
                "sign_in" if f == "password" else f for f in opts["fields"]
            )})
            for name, opts in fieldsets
        )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and settings.OIDC_ENABLED:
            kwargs["form"] = SingleSignOnUserCreationForm
        return super().get_form(request, obj, **kwargs)

    @admin.display(description="Password")
    def sign_in(self, obj) -> str:
        return "Signs in through single sign-on. A local password cannot be set here."

    @staticmethod
    def _password_locked(request, obj) -> bool:
        return settings.OIDC_ENABLED and obj is not None and not is_own_account(request, obj)

    # --- recording every change of access ---------------------------------------------

    def save_model(self, request, obj, form, change):
        # Before anything is saved: the form has changed `obj` in memory only, and the
        # snapshot reads the database. Groups and the profile are saved in save_related.
        form.access_before = AccessSnapshot.of(obj) if change else AccessSnapshot(frozenset())
        if change and "groups" in form.cleaned_data:
            # Roles taken away go first, so that an account becoming an administrator in
            # the same save is never, for a moment, an administrator with casework roles
            # (accounts.signals would refuse that write).
            keep = set(form.cleaned_data["groups"])
            gone = [group for group in obj.groups.all() if group not in keep]
            if gone:
                obj.groups.remove(*gone)
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            record_password_set(
                actor=request.user, subject=obj, usable=True,
                source=AccessChange.Source.ADMIN, note="When the account was created.",
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        subject = form.instance
        record_access_changes(
            actor=request.user, subject=subject, before=form.access_before,
            after=AccessSnapshot.of(subject), source=AccessChange.Source.ADMIN,
        )

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and settings.OIDC_ENABLED and not is_own_account(request, user):
            raise PermissionDenied(SSO_PASSWORD_REFUSED)
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and user is not None and not is_own_account(request, user):
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                record_password_set(
                    actor=request.user, subject=user, usable=user.has_usable_password(),
                    source=AccessChange.Source.ADMIN,
                )
        return response


@admin.register(AccessChange)
class AccessChangeAdmin(admin.ModelAdmin):
    """Who gave whom what, and when: a record, so nobody adds, edits or deletes one."""

    list_display = ["at", "subject", "action", "what", "actor", "source"]
    list_filter = ["kind", "action", "source"]
    list_select_related = ["subject", "actor"]
    search_fields = [
        "subject__username", "subject__first_name", "subject__last_name",
        "actor__username", "value",
    ]
    date_hierarchy = "at"

    @admin.display(description="What")
    def what(self, obj: AccessChange) -> str:
        return obj.describe()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
