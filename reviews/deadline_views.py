"""The deadline dashboard, `/deadlines/`: not a casework page.

Its rows come from `reviews.dashboard`'s scoped sources, so each role sees only its own
kinds: senior managers the deadlines of their directorates' cases, independent reviewers
the challenges given to them, and the information-governance role (no casework) only the
subject access requests. Hence it is outside `casework_required`, and asks
`may_see_deadlines` instead.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import access_log
from cases.models import AccessKind
from reviews import selectors


@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_deadlines(request.user):
        raise PermissionDenied(
            "The deadline dashboard is for senior managers, independent reviewers and "
            "information governance."
        )
    # A horizon or page that is not one of the choices is the default, never an error.
    horizon = selectors.Horizon.parse(request.GET.get("horizon"))
    context = selectors.deadline_dashboard(
        request.user, horizon=horizon, page=request.GET.get("page")
    )
    # The customers the page names are in the access log, as a list's are.
    access_log.saw(
        request.user,
        {row.customer_id for row in context["page"].object_list}
        | {row.case.customer_id for row in context["decided"]},
        kind=AccessKind.SEARCH,
    )
    return render(request, "reviews/deadlines.html", context)
