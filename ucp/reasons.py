"""Reasons the customer reads: one rule for every one of them.

A letter tells the customer why the council decided what it did (the designation, each
sanction, the outcome of a challenge or of a review, a late request not accepted). The
policy and the Ombudsman expect reasons, and "Continue.", "ok" or "n/a" are none: a reason
has at least `MIN_WORDS` words, `MIN_DISTINCT_WORDS` of them different, and `MIN_LETTERS`
letters or digits, whatever punctuation surrounds them.

Forms use `CustomerReasonValidator` (the message goes on the field); services call
`require_reason`, so a script or a forged POST cannot get round the form.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from ucp.errors import ServiceError

MIN_WORDS = 4
MIN_DISTINCT_WORDS = 3
MIN_LETTERS = 15

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def reason_problem(text: str | None) -> str | None:
    """Why `text` is not a reason the customer can be given, or None if it is one."""
    words = _WORD.findall(text or "")
    letters = sum(len(w.replace("'", "").replace("’", "").replace("-", "")) for w in words)
    distinct = {w.lower() for w in words}
    if len(words) < MIN_WORDS or len(distinct) < MIN_DISTINCT_WORDS or letters < MIN_LETTERS:
        return (
            f"at least {MIN_WORDS} words the customer can understand, saying why; "
            "a word such as \u201cContinue\u201d or \u201cn/a\u201d is not a reason"
        )
    return None


@deconstructible
class CustomerReasonValidator:
    """A form field validator: "Explain <what> in at least 4 words ..."."""

    def __init__(self, what: str = "the reasons") -> None:
        self.what = what

    def __call__(self, value: str) -> None:
        problem = reason_problem(value)
        if problem:
            raise ValidationError(
                f"Explain {self.what} in {problem}", code="reason_too_short"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CustomerReasonValidator) and other.what == self.what


def require_reason(text: str | None, what: str) -> str:
    """The reason, stripped; ServiceError with the rule if it is none."""
    value = (text or "").strip()
    if not value:
        raise ServiceError(f"Enter {what}.")
    problem = reason_problem(value)
    if problem:
        raise ServiceError(f"Explain {what} in {problem}.")
    return value
