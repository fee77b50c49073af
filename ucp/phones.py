"""Phone numbers: validated with Google's libphonenumber (`phonenumbers`), stored in E.164
("+441228606060") and shown the way people read them ("01228 606060").

One rule for the forms, the services and the data migration. A number without a country
code is read as a UK one; one starting with + (or 00) may be from anywhere, and must be a
real number there. Stored in E.164 so that the same number typed three ways is one value,
which is what matching a caller's number against the records needs.

`phonenumbers` rather than django-phonenumber-field: the field is a `CharField` already,
with history and an index, and the only things needed are parse, validate and format,
which the library does; the Django package would add a model field, a form field and
widgets of its own to replace ones the project styles itself (GOV.UK).
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

REGION = "GB"
UK_COUNTRY_CODE = 44
# A number typed by a person, with spaces, brackets and an extension at most.
MAX_TYPED_LENGTH = 30

# Ofcom's ranges for drama and examples (01632 960xxx, 07700 900xxx, 020 7946 0xxx ...):
# they never ring anyone, which is why the demo and the tests use them, and why
# libphonenumber calls them invalid. National significant numbers, without the 0.
DRAMA_PREFIXES = (
    "1632960", "7700900", "2079460", "1134960", "1144960", "1154960", "1164960",
    "1174960", "1184960", "1214960", "1314960", "1414960", "1514960", "1614960",
    "1914980", "2920180", "8081570", "9098790", "3069990",
)

INVALID = (
    "Enter a real phone number, like 01228 606060 or 07700 900123; for a number outside "
    "the UK, start with the country code, like +353 1 234 5678"
)


def parse(value: str | None) -> phonenumbers.PhoneNumber | None:
    """The number, or None if `value` is not a real phone number."""
    text = (value or "").strip()
    if not text or len(text) > MAX_TYPED_LENGTH:
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    if phonenumbers.is_valid_number(number) or _drama(number):
        return number
    return None


def _drama(number: phonenumbers.PhoneNumber) -> bool:
    national = phonenumbers.national_significant_number(number)
    return (
        number.country_code == UK_COUNTRY_CODE and len(national) == 10
        and national.startswith(DRAMA_PREFIXES)
    )


def phone_problem(value: str | None) -> str | None:
    """Why `value` cannot be a customer's phone number, or None. Blank is allowed."""
    if not (value or "").strip():
        return None
    return None if parse(value) else INVALID


def to_e164(value: str | None) -> str | None:
    """'01228 606060' -> '+441228606060'; None if it is not a real number."""
    number = parse(value)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164) if number else None


def display(value: str | None) -> str:
    """A stored number as people read it: UK numbers in the national format (01228 606060),
    others in the international one (+353 1 234 5678). An old value that does not parse is
    shown as it was typed."""
    number = parse(value)
    if number is None:
        return value or ""
    if number.country_code == UK_COUNTRY_CODE:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def digits(value: str | None) -> str:
    """The digits a search by number compares: the national form's for a UK number
    ('01228606060'), so '01228 606060' typed in the search box finds it."""
    shown = display(value)
    return "".join(ch for ch in shown if ch.isdigit())
