"""How long free text may be: limits a council would accept, one table for the forms (a
message on the field) and the services (`require_length`).

A reason, a note or what a warning said is read by a person and often by the customer: a
few pages at most. A contact's summary may be a long email pasted in; a matter's full
details the whole of a complaint. Nothing needs 100,000 characters, and a page or letter
built from one would be unusable. The models keep `TextField` (no database limit, so a
limit can be raised here without a migration); the forms and services enforce these.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

from ucp.errors import ServiceError

LINE_MAX = 200  # a single-line answer with no model limit of its own
ADDRESS_MAX = 500  # a postal address, several lines
NOTE_MAX = 5_000  # reasons, notes, grounds, what a warning said: about two pages
SUMMARY_MAX = 10_000  # a contact written up, or an email pasted in
DETAILS_MAX = 20_000  # a matter's full details: the whole of a complaint


def length_message(limit: int, length: int) -> str:
    # Shown beside the field (and linked from the error summary), so it need not name it.
    return f"Enter no more than {limit:,} characters (you entered {length:,})"


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """Django's max-length check, with a message that gives both numbers."""

    def __call__(self, value: str) -> None:
        if len(value) > self.limit_value:
            raise ValidationError(length_message(self.limit_value, len(value)),
                                  code="max_length")


def one_line(value: str) -> None:
    """A single-line box's validator: a line break there was forged or pasted, and would
    break the line it is printed on (a name in a letter's address block)."""
    if "\n" in value or "\r" in value:
        raise ValidationError("Enter this on one line", code="line_break")


def require_length(value: str, what: str, limit: int = NOTE_MAX) -> str:
    """The text if it is within `limit`; ServiceError naming `what` if not."""
    if len(value or "") > limit:
        raise ServiceError(
            f"{what[0].upper() + what[1:]} must be {limit:,} characters or fewer "
            f"(it has {len(value):,})."
        )
    return value
