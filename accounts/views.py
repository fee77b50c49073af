"""Pages every signed-in member of staff has, whatever their role."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import role_labels
from accounts.selectors import access_changes_for, directorates_for

CHANGES_PER_PAGE = 50


@require_GET
def your_access(request: HttpRequest) -> HttpResponse:
    """What the user may do now, and every change to it: who gave or took what, and when.

    No casework check: it is about the person themselves, and shows no customer."""
    user = request.user
    profile = getattr(user, "staff_profile", None) if hasattr(user, "staff_profile") else None
    page = Paginator(access_changes_for(user), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/your_access.html",
        {
            "roles": role_labels(user),
            "directorates": list(directorates_for(user)),
            "council_wide": user.is_superuser or bool(profile and profile.council_wide),
            "page": page,
        },
    )
