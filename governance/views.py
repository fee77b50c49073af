"""Pages for the Information Governance role (the council's data protection officer or
records manager): council-wide, and never casework."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role
from accounts.selectors import access_changes_council_wide
from governance.forms import AccessChangeFilterForm
from ucp.forms import bind_query

CHANGES_PER_PAGE = 50


def _information_governance_only(user) -> None:
    if not has_role(user, Role.INFORMATION_GOVERNANCE):
        raise PermissionDenied("Only the information governance role sees this page.")


@require_GET
def access_changes(request: HttpRequest) -> HttpResponse:
    """Every role, directorate, flag and password change for every member of staff: who
    could see what, since when, and who gave it to them."""
    _information_governance_only(request.user)
    form = bind_query(request, AccessChangeFilterForm)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    changes = access_changes_council_wide(
        person=filters.get("person", ""), kind=filters.get("kind", ""),
        source=filters.get("source", ""),
    )
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    # The filter again on the other pages (raw values: the pagination include encodes them).
    extra = "".join(f"&{name}={value}" for name, value in filters.items() if value)
    return render(request, "governance/access_changes.html", {
        "form": form, "page": page, "extra": extra,
    })
