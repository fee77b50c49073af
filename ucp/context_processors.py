"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings

from accounts.roles import CASEWORK_ROLES, Role, has_role
from ucp import sessions


def council(request):
    """The council's and the service's names, for the header and page titles."""
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "SERVICE_NAME": settings.SERVICE_NAME,
        # Directorate leads and administrators have no customer search: hide the link.
        "can_see_customers": has_role(getattr(request, "user", None), *CASEWORK_ROLES),
        "is_information_governance": has_role(
            getattr(request, "user", None), Role.INFORMATION_GOVERNANCE
        ),
    }


def session_timeout(request):
    """What the timeout warning (frontend/ucp.js) needs: seconds left and when to warn.

    Seconds from now, not a clock time, so a PC whose clock is wrong still warns on time.
    """
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"session_timeout": {
        "expires_in": round(sessions.seconds_left(request.session)),
        "warning": settings.SESSION_WARNING_SECONDS,
    }}
