"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings


def council(request):
    """The council's and the service's names, for the header and page titles."""
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "SERVICE_NAME": settings.SERVICE_NAME,
    }
