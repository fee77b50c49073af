"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings

from accounts.roles import CASEWORK_ROLES, has_role


def council(request):
    """The council's and the service's names, for the header and page titles."""
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "SERVICE_NAME": settings.SERVICE_NAME,
        # Directorate leads and administrators have no customer search: hide the link.
        "can_see_customers": has_role(getattr(request, "user", None), *CASEWORK_ROLES),
    }
