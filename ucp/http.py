"""The one access check and the one error mapping every page uses.

Casework: `@casework_required` wraps every view that shows or changes a customer record
(personal data). Roles without casework access (a directorate lead, an administrator
without a casework role) get 403; a signed-out visitor never gets this far, since
`LoginRequiredMiddleware` sends them to sign in. Which customers and cases the user may
then see is the selectors' business (`cases.selectors.cases_for`): out of scope is a 404.

Errors: services raise `ucp.errors.ServiceError` or one of its two subclasses, and a view
answers them all through `form_error` (or `status_for` where there is no form). The page
is re-rendered with the message on the form, which keeps what the user typed, with:

    CaseChanged                        409 Conflict: someone else moved the case on; the
                                           user reloads and looks again.
    NotAllowed, no reasons             403 Forbidden: this user may not take this step.
    NotAllowed with reasons            422: the step is refused until the reasons listed
                                           (unmet guards, lost independence) are put right.
    ServiceError, ValidationError      422 Unprocessable Content: what was entered cannot
                                           be saved as it is.

The order matters: `CaseChanged` and `NotAllowed` are `ServiceError`s, so they are
tested first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from accounts.roles import CASEWORK_ROLES, has_role
from ucp.errors import CaseChanged, NotAllowed, ServiceError

CASEWORK_REFUSED = "Your role does not give access to customer records."

# Status codes for a refused service call; see the module docstring.
CONFLICT = 409
FORBIDDEN = 403
UNPROCESSABLE = 422


def may_do_casework(user) -> bool:
    """Whether the user's role gives access to customer records at all."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *CASEWORK_ROLES)


def casework_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403) a user whose role gives no access to customer records.

    The wrapper is marked `casework_required = True`, and the mark survives Django's own
    decorators (they copy `__dict__`), so a test can walk the URL resolver and find any
    page that forgot it.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
        if not may_do_casework(request.user):
            raise PermissionDenied(CASEWORK_REFUSED)
        return view(request, *args, **kwargs)

    wrapper.casework_required = True  # type: ignore[attr-defined]
    return wrapper


def status_for(exc: ServiceError | ValidationError) -> int:
    """The status a page answers a refused service call with (see the module docstring)."""
    if isinstance(exc, CaseChanged):
        return CONFLICT
    if isinstance(exc, NotAllowed) and not exc.reasons:
        return FORBIDDEN
    return UNPROCESSABLE


def form_error(form, exc: ServiceError | ValidationError) -> int:
    """Put a service's refusal on the form, and return the status to answer with.

    A `ValidationError` raised for a model field goes on that field when the form has it.
    """
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return status_for(exc)
    form.add_error(None, exc.message)
    for reason in exc.reasons:
        form.add_error(None, reason)
    return status_for(exc)
