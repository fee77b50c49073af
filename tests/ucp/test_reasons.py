"""The one rule for reasons the customer reads (ucp/reasons.py): a sensible minimum."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ucp.errors import ServiceError
from ucp.reasons import CustomerReasonValidator, reason_problem, require_reason


@pytest.mark.parametrize("text", [
    "", "   ", "Continue.", "ok", "n/a", "N/A.", "...", "- - - - -", "Fair.",
    "Behaviour continued.",
    "Still calling.", "yes yes yes yes", "a b c d",  # four words but under 20 letters
])
def test_not_a_reason(text):
    assert reason_problem(text) is not None
    with pytest.raises(ServiceError):
        require_reason(text, "the reasons")
    with pytest.raises(ValidationError, match="at least 4 words"):
        CustomerReasonValidator("the reasons")(text)


@pytest.mark.parametrize("text", [
    "You still telephone the office several times every day.",
    "The behaviour has stopped since March.",
    "Forty-one calls in May about the same bin collection.",
])
def test_a_reason(text):
    assert reason_problem(text) is None
    assert require_reason(f"  {text}\n", "the reasons") == text
    CustomerReasonValidator()(text)


def test_the_message_names_what_is_missing():
    with pytest.raises(ServiceError) as caught:
        require_reason("Continue.", "the reasons for the outcome of the review")
    assert caught.value.message.startswith(
        "Explain the reasons for the outcome of the review in at least 4 words"
    )
    with pytest.raises(ServiceError, match="Enter the reasons"):
        require_reason("", "the reasons")
