"""Pages for the Information Governance role (the council's data protection officer or
records manager): council-wide, and never casework."""

from __future__ import annotations

import csv
import io

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
from cases import access_log
from cases.models import AccessKind, RecordView
from governance import selectors
from governance.forms import (
    AccessChangeFilterForm,
    AccessLogFilterForm,
    CustomerAccessForm,
    DisposalApprovalForm,
    LegalHoldForm,
    StaffAccessForm,
)
from governance.models import LegalHold, ProposalStatus
from governance.retention import disposals_done, holds_listed, proposals_listed
from governance.services import disposals_approve, legal_hold_lift, legal_hold_place
from ucp.errors import ServiceError
from ucp.forms import bind, bind_query
from ucp.http import form_error
from ucp.spreadsheets import csv_safe
from ucp.templatetags.ucp_tags import person

CHANGES_PER_PAGE = 50
ENTRIES_PER_PAGE = 50
# An export is one request: bounded, and the page says when it was cut short.
EXPORT_LIMIT = 20_000


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


def _filters(form: AccessLogFilterForm) -> dict:
    data = form.cleaned_data
    return {"from_date": data.get("from_date"), "to_date": data.get("to_date"),
            "kind": data.get("kind", "")}


def _query_extra(request: HttpRequest, names: tuple[str, ...]) -> str:
    """The filter again for the other pages and the export (the include encodes it)."""
    return "".join(f"&{name}={request.GET[name]}" for name in names if request.GET.get(name))


def _csv(entries: list[RecordView], flagged: set[int], filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["When", "Username", "Member of staff", "Customer reference", "Customer",
                     "Case", "Kind", "Address", "No part in their cases"])
    for e in entries:
        writer.writerow([csv_safe(str(cell)) for cell in (
            e.at.isoformat(timespec="seconds"), e.user.username, person(e.user),
            e.customer.reference, e.customer.full_name, e.case.reference if e.case else "",
            e.get_kind_display(), e.path, "yes" if e.pk in flagged else "",
        )])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _access_page(request: HttpRequest, form_class, whose: str, template: str) -> HttpResponse:
    """The two access-log pages: the form names whose log (`whose` is its field), then the
    dates and kind narrow it; `?format=csv` exports it. What the page or the export shows
    about customers is itself logged."""
    _information_governance_only(request.user)
    form = bind_query(request, form_class)
    context: dict = {"form": form, "page": None}
    if form.is_bound and form.is_valid():
        subject = form.cleaned_data[whose]
        key = "customer" if whose == "customer" else "user"
        entries = selectors.access_log(**{key: subject}, **_filters(form))
        if request.GET.get("format") == "csv":
            rows = list(entries[:EXPORT_LIMIT])
            access_log.saw(request.user, {e.customer for e in rows}, kind=AccessKind.EXPORT)
            if key == "customer":
                access_log.noted(request.user, subject, kind=AccessKind.EXPORT)
            name = subject.reference if key == "customer" else subject.username
            return _csv(rows, selectors.without_part(rows), f"access-log-{name}.csv")
        page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        if key == "customer":
            access_log.noted(request.user, subject)
        else:
            access_log.saw(request.user, {e.customer for e in rows})
        flagged = selectors.without_part(rows)
        context.update(
            subject=subject, page=page, entries=rows,
            rows=[(e, e.pk in flagged) for e in rows],
            extra=_query_extra(request, (whose, "from_date", "to_date", "kind")),
            export_limit=EXPORT_LIMIT,
        )
    return render(request, template, context)


@require_GET
def customer_access(request: HttpRequest) -> HttpResponse:
    """Who has looked at this customer: every access to their record, by whom and how."""
    return _access_page(request, CustomerAccessForm, "customer",
                        "governance/customer_access.html")


@require_GET
def staff_access(request: HttpRequest) -> HttpResponse:
    """What has this person looked at: every customer record a member of staff was shown."""
    return _access_page(request, StaffAccessForm, "person", "governance/staff_access.html")
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
