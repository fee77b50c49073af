"""UK postcodes: one rule for the forms, the services and the data migration.

The format is Royal Mail's (as in the GOV.UK data standards): an outward code of one or two
letters, a digit, and an optional digit or letter (A9, A99, A9A, AA9, AA99, AA9A), then a
space and an inward code of a digit and two letters. Letters that never appear in a
position are refused (no Q, V or X first; no I, J or Z second; the inward code never has C,
I, K, M, O or V), as is anything longer. GIR 0AA (Girobank) is the one historical
exception. A postcode is stored upper case with one space: "ca11aa" is "CA1 1AA".

An address outside the UK has its own postal code, or none: the customer record says so
(`Customer.address_outside_uk`), and then the code is kept as typed, on one line.
"""

from __future__ import annotations

import re

OUTSIDE_UK_MAX_LENGTH = 10  # Customer.postcode's max_length

_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_UK = re.compile(rf"(?:{_OUTWARD}{_INWARD}|GIR0AA)")

INVALID = (
    "Enter a real UK postcode, like CA1 1RD; if the address is outside the UK, tick "
    "\u201cThe address is outside the UK\u201d"
)
TOO_LONG_ABROAD = f"Enter a postal code of {OUTSIDE_UK_MAX_LENGTH} characters or fewer"


def _compact(value: str | None) -> str:
    return "".join((value or "").split()).upper()


def uk_postcode(value: str | None) -> str | None:
    """The postcode as stored ("CA1 1AA"), or None if `value` is not a UK postcode."""
    compact = _compact(value)
    if not _UK.fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_problem(value: str | None, *, outside_uk: bool = False) -> str | None:
    """Why `value` cannot be the customer's postcode, or None. Blank is allowed."""
    if not (value or "").strip():
        return None
    if outside_uk:
        return TOO_LONG_ABROAD if len(normalise_postcode(value, outside_uk=True)) > (
            OUTSIDE_UK_MAX_LENGTH) else None
    return None if uk_postcode(value) else INVALID


def normalise_postcode(value: str | None, *, outside_uk: bool = False) -> str:
    """As stored: a UK postcode upper case with one space; a postal code abroad on one line
    as typed. A value that is not a UK postcode (an old record) is left as it is, upper
    case, so a record is never changed into something else."""
    if outside_uk:
        return " ".join((value or "").split())
    return uk_postcode(value) or (value or "").strip().upper()
