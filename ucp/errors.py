"""Errors services raise for people to read. Views turn them into form errors or 4xx."""

from __future__ import annotations

from collections.abc import Sequence


class ServiceError(Exception):
    """A request the policy or the current state does not allow; the message is for users."""

    def __init__(self, message: str, *, reasons: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = list(reasons)


class NotAllowed(ServiceError):
    pass


class CaseChanged(ServiceError):
    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Someone else changed this case while you were looking at it. "
            "Nothing you entered was saved: check the case as it is now and try again."
        )
