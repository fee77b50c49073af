"""Pages for the Information Governance role (the council's data protection officer or
records manager): council-wide, and never casework."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, has_role
from accounts.selectors import access_changes_council_wide
from cases import deadlines
from governance import access, disclosure, services
from governance.forms import (
    AccessChangeFilterForm,
    SarCloseForm,
    SarExtendForm,
    SarIdentityForm,
    SarRecordForm,
    SarRedactionForm,
)
from governance.models import SarRedaction, SarStatus, SubjectAccessRequest
from ucp.errors import ServiceError
from ucp.forms import bind, bind_query
from ucp.http import UNPROCESSABLE, form_error, status_for

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


# --- subject access requests ------------------------------------------------------------------

SARS_PER_PAGE = 50
COPIES = {"internal": "internal_copy", "release": "release_copy"}


def _sar_for(user, pk: int) -> SubjectAccessRequest:
    """The one way a page reaches a request: the role first (403), then the row (404)."""
    _information_governance_only(user)
    return get_object_or_404(SubjectAccessRequest.objects.select_related(
        "customer", "recorded_by", "identity_checked_by", "extended_by", "produced_by",
        "released_by",
    ), pk=pk)


@require_GET
def sar_list(request: HttpRequest) -> HttpResponse:
    """Every subject access request, open ones first by the day they are due."""
    _information_governance_only(request.user)
    today = timezone.localdate()
    requests = SubjectAccessRequest.objects.select_related("customer").order_by(
        Case(When(status=SarStatus.OPEN, then=0), default=1), "due_on", "pk"
    )
    page = Paginator(requests, SARS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(sar, deadlines.days_text(deadlines.days_left(sar.due_on, today)))
            for sar in page.object_list]
    return render(request, "governance/sar_list.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
def sar_create(request: HttpRequest) -> HttpResponse:
    _information_governance_only(request.user)
    form = bind(request, SarRecordForm)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sar = services.sar_record(
                actor=request.user, customer=form.cleaned_data["customer"],
                received_on=form.cleaned_data["received_on"],
                how_received=form.cleaned_data["how_received"],
            )
        except ServiceError as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, f"Request recorded: due {sar.due_on:%-d %B %Y}.")
            return redirect(sar)
    elif request.method == "POST":
        status = UNPROCESSABLE
    return render(request, "governance/sar_create.html", {"form": form}, status=status)


def _detail(request: HttpRequest, sar: SubjectAccessRequest, status: int = 200,
            **forms) -> HttpResponse:
    today = timezone.localdate()
    marks = list(sar.redactions.select_related("marked_by"))
    return render(request, "governance/sar_detail.html", {
        "sar": sar,
        "customer": sar.customer,
        "days": deadlines.days_text(deadlines.days_left(sar.due_on, today)),
        "overdue": sar.is_open and sar.due_on < today,
        "identity_form": forms.get("identity_form") or SarIdentityForm(prefix="identity"),
        "extend_form": forms.get("extend_form") or SarExtendForm(prefix="extend"),
        "close_form": forms.get("close_form") or SarCloseForm(prefix="close"),
        "release_errors": forms.get("release_errors", []),
        "marks": marks,
        "can_extend": sar.is_open and sar.extension_months
        < deadlines.SUBJECT_ACCESS_MAX_EXTENSION_MONTHS,
        "history": sar.history.select_related("history_user").order_by("-history_date")[:50],
    }, status=status)


@require_GET
def sar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _sar_for(request.user, pk))


def _step(request: HttpRequest, pk: int, form_class, prefix: str, call) -> HttpResponse:
    """A form on the request page: valid and allowed, back to the page with a message;
    otherwise the page again with the form as typed and what is wrong with it."""
    sar = _sar_for(request.user, pk)
    form = bind(request, form_class, prefix=prefix)
    if form.is_valid():
        try:
            message = call(sar, form.cleaned_data)
        except ServiceError as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, message)
            return redirect(sar)
    else:
        status = UNPROCESSABLE
    return _detail(request, sar, status, **{f"{prefix}_form": form})


@require_POST
def sar_identity(request: HttpRequest, pk: int) -> HttpResponse:
    def call(sar, data):
        services.sar_check_identity(actor=request.user, sar=sar, checked_on=data["checked_on"],
                                    how=data["how"])
        return "Identity check recorded."
    return _step(request, pk, SarIdentityForm, "identity", call)


@require_POST
def sar_extend(request: HttpRequest, pk: int) -> HttpResponse:
    def call(sar, data):
        old, new = services.sar_extend(actor=request.user, sar=sar, months=data["months"],
                                       reason=data["reason"])
        return f"Deadline extended from {old:%-d %B %Y} to {new:%-d %B %Y}."
    return _step(request, pk, SarExtendForm, "extend", call)


@require_POST
def sar_close(request: HttpRequest, pk: int) -> HttpResponse:
    def call(sar, data):
        services.sar_close(actor=request.user, sar=sar, reason=data["reason"])
        return "Request closed without a disclosure."
    return _step(request, pk, SarCloseForm, "close", call)


def _action(request: HttpRequest, pk: int, call, done: str) -> HttpResponse:
    sar = _sar_for(request.user, pk)
    try:
        call(sar)
    except ServiceError as exc:
        return _detail(request, sar, status_for(exc), release_errors=[exc.message])
    messages.success(request, done)
    return redirect(sar)


@require_POST
def sar_produce(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, lambda sar: services.sar_produce(actor=request.user, sar=sar),
                   "Disclosure produced: review the passages, then release it.")


@require_POST
def sar_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, lambda sar: services.sar_release(actor=request.user, sar=sar),
                   "Disclosure released: download the release copy and send it to the customer.")


@require_GET
def sar_download(request: HttpRequest, pk: int, copy: str) -> FileResponse:
    """One of the request's two ZIPs, through the same check as its page; logged."""
    sar = _sar_for(request.user, pk)
    if copy not in COPIES:
        raise Http404("No such copy.")
    stored = getattr(sar, COPIES[copy])
    if not stored:
        raise Http404("That copy has not been produced yet.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    access.log_disclosure(request.user, sar.customer,
                          f"subject access {sar.pk}: {copy} copy downloaded")
    response = FileResponse(handle, as_attachment=True,
                            filename=f"subject-access-{sar.pk}-{copy}.zip",
                            content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def sar_passages(request: HttpRequest, pk: int) -> HttpResponse:
    """The free-text passages of the customer's records, to review before release; a POST
    marks one (or a phrase in it) to withhold from the release copy."""
    sar = _sar_for(request.user, pk)
    found = disclosure.passages(sar.customer)
    keys = [p.key for p in found]
    posted = request.POST.get("passage") if request.method == "POST" else None
    # Each passage's form has ids of its own; the one posted keeps what was typed.
    index = keys.index(posted) if posted in keys else len(keys)
    form = bind(request, SarRedactionForm, auto_id=f"passage-{index}-%s")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.sar_mark_redaction(actor=request.user, sar=sar, **form.cleaned_data)
            except ServiceError as exc:
                status = form_error(form, exc)
            else:
                messages.success(request, "Redaction marked: it applies to the release copy only.")
                return redirect("governance:sar_passages", pk=sar.pk)
        else:
            status = UNPROCESSABLE
    marks: dict[str, list[SarRedaction]] = {}
    for mark in sar.redactions.select_related("marked_by"):
        marks.setdefault(mark.passage, []).append(mark)
    rows = [
        (p, marks.get(p.key, []), form if i == index else SarRedactionForm(
            auto_id=f"passage-{i}-%s", initial={"passage": p.key}))
        for i, p in enumerate(found)
    ]
    return render(request, "governance/sar_passages.html", {
        "sar": sar, "rows": rows, "form": form,
    }, status=status)


@require_POST
def sar_redaction_remove(request: HttpRequest, pk: int, mark: int) -> HttpResponse:
    sar = _sar_for(request.user, pk)
    found = get_object_or_404(SarRedaction, pk=mark, request=sar)
    try:
        services.sar_remove_redaction(actor=request.user, mark=found)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Redaction removed.")
    return redirect("governance:sar_passages", pk=sar.pk)
