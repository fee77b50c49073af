"""Pages for the Information Governance role (the council's data protection officer or
records manager): council-wide, and never casework."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, has_role
from accounts.selectors import access_changes_council_wide
from governance.forms import AccessChangeFilterForm, DisposalApprovalForm, LegalHoldForm
from governance.models import LegalHold, ProposalStatus
from governance.retention import disposals_done, holds_listed, proposals_listed
from governance.services import disposals_approve, legal_hold_lift, legal_hold_place
from ucp.errors import ServiceError
from ucp.forms import bind, bind_query
from ucp.http import form_error

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


# --- retention and disposal ---------------------------------------------------------------------

DISPOSALS_SHOWN = 50


@require_http_methods(["GET", "POST"])
def disposals(request: HttpRequest) -> HttpResponse:
    """What the daily sweep found past retention, to approve; the disposals done. Approving
    is two posts: the first shows what will go and asks again, the second disposes."""
    _information_governance_only(request.user)
    form = bind(request, DisposalApprovalForm)
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["proposals"])
        if request.POST.get("confirmed") != "yes":
            return render(request, "governance/disposal_confirm.html",
                          {"form": form, "chosen": chosen})
        try:
            records, refused = disposals_approve(actor=request.user, proposals=chosen)
        except ServiceError as exc:
            status = form_error(form, exc)
        else:
            if records:
                messages.success(request, f"{len(records)} customer{pluralize(len(records))}' "
                                 "records disposed of.")
            for reason in refused:
                messages.error(request, reason)
            return redirect("governance:disposals")
    return render(request, "governance/disposals.html", {
        "form": form,
        "held": [p for p in proposals_listed() if p.status == ProposalStatus.HELD],
        "done": disposals_done()[:DISPOSALS_SHOWN],
        "retention": {
            "after_case": settings.RETENTION_YEARS_AFTER_CASE_CLOSED,
            "after_contact": settings.RETENTION_YEARS_AFTER_LAST_CONTACT,
        },
    }, status=status)


@require_http_methods(["GET", "POST"])
def holds(request: HttpRequest) -> HttpResponse:
    """Legal holds: while one is in place the customer's records are never disposed of."""
    _information_governance_only(request.user)
    form = bind(request, LegalHoldForm)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            hold = legal_hold_place(actor=request.user, customer=form.cleaned_data["customer"],
                                    reason=form.cleaned_data["reason"],
                                    note=form.cleaned_data["note"])
        except ServiceError as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, f"Hold placed on {hold.customer.reference}.")
            return redirect("governance:holds")
    return render(request, "governance/holds.html",
                  {"form": form, "holds": holds_listed()}, status=status)


@require_POST
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    _information_governance_only(request.user)
    hold = get_object_or_404(LegalHold, pk=pk)
    try:
        legal_hold_lift(actor=request.user, hold=hold)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Hold lifted on {hold.customer.reference}.")
    return redirect("governance:holds")
