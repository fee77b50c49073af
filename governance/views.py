"""Pages for the Information Governance role (the council's data protection officer or
records manager): council-wide, and never casework."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, has_role
from accounts.selectors import access_changes_council_wide
from cases import access_log, deadlines
from cases.models import AccessKind, RecordView
from governance import disclosure, selectors, services
from governance.forms import (
    AccessChangeFilterForm,
    AccessLogFilterForm,
    CustomerAccessForm,
    DisposalApprovalForm,
    LegalHoldForm,
    SarCloseForm,
    SarExtendForm,
    SarFileDecisionForm,
    SarIdentityForm,
    SarRecordForm,
    SarRedactionForm,
    StaffAccessForm,
)
from governance.models import (
    LegalHold,
    ProposalStatus,
    SarRedaction,
    SarStatus,
    SubjectAccessRequest,
)
from governance.retention import disposals_done, holds_listed, proposals_listed
from governance.services import disposals_approve, legal_hold_lift, legal_hold_place
from ucp.errors import ServiceError
from ucp.forms import bind, bind_query
from ucp.http import UNPROCESSABLE, form_error, status_for
from ucp.spreadsheets import csv_safe
from ucp.templatetags.ucp_tags import person

CHANGES_PER_PAGE = 50
ENTRIES_PER_PAGE = 50
FILES_PER_PAGE = 25
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
# --- subject access requests ------------------------------------------------------------------

SARS_PER_PAGE = 50
COPIES = {"internal": "internal_copy", "release": "release_copy"}


def _sar_for(user, pk: int) -> SubjectAccessRequest:
    """The one way a page reaches a request: the role first (403), then the row (404)."""
    _information_governance_only(user)
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related(
        "customer", "recorded_by", "identity_checked_by", "extended_by", "produced_by",
        "released_by",
    ), pk=pk)
    # The request's pages show its customer: noted for the access log (cases.access_log).
    access_log.noted(user, sar.customer)
    return sar


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
        "undecided_files": forms.get("undecided_files", []),
        "marks": marks,
        "file_decisions": sar.file_decisions.count(),
        "file_count": disclosure.file_count(sar.customer),
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
        return _detail(request, sar, status_for(exc), release_errors=[exc.message],
                       undecided_files=exc.reasons)
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
    # The download itself is in the access log through _sar_for (kind download).
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


@require_http_methods(["GET", "POST"])
def sar_files(request: HttpRequest, pk: int) -> HttpResponse:
    """The disclosure's files (correspondence and letters), a page at a time, each with
    what the release copy does with it; a POST decides one. The internal copy keeps all."""
    sar = _sar_for(request.user, pk)
    found = disclosure.files_of(sar.customer)
    keys = [key for key, _what, _obj in found]
    posted = request.POST.get("file") if request.method == "POST" else None
    index = keys.index(posted) if posted in keys else len(keys)
    form = bind(request, SarFileDecisionForm, auto_id=f"file-{index}-%s")
    status = 200
    page_number = request.GET.get("page")
    if request.method == "POST" and "include_undecided" in request.POST:
        # "Include the undecided files on this page as they are": the keys it listed.
        try:
            count = services.sar_include_files(actor=request.user, sar=sar,
                                               files=request.POST.getlist("include_undecided"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{count} file{'s' if count != 1 else ''} included as "
                             f"{'they are' if count != 1 else 'it is'}.")
        back = request.POST.get("page", "")
        return redirect(f"{request.path}?page={back}" if back.isdigit() else request.path)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.sar_decide_file(actor=request.user, sar=sar, **form.cleaned_data)
            except ServiceError as exc:
                status = form_error(form, exc)
            else:
                messages.success(request, "Decision recorded: it applies to the release copy "
                                 "only.")
                back = f"?page={index // FILES_PER_PAGE + 1}" if index else ""
                return redirect(f"{request.path}{back}")
        else:
            status = UNPROCESSABLE
        # The page with the form sent on it, whatever the address said.
        page_number = index // FILES_PER_PAGE + 1 if index < len(keys) else page_number
    decisions = {d.file: d for d in sar.file_decisions.select_related("decided_by")}
    page = Paginator(range(len(found)), FILES_PER_PAGE).get_page(page_number)
    rows = []
    for i in page.object_list:
        key, what, obj = found[i]
        decided = decisions.get(key)
        rows.append((key, what, obj, decided, form if i == index else SarFileDecisionForm(
            auto_id=f"file-{i}-%s",
            initial={"file": key, "decision": decided.decision if decided else None,
                     "reason": decided.reason if decided else ""})))
    withheld = sum(1 for d in decisions.values() if d.decision == "withhold")
    return render(request, "governance/sar_files.html", {
        "sar": sar, "rows": rows, "page": page, "form": form, "total": len(found),
        "decided": len(decisions), "withheld": withheld,
        "undecided_here": [key for key, _what, _obj, decided, _form in rows if not decided],
    }, status=status)
