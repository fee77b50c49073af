"""What the API takes and gives. Input serializers turn names and references into records
and refuse anything the check could not answer (400 with a message per field)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.forms.utils import from_current_timezone
from django.utils import timezone
from rest_framework import serializers

from accounts.models import Directorate
from cases import references
from cases.models import Channel

# Far-off instants answer nothing useful and would overflow the week arithmetic.
FURTHEST = dt.timedelta(days=366)
# Said in the schema of each parameter it applies to (a test keeps the two together).
WITHIN_A_YEAR = f"Must be within a year ({FURTHEST.days} days) of today, before or after."
REFERENCE_FORMAT = (
    f"A reference such as C-ABC234: letters, a hyphen, then letters and digits; at most "
    f"{references.MAX_LENGTH} characters, any case."
)


def reference_field(help_text: str, **kwargs) -> serializers.CharField:
    """A record's reference: its length and shape in the schema (maxLength, pattern), and
    refused with a message per field when it is not one."""
    return serializers.CharField(
        max_length=references.MAX_LENGTH, help_text=f"{help_text} {REFERENCE_FORMAT}",
        validators=[RegexValidator(
            references.PATTERN, message="Enter a reference such as C-ABC234.")],
        **kwargs,
    )


def _within_a_year(value: dt.datetime | dt.date, what: str):
    now = timezone.now()
    if isinstance(value, dt.datetime):
        far = abs(value - now) > FURTHEST
    else:
        far = abs(value - timezone.localdate()) > FURTHEST
    if far:
        raise serializers.ValidationError(f"{what} must be within a year of today.")
    return value


class UKDateTimeField(serializers.DateTimeField):
    """ISO 8601; without an offset, UK local time, refusing the hour the clocks skip and
    the hour they repeat (which would otherwise be guessed)."""

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        if timezone.is_naive(value):
            try:
                value = from_current_timezone(value)
            except DjangoValidationError:
                raise serializers.ValidationError(
                    "That local time does not exist or happens twice (the clocks change "
                    "then): give its UTC offset, like 2025-10-26T01:30:00+01:00."
                ) from None
        return super().enforce_timezone(value)


class RestrictionCheckInput(serializers.Serializer):
    customer = reference_field(
        "The customer's reference, as shown on their record. Or give `phone` or `email`.",
        required=False, allow_blank=True,
    )
    phone = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="Instead of `customer`: the phone number the caller presents, in any "
        "format. Every record with that number is found (duplicates included).",
    )
    email = serializers.CharField(
        required=False, allow_blank=True, max_length=254,
        help_text="Instead of `customer`: the email address a message came from, any case.",
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, help_text="How the customer is contacting the council."
    )
    at = UKDateTimeField(
        required=False,
        help_text="When the contact happens, ISO 8601. Without an offset it is UK local "
        f"time. Default: now. {WITHIN_A_YEAR}",
    )
    duration_minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=600,
        help_text="How long the call or personal contact lasts (or lasted), in minutes.",
    )
    officer = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="Username of the member of staff dealing with it.",
    )
    matter = reference_field(
        "Reference of the customer's matter the contact is about.",
        required=False, allow_blank=True,
    )
    witness_present = serializers.BooleanField(
        required=False, default=False, help_text="For a personal contact: is a witness present?"
    )
    directorate = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="Short name of the directorate dealing with it. Without one, every "
        "restriction in force applies, whatever its scope.",
    )

    def validate_at(self, value: dt.datetime) -> dt.datetime:
        return _within_a_year(value, "The time")

    def validate(self, attrs):
        if not any((attrs.get(k) or "").strip() for k in ("customer", "phone", "email")):
            raise serializers.ValidationError(
                {"customer": ["Give the customer's reference, or a phone number or email."]})
        return attrs

    def validate_officer(self, value: str):
        value = (value or "").strip()
        if not value:
            return None
        User = get_user_model()
        try:
            # The check compares its id and may name the officer: no more of the row.
            return User.objects.only("id", "username", "first_name", "last_name").get(
                **{User.USERNAME_FIELD: value}, is_active=True
            )
        except User.DoesNotExist:
            raise serializers.ValidationError(
                f"No active member of staff has the username “{value}”."
            ) from None

    def validate_directorate(self, value: str) -> Directorate | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            return Directorate.objects.get(short_name=value)
        except Directorate.DoesNotExist:
            raise serializers.ValidationError(f"No directorate is called “{value}”.") from None

    def validate_matter(self, value: str) -> str:
        return (value or "").strip()


class RestrictionsInput(serializers.Serializer):
    on = serializers.DateField(
        required=False,
        help_text=f"The day to describe, ISO 8601 (YYYY-MM-DD). Default: today. {WITHIN_A_YEAR}",
    )

    def validate_on(self, value: dt.date) -> dt.date:
        return _within_a_year(value, "The day")


class BreachOutput(serializers.Serializer):
    sanction = serializers.CharField(help_text="The kind of sanction breached, e.g. time_limit.")
    message = serializers.CharField(help_text="The breach in plain words, for staff.")
    filed = serializers.BooleanField(
        help_text="True for a refused complaint: file it, and it must still be read."
    )


class MatchOutput(serializers.Serializer):
    customer = serializers.CharField(help_text="A customer's reference.")
    restricted = serializers.BooleanField(help_text="Whether any sanction is in force now.")


class RestrictionCheckOutput(serializers.Serializer):
    customer = serializers.CharField(
        help_text="The customer's reference: the one checked. Found by phone or email, the "
        "first restricted record among `matches` (or the first of them).")
    merged_from = serializers.CharField(
        allow_null=True, help_text="The reference given, when it is of a record merged into "
        "another: then `customer` is the surviving record, whose answer this is. Null "
        "otherwise.")
    matches = MatchOutput(many=True, help_text="Every record the reference, phone or email "
                          "found (at most 20), and whether each is restricted.")
    any_restricted = serializers.BooleanField(
        help_text="Whether any of `matches` is restricted: then treat the contact as with a "
        "restricted person until staff have checked which record it is.")
    within_restrictions = serializers.BooleanField()
    breaches = BreachOutput(many=True)
    restrictions = serializers.ListField(
        child=serializers.CharField(),
        help_text="The restrictions in force that day, in plain English, one per line.",
    )
    at = UKDateTimeField(help_text="The contact's time that was checked.")
    checked_at = serializers.DateTimeField(help_text="When the check was made.")


class RestrictionsOutput(serializers.Serializer):
    customer = serializers.CharField(
        help_text="The customer's reference: the surviving record's, for a merged reference.")
    merged_from = serializers.CharField(
        allow_null=True, help_text="The reference in the URL, when it is of a record merged "
        "into another (then the `Content-Location` header is the survivor's URL). Null "
        "otherwise.")
    on = serializers.DateField()
    restricted = serializers.BooleanField()
    restrictions = serializers.ListField(
        child=serializers.CharField(),
        help_text="The restriction banner's lines; empty when there are none.",
    )


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()
